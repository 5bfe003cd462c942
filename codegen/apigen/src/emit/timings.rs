//! Where `apigen generate` spends its time (`apigen generate --timings`): CPU time per phase,
//! summed over the threads that ran it (services are generated in parallel), rustfmt's child
//! processes included; the machine's load does not change it the way it changes wall time.
//! Where the thread CPU clock is unavailable (not Unix), wall time.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
#[cfg(not(unix))]
use std::time::Instant;

/// A phase of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking the specs.
    Load,
    /// `emit::lower`: the lowered model of each spec.
    Lower,
    /// Building the token streams, manifests, READMEs and the OpenAPI export.
    Emit,
    /// Parsing the tokens and printing them with prettyplease.
    Print,
    /// Reading the digest manifest, hashing the tokens and the files on disk to find those the
    /// last generation formatted from the same tokens (see `emit::format`).
    Reuse,
    /// rustfmt over the printed files.
    Rustfmt,
    /// Comparing with (or writing to) the files on disk.
    Disk,
}

const PHASES: [Phase; 7] = [
    Phase::Load,
    Phase::Lower,
    Phase::Emit,
    Phase::Print,
    Phase::Reuse,
    Phase::Rustfmt,
    Phase::Disk,
];

static ON: AtomicBool = AtomicBool::new(false);
/// Children's CPU time when recording started.
static CHILDREN: AtomicI64 = AtomicI64::new(0);
static NANOS: [AtomicI64; 7] = [const { AtomicI64::new(0) }; 7];

/// Start recording (off by default: the clock is not read at all then).
pub fn enable() {
    CHILDREN.store(children_nanos(), Ordering::Relaxed);
    ON.store(true, Ordering::Relaxed);
}

/// Run `f`, adding its CPU time to `phase` when recording.
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Clock::now();
    let out = f();
    NANOS[phase as usize].fetch_add(start.elapsed(), Ordering::Relaxed);
    out
}

/// The calling thread's CPU time plus that of the child processes it waited for.
struct Clock {
    #[cfg(unix)]
    start: i64,
    #[cfg(not(unix))]
    start: Instant,
}

impl Clock {
    fn now() -> Self {
        Clock {
            #[cfg(unix)]
            start: cpu_nanos(),
            #[cfg(not(unix))]
            start: Instant::now(),
        }
    }

    fn elapsed(&self) -> i64 {
        #[cfg(unix)]
        return cpu_nanos() - self.start;
        #[cfg(not(unix))]
        return i64::try_from(self.start.elapsed().as_nanos()).unwrap_or(i64::MAX);
    }
}

/// This thread's CPU time.
#[cfg(unix)]
#[allow(clippy::useless_conversion)] // `time_t` and `c_long` are `i32` on some targets
fn cpu_nanos() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return 0;
    }
    i64::from(ts.tv_sec) * 1_000_000_000 + i64::from(ts.tv_nsec)
}

/// The CPU time of this process's children that were waited for (the rustfmt runs).
#[cfg(unix)]
#[allow(clippy::useless_conversion)] // `time_t` and `suseconds_t` are `i32` on some targets
fn children_nanos() -> i64 {
    // SAFETY: an all-zero rusage is valid, and getrusage only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage for the call.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) } != 0 {
        return 0;
    }
    [ru.ru_utime, ru.ru_stime]
        .iter()
        .map(|t| i64::from(t.tv_sec) * 1_000_000_000 + i64::from(t.tv_usec) * 1_000)
        .sum()
}

#[cfg(not(unix))]
fn children_nanos() -> i64 {
    0
}

/// Run `f` as `inner`, counted there and not in `outer` (which is timed around it).
pub fn nested<T>(outer: Phase, inner: Phase, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Clock::now();
    let out = f();
    let nanos = start.elapsed();
    NANOS[inner as usize].fetch_add(nanos, Ordering::Relaxed);
    NANOS[outer as usize].fetch_sub(nanos, Ordering::Relaxed);
    out
}

/// The recorded phases, one line each (`emit  412.3 ms`), then the rustfmt processes' own
/// CPU time (the rustfmt phase is the time this process spent waiting for them).
pub fn report() -> String {
    let ms = |nanos: i64| nanos as f64 / 1e6;
    let mut out = String::new();
    let mut total = 0;
    for p in PHASES {
        let n = NANOS[p as usize].load(Ordering::Relaxed);
        total += n;
        out.push_str(&format!(
            "{:<18} {:8.1} ms\n",
            format!("{p:?}").to_lowercase(),
            ms(n)
        ));
    }
    let children = children_nanos() - CHILDREN.load(Ordering::Relaxed);
    out.push_str(&format!(
        "{:<18} {:8.1} ms\n",
        "rustfmt processes",
        ms(children)
    ));
    out.push_str(&format!(
        "{:<18} {:8.1} ms\n",
        "total",
        ms(total + children)
    ));
    out
}
