#!/usr/bin/env bash
# Regenerates the test PKI of tests/transport.rs (a CA, a server certificate for 127.0.0.1 and
# localhost, a client certificate), valid for 100 years. Test material only.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days $days -subj "/CN=apigen test CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
for who in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.csr \
    -subj "/CN=apigen test $who"
done
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > server.ext
printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n' > client.ext
for who in server client; do
  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem \
    -days $days -extfile $who.ext
  openssl pkcs8 -topk8 -nocrypt -in $who.key -out $who.key.pk8
  mv $who.key.pk8 $who.key
done
rm -f ./*.csr ./*.ext ca.srl ca.key
