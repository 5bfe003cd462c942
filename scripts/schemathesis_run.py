"""Runs schemathesis against each mock server (see scripts/schemathesis.sh).

For each service: start target/debug/<svc>-mock on 127.0.0.1 (port 0, no signature check),
read the bound address from its first stdout line, run `st run openapi/<svc>.json` with a
bounded budget, stop the mock (always), and read the JSON report for the summary. Exit 1 when
any service failed, crashed or reported nothing.
"""

import glob
import json
import os
import subprocess
import sys
import time

BASELINE_DIR = "scripts/schemathesis-baseline"
SERVICES = ["mse", "retailcloud", "alikafka", "cse", "dms-kafka"]
CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "negative_data_rejection",
]


def start_mock(svc, log):
    proc = subprocess.Popen(
        [f"target/debug/{svc}-mock", "--listen", "127.0.0.1:0", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    addr = proc.stdout.readline().strip()
    if not addr:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"{svc}-mock printed no address")
    return proc, addr


def stop_mock(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def summarize(report_dir):
    """schemathesis' JSON run report, or None when there is none."""
    files = sorted(glob.glob(os.path.join(report_dir, "*.json")))
    if not files:
        return None
    try:
        with open(files[-1]) as f:
            return json.load(f)
    except ValueError:  # schemathesis aborted before writing it
        return None


def main():
    python = os.path.abspath(sys.argv[1])
    max_examples = os.environ.get("ST_MAX_EXAMPLES", "5")
    per_service_timeout = int(os.environ.get("ST_TIMEOUT", "90"))
    services = sys.argv[2:] or SERVICES
    repo = os.getcwd()
    update = os.environ.get("ST_BASELINE_UPDATE") == "1"
    out_dir = "target/schemathesis"
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    failed = False
    for svc in services:
        report_dir = os.path.join(out_dir, svc)
        for old in glob.glob(os.path.join(report_dir, "*")):
            os.remove(old)
        log_path = os.path.join(out_dir, f"{svc}.log")
        mock_log = open(os.path.join(out_dir, f"{svc}-mock.stderr"), "w")
        started = time.monotonic()
        proc = None
        status = "ok"
        try:
            proc, addr = start_mock(svc, mock_log)
            cmd = [
                python, os.path.join(repo, "scripts/st_cli.py"),
                "--config-file", os.path.join(repo, "scripts/schemathesis.toml"), "run",
                os.path.join(repo, f"openapi/{svc}.json"),
                "--url", f"http://{addr}",
                "--checks", ",".join(CHECKS),
                "--max-examples", max_examples,
                "--max-response-time", "2",
                "--request-timeout", "5",
                "--seed", "1",
                "--workers", "1",
                "--no-color",
                "--report", "json",
                "--report-dir", os.path.join(repo, report_dir),
            ]
            # Failures accepted with a reason (see scripts/schemathesis-baseline/README.md);
            # anything else fails the run. ST_BASELINE_UPDATE=1 records this run's failures.
            baseline = os.path.join(repo, BASELINE_DIR, f"{svc}.json")
            if os.path.exists(baseline) or update:
                cmd += ["--baseline", baseline]
                if update:
                    cmd += ["--baseline-update", "--baseline-prune"]
            # schemathesis and hypothesis keep caches in the working directory: not the repo's.
            with open(log_path, "w") as log:
                try:
                    rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=out_dir,
                                        timeout=per_service_timeout).returncode
                except subprocess.TimeoutExpired:
                    rc, status = -1, f"timeout after {per_service_timeout}s"
            if proc.poll() is not None:
                status = f"mock exited with {proc.returncode}"
                rc = rc or 1
        except Exception as e:  # the mock failed to start
            rc, status = 1, str(e)
        finally:
            if proc is not None:
                stop_mock(proc)
            mock_log.close()
        elapsed = time.monotonic() - started
        rep = summarize(report_dir)
        rows.append((svc, rc, status, elapsed, rep, log_path))
        if rc != 0:
            failed = True

    print(f"{'service':<12} {'result':<7} {'time':>6}  summary")
    for svc, rc, status, elapsed, rep, log_path in rows:
        result = "pass" if rc == 0 else "FAIL"
        summary = status
        if rep is not None:
            summary = describe(rep)
        print(f"{svc:<12} {result:<7} {elapsed:5.1f}s  {summary}")
        if rc != 0:
            print(f"             details: {log_path}")
    passed = sum(1 for r in rows if r[1] == 0)
    print(f"{passed} passed, {len(rows) - passed} failed")
    return 1 if failed else 0


def describe(rep):
    """One line: operations, test cases, failures by code, errors."""
    tested = len(rep.get("valid_rates") or {})
    cases = (rep.get("test_cases") or {}).get("generated", 0)
    parts = [f"{tested} operations, {cases} test cases"]
    fails = rep.get("failures") or []
    if fails:
        parts.append(", ".join(f"{f['code']} {f['title']}: {f['count']}" for f in fails))
    else:
        parts.append("no failures")
    base = rep.get("baseline") or {}
    if base.get("known"):
        parts.append(f"{base['known']} known failures accepted by the baseline")
    if base.get("unobserved"):
        # Fixed since recorded: ST_BASELINE_UPDATE=1 prunes them.
        parts.append(f"{base['unobserved']} baseline entries no longer reproduced")
    errors = rep.get("errors") or []
    if errors:
        parts.append(f"{len(errors)} errors")
    return "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
