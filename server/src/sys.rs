//! The few system calls std does not wrap: `fork`, `waitpid`, `kill`,
//! signal handlers feeding a self-pipe, `pipe2`, `poll`, `listen` (for the
//! backlog), `mkdtemp`, `prctl(PR_SET_PDEATHSIG)` and (for the `fuzzing`
//! feature) `atexit`.
//!
//! This is the only module with `unsafe`; every block says why it is sound.
//! Everything else in the server uses std and mio.

use std::ffi::OsString;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

pub use libc::{SIGCHLD, SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM};

/// A process id.
pub type Pid = libc::pid_t;

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Which side of a [`fork`] we are on.
pub enum Forked {
    /// In the parent: the child's pid.
    Parent(Pid),
    /// In the child.
    Child,
}

/// Forks the process.
///
/// Sound only while the process has a single thread: the child gets a copy
/// of the memory with one thread, so a lock held by another thread would
/// stay locked forever. The master checks [`thread_count`] before it calls
/// this, and never starts a thread.
pub fn fork() -> io::Result<Forked> {
    // SAFETY: `fork` has no memory-safety preconditions of its own; the
    // single-thread rule above is what keeps the child's copy of every lock
    // and allocator consistent, and the caller upholds it.
    let pid = check(unsafe { libc::fork() })?;
    Ok(if pid == 0 { Forked::Child } else { Forked::Parent(pid) })
}

/// The number of threads of this process, from `/proc/self/status`.
pub fn thread_count() -> io::Result<usize> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| io::Error::other("no Threads: line in /proc/self/status"))
}

/// How a child process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit(code)`.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Exit::Code(c) => write!(f, "exit status {c}"),
            Exit::Signal(s) => write!(f, "signal {s} ({})", signal_name(s)),
        }
    }
}

/// A short name for the signals this server deals with.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        SIGTERM => "TERM",
        SIGINT => "INT",
        SIGQUIT => "QUIT",
        SIGHUP => "HUP",
        SIGKILL => "KILL",
        SIGCHLD => "CHLD",
        libc::SIGSEGV => "SEGV",
        libc::SIGABRT => "ABRT",
        libc::SIGBUS => "BUS",
        libc::SIGPIPE => "PIPE",
        _ => "other",
    }
}

/// Reaps one exited child without blocking: `None` when no child has
/// exited (or there are no children).
pub fn reap() -> Option<(Pid, Exit)> {
    let mut status: libc::c_int = 0;
    // SAFETY: `status` is a valid, writable `c_int` for the call.
    let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
    if pid <= 0 {
        return None;
    }
    let exit = if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    };
    Some((pid, exit))
}

/// Sends `sig` to process `pid`.
pub fn kill(pid: Pid, sig: i32) -> io::Result<()> {
    // SAFETY: `kill` takes plain integers and touches no memory of ours.
    check(unsafe { libc::kill(pid, sig) }).map(drop)
}

/// The parent's pid.
pub fn parent_pid() -> Pid {
    // SAFETY: `getppid` cannot fail and touches no memory.
    unsafe { libc::getppid() }
}

/// Asks the kernel to send `sig` to this process when its parent dies, so
/// that workers never outlive a master that was killed.
pub fn die_with_parent(sig: i32) -> io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes the signal number as its only
    // argument; the unused arguments are zero as prctl(2) asks.
    check(unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, sig as libc::c_ulong, 0, 0, 0) }).map(drop)
}

/// Makes a new directory named `<parent>/<prefix>XXXXXX`, where the six
/// characters are chosen by the C library so that the name is new; the
/// directory has mode 0700 and is created atomically (an existing file or
/// directory is never reused). Returns its path.
pub fn mkdtemp(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let mut template = parent.join(format!("{prefix}XXXXXX")).into_os_string().into_vec();
    if template.contains(&0) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the directory name"));
    }
    template.push(0);
    // SAFETY: `template` is a NUL-terminated, writable buffer that outlives
    // the call; mkdtemp only rewrites the six `X`s before the NUL.
    let made = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(io::Error::last_os_error());
    }
    template.pop();
    Ok(PathBuf::from(OsString::from_vec(template)))
}

/// A pipe with both ends close-on-exec and non-blocking: `(read, write)`.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two `c_int`s for pipe2 to fill.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) })?;
    // SAFETY: pipe2 succeeded, so both descriptors are open and owned by
    // nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Sets the listen backlog of a bound, listening socket (calling `listen`
/// again on a listening socket only changes its backlog).
pub fn set_backlog(fd: RawFd, backlog: i32) -> io::Result<()> {
    // SAFETY: `listen` takes plain integers; an invalid fd is an error.
    check(unsafe { libc::listen(fd, backlog) }).map(drop)
}

/// Waits until one of `fds` is readable or `timeout` passes; returns which
/// of them are readable. An interrupting signal returns early with none.
pub fn poll_readable(fds: &[RawFd], timeout: Duration) -> io::Result<Vec<bool>> {
    let mut pollfds: Vec<libc::pollfd> =
        fds.iter().map(|&fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 }).collect();
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `pollfds` is a valid array of `pollfd` of the length given.
    let ret = unsafe { libc::poll(pollfds.as_mut_ptr(), pollfds.len() as libc::nfds_t, ms) };
    if ret == -1 {
        let err = io::Error::last_os_error();
        if err.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![false; fds.len()]);
        }
        return Err(err);
    }
    Ok(pollfds.iter().map(|p| p.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0).collect())
}

/// The write end of the pipe that signal handlers report to, or -1.
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

/// The signal handler: writes the signal number, as one byte, to the
/// signal pipe. Only async-signal-safe calls: an atomic load and `write`.
extern "C" fn on_signal(sig: libc::c_int) {
    let fd = SIGNAL_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = sig as u8;
        // SAFETY: `byte` is a valid one-byte buffer; `write` is
        // async-signal-safe; errno is saved and restored so the
        // interrupted code never sees it change. A full pipe drops the
        // byte, which is fine: the reader already has signals to handle.
        unsafe {
            let errno = *libc::__errno_location();
            libc::write(fd, (&byte as *const u8).cast(), 1);
            *libc::__errno_location() = errno;
        }
    }
}

/// Routes `signals` to [`on_signal`], which writes each delivered signal's
/// number as one byte to `pipe` (the write end of a [`pipe`]). Replaces any
/// earlier routing in this process.
pub fn route_signals(signals: &[i32], pipe: RawFd) -> io::Result<()> {
    SIGNAL_PIPE.store(pipe, Ordering::Relaxed);
    for &sig in signals {
        set_action(sig, on_signal as *const () as libc::sighandler_t)?;
    }
    Ok(())
}

/// Restores the default action of `sig`.
pub fn default_signal(sig: i32) -> io::Result<()> {
    set_action(sig, libc::SIG_DFL)
}

/// Ignores `sig`.
pub fn ignore_signal(sig: i32) -> io::Result<()> {
    set_action(sig, libc::SIG_IGN)
}

fn set_action(sig: i32, handler: libc::sighandler_t) -> io::Result<()> {
    // SAFETY: an all-zero `sigaction` is a valid value (empty mask, no
    // flags); the fields set below are a handler that only does
    // async-signal-safe work (or SIG_DFL/SIG_IGN), and SA_RESTART.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: `action` is fully initialised; the old action is not wanted.
    check(unsafe { libc::sigaction(sig, &action, std::ptr::null_mut()) }).map(drop)
}

/// The signal mask before [`block_signals`], to give to [`restore_signals`].
pub struct SignalMask(libc::sigset_t);

/// Blocks every signal in this thread and returns the previous mask. The
/// master forks with all signals blocked, so that a signal arriving before
/// the child has replaced the master's handlers is held until it has.
pub fn block_signals() -> io::Result<SignalMask> {
    // SAFETY: zeroed `sigset_t`s are valid storage for sigfillset and
    // pthread_sigmask to write.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        let err = libc::pthread_sigmask(libc::SIG_BLOCK, &all, &mut old);
        if err != 0 {
            return Err(io::Error::from_raw_os_error(err));
        }
        Ok(SignalMask(old))
    }
}

/// Restores the mask [`block_signals`] returned.
pub fn restore_signals(mask: &SignalMask) -> io::Result<()> {
    // SAFETY: `mask.0` was filled by pthread_sigmask.
    let err = unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &mask.0, std::ptr::null_mut()) };
    if err != 0 {
        return Err(io::Error::from_raw_os_error(err));
    }
    Ok(())
}

/// Runs `f` when the process ends through `exit` (libFuzzer's way out after
/// its time or run budget, and a test binary's), as C's `atexit` does; not
/// after a signal or `_exit`.
#[cfg(feature = "fuzzing")]
pub fn at_exit(f: extern "C" fn()) -> io::Result<()> {
    // SAFETY: `atexit` only records the pointer; `f` is a function of this
    // program, valid for the life of the process, and an `extern "C"`
    // function cannot unwind into the C library (a panic aborts).
    match unsafe { libc::atexit(f) } {
        0 => Ok(()),
        _ => Err(io::Error::other("atexit: no room for another handler")),
    }
}
