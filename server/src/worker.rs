//! A worker process: one mio event loop over the shared listening socket
//! and this worker's connections.
//!
//! TERM, INT or QUIT (from the master, or sent to the worker itself), or
//! reaching `--max-requests`, make the worker drain: it closes its copy of
//! the listening socket, tells the master (which starts a replacement
//! unless it is stopping), answers the requests in flight with
//! `Connection: close`, closes idle connections, and exits when none is
//! left or `--graceful-timeout` has passed.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

use crate::app::App;
use crate::config::Config;
use crate::conn::{Conn, Ctx, Flow};
use crate::net::{Bound, Listener};
use crate::{log, sys};

const LISTENER: Token = Token(usize::MAX - 1);
const SIGNALS: Token = Token(usize::MAX - 2);
/// How often timeouts are checked.
const TICK: Duration = Duration::from_millis(100);
/// Connections accepted per loop turn at most.
const ACCEPTS_PER_TURN: usize = 256;

/// What a worker sends the master over the notification pipe: its pid
/// and one of these, 8 bytes in all (one atomic pipe write).
pub const READY: u32 = 1;
pub const RETIRING: u32 = 2;

/// A worker's exit status when its graceful timeout ran out and it closed
/// requests still in flight (0 when it drained them all), so that the master
/// exits with 1 whichever of their two timers fires first.
pub const EXIT_CUT_SHORT: i32 = 3;

/// Encodes a notification.
pub fn message(pid: u32, kind: u32) -> [u8; 8] {
    let mut m = [0; 8];
    m[..4].copy_from_slice(&pid.to_le_bytes());
    m[4..].copy_from_slice(&kind.to_le_bytes());
    m
}

/// Decodes a notification.
pub fn parse_message(m: [u8; 8]) -> (u32, u32) {
    let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    (word(&m[..4]), word(&m[4..]))
}

/// What the master hands a new worker (in the child, after `fork`).
pub struct Start {
    pub index: usize,
    pub master: sys::Pid,
    pub bound: Bound,
    pub config: Config,
    pub app: App,
    pub notify: OwnedFd,
    pub mask: sys::SignalMask,
}

/// Runs a worker; returns its exit status.
pub fn run(start: Start) -> i32 {
    log::set_role(format!("worker {}", start.index));
    match Worker::new(start) {
        Ok(mut w) => w.run(),
        Err(e) => {
            log!("cannot start: {e}");
            1
        }
    }
}

struct Worker {
    poll: Poll,
    listener: Option<Listener>,
    /// Connections by token; `free` lists the empty slots.
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    live: usize,
    cx: Ctx,
    /// Connections whose turn ran out, to drive again.
    pending: Vec<usize>,
    /// The listener may have connections waiting (mio is edge-triggered).
    listener_ready: bool,
    accept_paused_until: Option<Instant>,
    draining_since: Option<Instant>,
    notify: File,
    signals: File,
}

impl Worker {
    fn new(start: Start) -> io::Result<Worker> {
        // Die with the master, even if it is killed before it can stop us.
        sys::die_with_parent(sys::SIGTERM)?;
        if sys::parent_pid() != start.master {
            return Err(io::Error::other("the master exited"));
        }
        let (signals, signal_writer) = sys::pipe()?;
        sys::route_signals(&[sys::SIGTERM, sys::SIGINT, sys::SIGQUIT], signal_writer.as_raw_fd())?;
        // The write end must stay open for the handler: leak it on purpose.
        std::mem::forget(signal_writer);
        sys::ignore_signal(sys::SIGHUP)?;
        sys::default_signal(sys::SIGCHLD)?;
        sys::restore_signals(&start.mask)?;

        let poll = Poll::new()?;
        let mut listener = start.bound.into_listener();
        poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
        poll.registry().register(&mut SourceFd(&signals.as_raw_fd()), SIGNALS, Interest::READABLE)?;
        let mut notify = File::from(start.notify);
        notify.write_all(&message(std::process::id(), READY))?;
        Ok(Worker {
            poll,
            listener: Some(listener),
            conns: Vec::new(),
            free: Vec::new(),
            live: 0,
            cx: Ctx::new(start.config, start.app),
            pending: Vec::new(),
            listener_ready: true,
            accept_paused_until: None,
            draining_since: None,
            notify,
            signals: File::from(signals),
        })
    }

    fn run(&mut self) -> i32 {
        let mut events = Events::with_capacity(1024);
        let mut last_tick = Instant::now();
        loop {
            let timeout = if self.pending.is_empty() && !self.can_accept() { TICK } else { Duration::ZERO };
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != io::ErrorKind::Interrupted {
                    log!("poll failed: {e}");
                    return 1;
                }
            }
            self.cx.now = Instant::now();
            self.cx.date.refresh();
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.listener_ready = true,
                    SIGNALS => self.read_signals(),
                    Token(i) => {
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            if let Some(Some(conn)) = self.conns.get_mut(i) {
                                conn.readable();
                            }
                        }
                        self.drive(i);
                    }
                }
            }
            self.accept();
            for i in std::mem::take(&mut self.pending) {
                self.drive(i);
            }
            if self.cx.now >= last_tick + TICK {
                last_tick = self.cx.now;
                self.expire();
            }
            let max = self.cx.config.max_requests;
            if max > 0 && self.cx.served >= max {
                self.drain("served --max-requests");
            }
            if let Some(since) = self.draining_since {
                if self.live == 0 {
                    log!("stopped (responses written: {})", self.cx.served);
                    return 0;
                }
                if self.cx.now >= since + self.cx.config.graceful_timeout {
                    log!("graceful timeout: closing {} connections in flight", self.live);
                    return EXIT_CUT_SHORT;
                }
            }
        }
    }

    fn can_accept(&self) -> bool {
        self.listener_ready
            && self.listener.is_some()
            && self.live < self.cx.config.max_connections
            && self.accept_paused_until.map_or(true, |t| self.cx.now >= t)
    }

    fn accept(&mut self) {
        for _ in 0..ACCEPTS_PER_TURN {
            if !self.can_accept() {
                return;
            }
            let Some(listener) = &self.listener else { return };
            match listener.accept() {
                Ok(stream) => {
                    let i = self.free.pop().unwrap_or_else(|| {
                        self.conns.push(None);
                        self.conns.len() - 1
                    });
                    let mut conn = Conn::new(stream, self.cx.now);
                    let registered = self.poll.registry().register(
                        conn.stream_mut(),
                        Token(i),
                        Interest::READABLE | Interest::WRITABLE,
                    );
                    if let Err(e) = registered {
                        log!("cannot register a connection: {e}");
                        self.free.push(i);
                        continue;
                    }
                    self.conns[i] = Some(conn);
                    self.live += 1;
                    // The request often arrives with the connection.
                    self.drive(i);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.listener_ready = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)) =>
                {
                    log!("accept: {e}; pausing accepts for 100 ms");
                    self.accept_paused_until = Some(self.cx.now + TICK);
                    return;
                }
                // The peer gave up before accept (ECONNABORTED) and the like.
                Err(_) => {}
            }
        }
    }

    fn drive(&mut self, i: usize) {
        let Some(Some(conn)) = self.conns.get_mut(i) else { return };
        match conn.drive(&mut self.cx) {
            Flow::Wait => {}
            Flow::Again => self.pending.push(i),
            Flow::Close => self.close(i),
        }
    }

    fn close(&mut self, i: usize) {
        if let Some(mut conn) = self.conns[i].take() {
            let _ = self.poll.registry().deregister(conn.stream_mut());
            self.free.push(i);
            self.live -= 1;
        }
    }

    /// Applies the timeouts.
    fn expire(&mut self) {
        for i in 0..self.conns.len() {
            let Some(conn) = &mut self.conns[i] else { continue };
            if self.cx.now < conn.deadline(&self.cx) {
                continue;
            }
            match conn.expire(&mut self.cx) {
                Flow::Wait => {}
                Flow::Again => self.pending.push(i),
                Flow::Close => self.close(i),
            }
        }
    }

    fn read_signals(&mut self) {
        let mut bytes = [0u8; 64];
        while let Ok(n @ 1..) = self.signals.read(&mut bytes) {
            if let Some(&sig) = bytes[..n].last() {
                self.drain(&format!("SIG{}", sys::signal_name(i32::from(sig))));
            }
        }
    }

    /// Stops accepting and finishes what is in flight.
    fn drain(&mut self, why: &str) {
        if self.draining_since.is_some() {
            return;
        }
        self.draining_since = Some(self.cx.now);
        self.cx.draining = true;
        // Take the connections already queued before closing this copy of
        // the socket: when it is the last copy, the kernel would reset them.
        self.listener_ready = true;
        self.accept();
        if let Some(mut listener) = self.listener.take() {
            let _ = self.poll.registry().deregister(&mut listener);
        }
        let _ = self.notify.write_all(&message(std::process::id(), RETIRING));
        log!("draining ({why}): {} connections open", self.live);
        self.expire();
    }
}
