//! `mock-load`: a small load generator for the generated mock servers (`generated/<svc>-mock`).
//!
//! It starts a mock binary (`--mock-bin`, reading the bound address from its first output line)
//! or targets a running server (`--url`), opens `--connections` keep-alive HTTP/1.1 connections,
//! and sends one fixed request on each of them back to back until `--duration` seconds have
//! passed or `--requests` requests have been sent, whichever comes first. It reports
//! requests/second, errors (non-2xx answers, transport failures, timeouts) and latency
//! percentiles, and, when it started the mock itself, the CPU time the mock used — so the
//! figure "requests per second per server core" does not depend on how busy the machine was.
//!
//! The exit status is 1 when any request failed, so scripts can assert "no errors".
//!
//! `--baseline` then measures the same load against a minimal hyper server answering the
//! mock's bytes (the probe's status, `Content-Type` and body): `mock-load fixed-server`, the
//! floor of what any server on this machine costs, so the mock's own request path (routing,
//! validation, answer, recording) is the difference. Both runs are reported with the ratio.
//!
//! ```text
//! mock-load --mock-bin target/release/alikafka-mock --connections 64 --duration 15 \
//!   --path '/?Action=GetTopicList&Version=2019-09-16&InstanceId=i-1&RegionId=cn-hangzhou&CurrentPage=1&PageSize=10'
//! ```

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;

const USAGE: &str = "\
usage: mock-load (--mock-bin PATH [--mock-arg ARG]... | --url http://HOST:PORT) [options]
  --mock-bin PATH      start this mock binary; its first output line is the address it bound
  --mock-arg ARG       pass ARG to the mock binary (repeatable)
  --url URL            target a running server instead (http only)
  --method M           request method (default GET)
  --path P             path and query (default /); repeated, each connection sends them in
                       turn, with {n} replaced by a token unique to the connection and round
                       (`--path '/…CreateTopic&Topic=t{n}' --path '/…GetTopicList…'
                        --path '/…DeleteTopic&Topic=t{n}'` creates, lists and deletes)
  --header 'N: V'      request header (repeatable)
  --body TEXT          request body (default empty)
  --connections N      concurrent keep-alive connections (default 64)
  --duration SECS      stop after this many seconds (default 10)
  --requests N         stop after this many requests in all (default 10000000)
  --timeout SECS       per-request timeout, counted as an error (default 10)
  --client-threads N   worker threads of the load generator (default 1)
  --baseline           then run the same load against `mock-load fixed-server` answering the
                       probe's bytes, and report the mock's share of its requests/second

usage: mock-load fixed-server --status N --content-type T --body-file PATH
  a minimal hyper HTTP/1.1 server answering every request with these bytes; prints its
  address on the first line (as the mocks do; `apigen mock`'s `<service> http://ADDR` too)";

/// Parsed command line.
#[derive(Debug, Clone)]
struct Options {
    mock_bin: Option<String>,
    mock_args: Vec<String>,
    url: Option<String>,
    method: Method,
    paths: Vec<String>,
    headers: Vec<(String, String)>,
    body: Bytes,
    connections: usize,
    duration: Duration,
    requests: u64,
    timeout: Duration,
    client_threads: usize,
    baseline: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        mock_bin: None,
        mock_args: Vec::new(),
        url: None,
        method: Method::GET,
        paths: Vec::new(),
        headers: Vec::new(),
        body: Bytes::new(),
        connections: 64,
        duration: Duration::from_secs(10),
        requests: 10_000_000,
        timeout: Duration::from_secs(10),
        client_threads: 1,
        baseline: false,
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--mock-bin" => o.mock_bin = Some(value()?),
            "--mock-arg" => o.mock_args.push(value()?),
            "--url" => o.url = Some(value()?),
            "--method" => {
                let v = value()?;
                o.method =
                    Method::from_bytes(v.as_bytes()).map_err(|_| format!("bad method {v:?}"))?;
            }
            "--path" => o.paths.push(value()?),
            "--header" => {
                let v = value()?;
                let (n, val) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--header must be 'Name: value', got {v:?}"))?;
                o.headers.push((n.trim().to_owned(), val.trim().to_owned()));
            }
            "--body" => o.body = Bytes::from(value()?),
            "--connections" => o.connections = number(&flag, &value()?)?,
            "--duration" => o.duration = seconds(&flag, &value()?)?,
            "--requests" => o.requests = number(&flag, &value()?)?,
            "--timeout" => o.timeout = seconds(&flag, &value()?)?,
            "--client-threads" => o.client_threads = number(&flag, &value()?)?,
            "--baseline" => o.baseline = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if o.paths.is_empty() {
        o.paths.push("/".to_owned());
    }
    if o.mock_bin.is_some() == o.url.is_some() {
        return Err(format!("give exactly one of --mock-bin and --url\n{USAGE}"));
    }
    if o.connections == 0 || o.client_threads == 0 || o.requests == 0 {
        return Err("--connections, --client-threads and --requests must be at least 1".to_owned());
    }
    Ok(o)
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag} must be a whole number, got {v:?}"))
}

fn seconds(flag: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{flag} must be a number of seconds, got {v:?}"))
}

/// The mock process this tool started; killed when dropped so an error path never leaks it.
struct MockProcess(Child);

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the mock and reads the bound address from its first output line.
fn start_mock(bin: &str, args: &[String]) -> Result<(MockProcess, String), String> {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {bin}: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let process = MockProcess(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the address from {bin}: {e}"))?;
    // `127.0.0.1:PORT` (the mock binaries) or `<service> http://127.0.0.1:PORT` (`apigen mock`).
    let addr = line
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    if addr.is_empty() {
        return Err(format!("{bin} exited without printing its address"));
    }
    Ok((process, addr))
}

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`; `None` where
/// there is no procfs.
fn cpu_time(pid: &str, ticks_per_second: f64) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the numeric fields follow its `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime) of proc(5); `rest` starts at field 3.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / ticks_per_second))
}

/// Resident memory of a process in kB (`VmRSS` of `/proc/<pid>/status`).
fn rss_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// What one connection saw.
#[derive(Debug, Default)]
struct Stats {
    /// Latency of every answered request, in microseconds.
    latencies_us: Vec<u32>,
    ok: u64,
    /// Non-2xx answers by status.
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    timeouts: u64,
    connect_errors: u64,
    body_bytes: u64,
    /// The first failure, for the report.
    first_error: Option<String>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        self.timeouts += other.timeouts;
        self.connect_errors += other.connect_errors;
        self.body_bytes += other.body_bytes;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn errors(&self) -> u64 {
        self.statuses.values().sum::<u64>()
            + self.transport_errors
            + self.timeouts
            + self.connect_errors
    }

    fn note(&mut self, error: String) {
        if self.first_error.is_none() {
            self.first_error = Some(error);
        }
    }
}

/// Opens one HTTP/1.1 keep-alive connection; the connection task runs until the sender drops.
async fn connect(addr: &str) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    // Requests are small and sent one at a time per connection: do not wait for Nagle.
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake {addr}: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// The request of `path` (rebuilt per send: hyper consumes it).
fn request(o: &Options, host: &str, path: &str) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(o.method.clone())
        .uri(path)
        .header("host", host);
    for (n, v) in &o.headers {
        b = b.header(n.as_str(), v.as_str());
    }
    b.body(Full::new(o.body.clone()))
        .expect("request parts were checked before the run")
}

/// Sends the request once; `Ok((status, body))` or a transport error.
async fn send_once(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// One connection's loop: send, wait for the whole answer, repeat, until the deadline or the
/// shared request budget runs out. A broken connection is reopened (and counted as an error).
async fn worker(
    o: Arc<Options>,
    addr: Arc<str>,
    mut sender: SendRequest<Full<Bytes>>,
    budget: Arc<AtomicU64>,
    deadline: Instant,
    connection: usize,
) -> Stats {
    let mut stats = Stats::default();
    let mut connected = true;
    let mut sent = 0usize;
    while Instant::now() < deadline && budget.fetch_add(1, Ordering::Relaxed) < o.requests {
        if !connected {
            match connect(&addr).await {
                Ok(s) => {
                    sender = s;
                    connected = true;
                }
                Err(e) => {
                    stats.connect_errors += 1;
                    stats.note(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let path = &o.paths[sent % o.paths.len()];
        let path = path.replace("{n}", &format!("{connection}-{}", sent / o.paths.len()));
        sent += 1;
        let start = Instant::now();
        let req = request(&o, &addr, &path);
        match tokio::time::timeout(o.timeout, send_once(&mut sender, req)).await {
            Err(_) => {
                stats.timeouts += 1;
                stats.note(format!("no answer within {:?}", o.timeout));
                connected = false;
            }
            Ok(Err(e)) => {
                stats.transport_errors += 1;
                stats.note(e);
                connected = false;
            }
            Ok(Ok((status, body))) => {
                let us = start.elapsed().as_micros().min(u32::MAX as u128) as u32;
                stats.latencies_us.push(us);
                stats.body_bytes += body.len() as u64;
                if (200..300).contains(&status) {
                    stats.ok += 1;
                } else {
                    *stats.statuses.entry(status).or_default() += 1;
                    stats.note(format!(
                        "HTTP {status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    ));
                }
            }
        }
    }
    stats
}

/// The value at quantile `q` of sorted `v` (nearest rank).
fn percentile(v: &[u32], q: f64) -> u32 {
    if v.is_empty() {
        return 0;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn ms(us: u32) -> String {
    format!("{:.3} ms", f64::from(us) / 1000.0)
}

/// What one run measured, for the baseline comparison.
struct Summary {
    ok: bool,
    requests_per_second: f64,
    per_server_cpu_second: Option<f64>,
    /// The probe's answer: status, `Content-Type`, body.
    probe: (u16, String, Bytes),
}

async fn run(o: Options) -> Result<bool, String> {
    let mock = measure(&o, o.mock_bin.as_deref(), &o.mock_args).await?;
    if !o.baseline {
        return Ok(mock.ok);
    }
    let (status, content_type, body) = &mock.probe;
    let body_file = std::env::temp_dir().join(format!("mock-load-{}.body", std::process::id()));
    std::fs::write(&body_file, body).map_err(|e| format!("{}: {e}", body_file.display()))?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let args = vec![
        "fixed-server".to_owned(),
        "--status".to_owned(),
        status.to_string(),
        "--content-type".to_owned(),
        content_type.clone(),
        "--body-file".to_owned(),
        body_file.display().to_string(),
    ];
    println!(
        "\n== baseline: minimal hyper server answering the same {} bytes",
        body.len()
    );
    let base = measure(&o, Some(&me.display().to_string()), &args).await;
    let _ = std::fs::remove_file(&body_file);
    let base = base?;
    println!(
        "\nmock / baseline: {:.0}% of the requests/s{}",
        100.0 * mock.requests_per_second / base.requests_per_second.max(1e-9),
        match (mock.per_server_cpu_second, base.per_server_cpu_second) {
            (Some(m), Some(b)) if b > 0.0 =>
                format!(", {:.0}% per server CPU-second", 100.0 * m / b),
            _ => String::new(),
        }
    );
    Ok(mock.ok && base.ok)
}

/// One measured run against the server `bin` starts (or `--url`).
async fn measure(o: &Options, bin: Option<&str>, bin_args: &[String]) -> Result<Summary, String> {
    let o = o.clone();
    let (_mock, addr) = match (bin, &o.url) {
        (Some(bin), _) => {
            let (p, a) = start_mock(bin, bin_args)?;
            (Some(p), a)
        }
        (None, Some(url)) => {
            let a = url
                .strip_prefix("http://")
                .ok_or("--url must start with http://")?;
            (None, a.trim_end_matches('/').to_owned())
        }
        (None, None) => unreachable!("parse_args requires one of them"),
    };
    let server_pid = _mock.as_ref().map(|m| m.0.id().to_string());
    let addr: Arc<str> = addr.into();
    let o = Arc::new(o);
    // Check the requests are well formed before opening connections.
    for p in &o.paths {
        Request::builder()
            .method(o.method.clone())
            .uri(p.replace("{n}", "probe"))
            .body(())
            .map_err(|e| format!("bad request {p:?}: {e}"))?;
    }

    // One probe, so a wrong request shows up as an answer rather than as N errors.
    let mut probe = connect(&addr).await?;
    let first = o.paths[0].replace("{n}", "probe");
    let (status, content_type, body) = send_probe(&mut probe, request(&o, &addr, &first)).await?;
    drop(probe);
    println!(
        "target:      http://{addr}  {} {}",
        o.method,
        o.paths.join("  then  ")
    );
    println!(
        "probe:       HTTP {status}, {} bytes: {}",
        body.len(),
        String::from_utf8_lossy(&body[..body.len().min(120)])
    );

    let connect_start = Instant::now();
    let mut opening = tokio::task::JoinSet::new();
    for _ in 0..o.connections {
        let addr = addr.clone();
        opening.spawn(async move { connect(&addr).await });
    }
    let mut senders = Vec::with_capacity(o.connections);
    let mut connect_failures = Stats::default();
    while let Some(r) = opening.join_next().await {
        match r.map_err(|e| e.to_string())? {
            Ok(s) => senders.push(s),
            Err(e) => {
                connect_failures.connect_errors += 1;
                connect_failures.note(e);
            }
        }
    }
    let connect_time = connect_start.elapsed();

    let ticks = clock_ticks();
    let server_cpu0 = server_pid.as_deref().and_then(|p| cpu_time(p, ticks));
    let server_rss0 = server_pid.as_deref().and_then(rss_kb);
    let client_cpu0 = cpu_time("self", ticks);
    let budget = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + o.duration;
    let mut workers = tokio::task::JoinSet::new();
    let open = senders.len();
    for (connection, sender) in senders.into_iter().enumerate() {
        workers.spawn(worker(
            o.clone(),
            addr.clone(),
            sender,
            budget.clone(),
            deadline,
            connection,
        ));
    }
    let mut total = connect_failures;
    while let Some(r) = workers.join_next().await {
        total.merge(r.map_err(|e| e.to_string())?);
    }
    let elapsed = start.elapsed();
    let server_cpu = server_pid
        .as_deref()
        .and_then(|p| cpu_time(p, ticks))
        .zip(server_cpu0)
        .map(|(b, a)| b.saturating_sub(a));
    let server_rss = server_pid.as_deref().and_then(rss_kb).zip(server_rss0);
    let client_cpu = cpu_time("self", ticks)
        .zip(client_cpu0)
        .map(|(b, a)| b.saturating_sub(a));

    let mut lat = std::mem::take(&mut total.latencies_us);
    lat.sort_unstable();
    let answered = lat.len() as u64;
    let secs = elapsed.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "connections: {open} open of {} (opened in {:.1} ms)",
        o.connections,
        connect_time.as_secs_f64() * 1e3
    );
    println!(
        "requests:    {answered} answered in {secs:.2} s ({} 2xx), {:.0} requests/s, {:.1} MB/s of bodies",
        total.ok,
        answered as f64 / secs,
        total.body_bytes as f64 / secs / 1e6
    );
    println!(
        "errors:      {} (non-2xx {:?}, transport {}, timeouts {}, connect {})",
        total.errors(),
        total.statuses,
        total.transport_errors,
        total.timeouts,
        total.connect_errors
    );
    if let Some(e) = &total.first_error {
        println!("first error: {e}");
    }
    println!(
        "latency:     p50 {}  p90 {}  p99 {}  p99.9 {}  max {}",
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.90)),
        ms(percentile(&lat, 0.99)),
        ms(percentile(&lat, 0.999)),
        ms(lat.last().copied().unwrap_or(0))
    );
    println!("machine:     {cores} cores (load generator and mock share them)");
    let per_server_cpu_second = server_cpu.map(|cpu| {
        let c = cpu.as_secs_f64();
        let per = if c > 0.0 { answered as f64 / c } else { 0.0 };
        println!(
            "mock cpu:    {c:.2} s over {secs:.2} s ({:.2} cores busy) => {per:.0} requests per mock CPU-second",
            c / secs,
        );
        per
    });
    if let Some((after, before)) = server_rss {
        println!(
            "mock memory: {:.1} MB resident before the run, {:.1} MB after",
            before as f64 / 1024.0,
            after as f64 / 1024.0
        );
    }
    if let Some(cpu) = client_cpu {
        let c = cpu.as_secs_f64();
        println!("client cpu:  {c:.2} s ({:.2} cores busy)", c / secs);
    }
    Ok(Summary {
        ok: total.errors() == 0,
        requests_per_second: answered as f64 / secs,
        per_server_cpu_second,
        probe: (status, content_type, body),
    })
}

/// [`send_once`] keeping the `Content-Type` (for the baseline server).
async fn send_probe(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, String, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, content_type, body))
}

/// `mock-load fixed-server`: the baseline, a minimal hyper server answering fixed bytes on a
/// multi-thread runtime with the default worker count (as the mocks run).
fn fixed_server(args: &[String]) -> Result<(), String> {
    let mut status = 200u16;
    let mut content_type = "application/json".to_owned();
    let mut body_file = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--status" => status = number(flag, &value()?)?,
            "--content-type" => content_type = value()?,
            "--body-file" => body_file = Some(value()?),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let path = body_file.ok_or("fixed-server needs --body-file")?;
    let body = Bytes::from(std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?);
    let status = hyper::StatusCode::from_u16(status).map_err(|e| e.to_string())?;
    let content_type = hyper::header::HeaderValue::from_str(&content_type)
        .map_err(|e| format!("content type: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("{addr}");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        loop {
            let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let (body, content_type) = (body.clone(), content_type.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_req| {
                    let mut resp = hyper::Response::new(Full::new(body.clone()));
                    *resp.status_mut() = status;
                    resp.headers_mut()
                        .insert(hyper::header::CONTENT_TYPE, content_type.clone());
                    std::future::ready(Ok::<_, std::convert::Infallible>(resp))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("fixed-server") {
        return match fixed_server(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mock-load fixed-server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let o = match parse_args(args) {
        Ok(o) => o,
        Err(msg) if msg.starts_with("usage:") => {
            println!("{msg}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("mock-load: {msg}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.client_threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mock-load: tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(o)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("mock-load: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_the_command_line() {
        let o = parse(&[
            "--url",
            "http://127.0.0.1:1",
            "--method",
            "POST",
            "--header",
            "Content-Type: application/json",
            "--connections",
            "8",
            "--duration",
            "1.5",
        ])
        .unwrap();
        assert_eq!((o.method, o.connections), (Method::POST, 8));
        assert_eq!(o.duration, Duration::from_millis(1500));
        assert_eq!(
            o.headers,
            [("Content-Type".to_owned(), "application/json".to_owned())]
        );
        assert!(parse(&[]).unwrap_err().contains("exactly one"));
        assert!(parse(&["--url", "x", "--mock-bin", "y"]).is_err());
        assert!(parse(&["--url", "x", "--connections", "0"]).is_err());
        assert!(parse(&["--url", "x", "--duration", "-1"]).is_err());
        assert!(parse(&["--url", "x", "--header", "novalue"]).is_err());
        assert!(parse(&["--help"]).unwrap_err().starts_with("usage:"));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[7], 0.5), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
