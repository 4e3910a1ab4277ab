//! The master process: binds, prepares everything the workers share
//! (preload, so they share it copy-on-write), forks the workers while it
//! is still single-threaded, and supervises them.
//!
//! - A worker that dies is replaced at once; one that dies before it was
//!   ready is replaced after a back-off (100 ms doubling to 10 s), so a
//!   crash loop does not spin.
//! - A worker that drains on its own (`--max-requests`, or a TERM sent to
//!   it) tells the master, which starts its replacement right away.
//! - HUP replaces the workers one at a time: a new worker starts, and only
//!   when it is ready is the old one told to drain, so there is always a
//!   worker accepting and no request is dropped.
//! - TERM, INT or QUIT: the master closes its listening socket and tells
//!   every worker to drain; it exits 0 when all have exited within
//!   `--graceful-timeout`, else it kills the rest and exits 1. A second
//!   TERM/INT/QUIT kills the workers at once.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use crate::app::App;
use crate::config::{Bind, Config};
use crate::net::Bound;
use crate::tmp::OwnedTmpDir;
use crate::worker::{self, READY, RETIRING};
use crate::{log, sys};

/// How long a replacement started by HUP may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// One worker position.
#[derive(Default)]
struct Slot {
    /// The serving worker.
    pid: Option<sys::Pid>,
    ready: bool,
    /// Exits before readiness in a row (for the back-off).
    failures: u32,
    /// When to start a worker here, if none runs.
    respawn_at: Option<Instant>,
    /// A replacement being started (HUP), and when it was started.
    next: Option<(sys::Pid, Instant)>,
}

struct Master {
    config: Config,
    bound: Option<Bound>,
    app: App,
    slots: Vec<Slot>,
    /// Draining workers, no longer in a slot.
    retiring: Vec<sys::Pid>,
    /// Slots still to be replaced by the current HUP.
    rolling: Vec<usize>,
    /// Set once stopping: the deadline for the workers.
    stopping: Option<Instant>,
    /// Whether a stopping worker closed requests in flight at its own
    /// graceful timeout (then the master exits with 1, as when it kills one).
    cut_short: bool,
    /// The master's own pipes (closed in a worker).
    pipes: Option<Pipes>,
    /// The write end of the notice pipe, for the workers.
    notice_writer: Option<OwnedFd>,
    /// The upload directory, removed when the master exits (or drops it).
    upload_dir: Option<OwnedTmpDir>,
}

/// The pipes the master reads: signals (from its handler) and the
/// workers' notices.
struct Pipes {
    signals: File,
    /// Kept open for the signal handler.
    _signal_writer: OwnedFd,
    notices: File,
}

/// Runs the server; returns the process exit status.
pub fn run(config: Config) -> i32 {
    match Master::start(config) {
        Ok(mut m) => m.run(),
        Err(e) => {
            log!("cannot start: {e}");
            1
        }
    }
}

fn backoff(failures: u32) -> Duration {
    Duration::from_millis(100u64 << failures.min(7)).min(Duration::from_secs(10))
}

impl Master {
    fn start(config: Config) -> io::Result<Master> {
        log::set_role("master".into());
        let bound = Bound::bind(&config.bind, config.backlog)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {}: {e}", config.bind)))?;
        let upload_dir = OwnedTmpDir::create(&config.tmp_dir).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot make the upload directory in {}: {e}", config.tmp_dir.display()))
        })?;
        // Preload: settle every lazily made choice now, so that each worker
        // inherits it instead of making it again.
        let backend = springbok_parser::simd::backend();
        let _ = <sha2::Sha256 as sha2::Digest>::digest(b"");
        let app = App {
            tmp: upload_dir.dir().clone(),
            max_form_bytes: config.max_form_bytes,
            max_body_bytes: config.max_body_bytes,
        };

        let (signals, signal_writer) = sys::pipe()?;
        let (notices, notice_writer) = sys::pipe()?;
        sys::route_signals(
            &[sys::SIGTERM, sys::SIGINT, sys::SIGQUIT, sys::SIGHUP, sys::SIGCHLD],
            signal_writer.as_raw_fd(),
        )?;
        log!(
            "springbok-server {} listening on {} with {} workers (parser backend {}, uploads in {})",
            env!("CARGO_PKG_VERSION"),
            bound.describe(),
            config.workers,
            backend.name(),
            app.tmp.path().display()
        );
        let slots = (0..config.workers).map(|_| Slot { respawn_at: Some(Instant::now()), ..Slot::default() }).collect();
        Ok(Master {
            config,
            bound: Some(bound),
            app,
            slots,
            retiring: Vec::new(),
            rolling: Vec::new(),
            stopping: None,
            cut_short: false,
            pipes: Some(Pipes {
                signals: File::from(signals),
                _signal_writer: signal_writer,
                notices: File::from(notices),
            }),
            notice_writer: Some(notice_writer),
            upload_dir: Some(upload_dir),
        })
    }

    fn run(&mut self) -> i32 {
        loop {
            let now = Instant::now();
            if let Some(deadline) = self.stopping {
                if self.live_workers() == 0 {
                    let code = if self.cut_short { 1 } else { 0 };
                    return self.finish(code);
                }
                if now >= deadline {
                    log!("graceful timeout: killing {} workers", self.live_workers());
                    self.kill_and_reap_all();
                    return self.finish(1);
                }
            } else {
                self.respawn(now);
                self.roll(now);
            }
            let wait = self.next_wakeup(now);
            let Some(pipes) = &self.pipes else { return 1 };
            let readable = match sys::poll_readable(&[pipes.signals.as_raw_fd(), pipes.notices.as_raw_fd()], wait) {
                Ok(r) => r,
                Err(e) => {
                    log!("poll failed: {e}");
                    self.kill_and_reap_all();
                    return self.finish(1);
                }
            };
            if readable[0] {
                if let Some(code) = self.handle_signals() {
                    return code;
                }
            }
            if readable[1] {
                self.handle_notices();
            }
            self.reap();
        }
    }

    fn next_wakeup(&self, now: Instant) -> Duration {
        let mut at = now + Duration::from_secs(1);
        if let Some(deadline) = self.stopping {
            at = at.min(deadline);
        }
        for slot in &self.slots {
            if let (None, None, Some(t)) = (slot.pid, slot.next, slot.respawn_at) {
                at = at.min(t);
            }
        }
        at.saturating_duration_since(now)
    }

    fn live_workers(&self) -> usize {
        self.slots.iter().map(|s| usize::from(s.pid.is_some()) + usize::from(s.next.is_some())).sum::<usize>()
            + self.retiring.len()
    }

    fn all_pids(&self) -> Vec<sys::Pid> {
        let mut pids: Vec<sys::Pid> = self.retiring.clone();
        for s in &self.slots {
            pids.extend(s.pid);
            pids.extend(s.next.map(|(p, _)| p));
        }
        pids
    }

    fn kill_all(&self, sig: i32) {
        for pid in self.all_pids() {
            let _ = sys::kill(pid, sig);
        }
    }

    /// Kills every worker with SIGKILL and waits until all have exited (so
    /// that none still writes in the upload directory when it is removed).
    fn kill_and_reap_all(&mut self) {
        self.kill_all(sys::SIGKILL);
        while self.live_workers() > 0 {
            std::thread::sleep(Duration::from_millis(10));
            self.reap();
        }
    }

    /// Starts workers in the slots that need one and whose time has come.
    fn respawn(&mut self, now: Instant) {
        for i in 0..self.slots.len() {
            let slot = &self.slots[i];
            // A slot with a HUP replacement starting gets that one instead.
            if slot.pid.is_none() && slot.next.is_none() && slot.respawn_at.is_some_and(|t| now >= t) {
                match self.spawn(i) {
                    Ok(pid) => {
                        let slot = &mut self.slots[i];
                        slot.pid = Some(pid);
                        slot.ready = false;
                        slot.respawn_at = None;
                    }
                    Err(e) => {
                        log!("cannot start worker {i}: {e}");
                        self.slots[i].respawn_at = Some(now + Duration::from_secs(1));
                    }
                }
            }
        }
    }

    /// Advances a HUP: one replacement at a time.
    fn roll(&mut self, now: Instant) {
        if let Some((i, (pid, started))) = self.slots.iter().enumerate().find_map(|(i, s)| s.next.map(|n| (i, n))) {
            if now >= started + READY_TIMEOUT {
                log!("replacement worker {i} (pid {pid}) not ready in {READY_TIMEOUT:?}; killing it");
                let _ = sys::kill(pid, sys::SIGKILL);
            }
            return;
        }
        while let Some(&i) = self.rolling.first() {
            if self.slots[i].pid.is_none() {
                // Not running (it is being respawned): nothing to replace.
                self.rolling.remove(0);
                continue;
            }
            match self.spawn(i) {
                Ok(pid) => self.slots[i].next = Some((pid, now)),
                Err(e) => log!("cannot start a replacement for worker {i}: {e}"),
            }
            return;
        }
    }

    /// Forks worker `index`.
    fn spawn(&mut self, index: usize) -> io::Result<sys::Pid> {
        let threads = sys::thread_count()?;
        if threads != 1 {
            return Err(io::Error::other(format!("refusing to fork with {threads} threads")));
        }
        // Taken before the fork: the child compares it with its parent once
        // it has asked to die with it, to notice a master that died first.
        let master = std::process::id() as sys::Pid;
        let mask = sys::block_signals()?;
        let forked = sys::fork();
        if let Ok(sys::Forked::Child) = forked {
            let code = self.become_worker(index, master, mask);
            std::process::exit(code);
        }
        sys::restore_signals(&mask)?;
        let sys::Forked::Parent(pid) = forked? else { unreachable!("the child exits above") };
        Ok(pid)
    }

    /// In the child after `fork`: drops what only the master uses, then
    /// runs the worker.
    fn become_worker(&mut self, index: usize, master: sys::Pid, mask: sys::SignalMask) -> i32 {
        let (Some(bound), Some(notify)) = (self.bound.take(), self.notice_writer.take()) else { return 1 };
        // Close this copy of the master's pipes (signals stay blocked until
        // the worker has routed them to its own pipe).
        drop(self.pipes.take());
        worker::run(worker::Start {
            index,
            master,
            bound,
            config: self.config.clone(),
            app: self.app.clone(),
            notify,
            mask,
        })
    }

    /// Handles the bytes the signal handler wrote; `Some(code)` to exit.
    fn handle_signals(&mut self) -> Option<i32> {
        let mut bytes = [0u8; 64];
        let Some(pipes) = &mut self.pipes else { return None };
        let n = match pipes.signals.read(&mut bytes) {
            Ok(n) => n,
            Err(_) => return None,
        };
        for &sig in &bytes[..n] {
            let sig = i32::from(sig);
            match sig {
                sys::SIGTERM | sys::SIGINT | sys::SIGQUIT => {
                    if self.stopping.is_some() {
                        log!("SIG{} again: killing the workers", sys::signal_name(sig));
                        self.kill_and_reap_all();
                        return Some(self.finish(1));
                    }
                    self.stop(sig);
                }
                sys::SIGHUP if self.stopping.is_none() => {
                    log!("SIGHUP: replacing the workers one at a time");
                    self.rolling = (0..self.slots.len()).collect();
                }
                _ => {}
            }
        }
        None
    }

    fn stop(&mut self, sig: i32) {
        log!(
            "SIG{}: stopping gracefully (up to {:?} for {} workers)",
            sys::signal_name(sig),
            self.config.graceful_timeout,
            self.live_workers()
        );
        self.stopping = Some(Instant::now() + self.config.graceful_timeout);
        self.rolling.clear();
        self.close_listener();
        self.kill_all(sys::SIGTERM);
    }

    fn close_listener(&mut self) {
        if self.bound.take().is_some() {
            if let Bind::Unix(path) = &self.config.bind {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Reads the workers' notices (ready, retiring).
    fn handle_notices(&mut self) {
        let mut m = [0u8; 8];
        while let Some(Ok(8)) = self.pipes.as_mut().map(|p| p.notices.read(&mut m)) {
            let (pid, kind) = worker::parse_message(m);
            let pid = pid as sys::Pid;
            match kind {
                READY => self.on_ready(pid),
                RETIRING => self.on_retiring(pid),
                _ => log!("unknown notice {kind} from pid {pid}"),
            }
        }
    }

    fn on_ready(&mut self, pid: sys::Pid) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.pid == Some(pid) {
                log!("worker {i} ready: pid {pid}");
                slot.ready = true;
                slot.failures = 0;
            } else if slot.next.is_some_and(|(p, _)| p == pid) {
                // A HUP replacement is ready: retire the worker it replaces
                // (none if that one retired on its own meanwhile).
                slot.next = None;
                let old = slot.pid.replace(pid);
                slot.ready = true;
                slot.failures = 0;
                slot.respawn_at = None;
                match old {
                    Some(old) => {
                        log!("worker {i} ready: pid {pid} (replacing pid {old})");
                        let _ = sys::kill(old, sys::SIGTERM);
                        self.retiring.push(old);
                    }
                    None => log!("worker {i} ready: pid {pid} (its previous worker had already exited)"),
                }
                self.rolling.retain(|&r| r != i);
                return;
            }
        }
    }

    fn on_retiring(&mut self, pid: sys::Pid) {
        if self.stopping.is_some() {
            return;
        }
        if let Some(i) = self.slots.iter().position(|s| s.pid == Some(pid)) {
            log!("worker {i} (pid {pid}) is retiring; starting its replacement");
            let slot = &mut self.slots[i];
            slot.pid = None;
            slot.ready = false;
            slot.respawn_at = Some(Instant::now());
            self.retiring.push(pid);
        }
    }

    /// Collects exited workers and decides what replaces them.
    fn reap(&mut self) {
        while let Some((pid, exit)) = sys::reap() {
            let removed = self.app.tmp.remove_worker_files(pid);
            if removed > 0 {
                log!("removed {removed} upload files left by pid {pid}");
            }
            if let Some(k) = self.retiring.iter().position(|&p| p == pid) {
                self.retiring.swap_remove(k);
                log!("pid {pid} exited ({exit})");
                continue;
            }
            let now = Instant::now();
            for (i, slot) in self.slots.iter_mut().enumerate() {
                if slot.pid == Some(pid) {
                    slot.pid = None;
                    if self.stopping.is_some() {
                        self.cut_short |= exit == sys::Exit::Code(worker::EXIT_CUT_SHORT);
                        log!("worker {i} (pid {pid}) exited ({exit})");
                    } else if slot.ready {
                        log!("worker {i} (pid {pid}) died ({exit}); replacing it");
                        slot.respawn_at = Some(now);
                    } else {
                        slot.failures += 1;
                        let delay = backoff(slot.failures);
                        log!("worker {i} (pid {pid}) died before it was ready ({exit}); retrying in {delay:?}");
                        slot.respawn_at = Some(now + delay);
                    }
                    slot.ready = false;
                } else if slot.next.is_some_and(|(p, _)| p == pid) {
                    slot.next = None;
                    log!("replacement for worker {i} (pid {pid}) died before it was ready ({exit})");
                }
            }
        }
    }

    fn finish(&mut self, code: i32) -> i32 {
        self.close_listener();
        if let Some(dir) = self.upload_dir.take() {
            let path = dir.dir().path().to_path_buf();
            if let Err(e) = dir.remove() {
                log!("cannot remove {}: {e}", path.display());
            }
        }
        log!("exiting with status {code}");
        code
    }
}
