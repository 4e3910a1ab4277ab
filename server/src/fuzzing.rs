//! One connection of the server driven from bytes, with no socket: the
//! request loop of [`Conn`] (heads, bodies, pipelining, keep-alive, the
//! demo app, the output queue) exactly as a worker drives it, with a
//! [`Pipe`] in place of the client's socket. Built with the `fuzzing`
//! feature for fuzz/fuzz_targets/server.rs; not a stable interface.

use std::cell::Cell;
use std::io::{self, IoSlice};
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::app::App;
use crate::config::{Config, MAX_HEADERS_LIMIT};
use crate::conn::{Conn, Ctx, Flow};
use crate::net::Stream;
use crate::sys;
use crate::tmp::{OwnedTmpDir, TmpDir};

/// Drive calls after which a connection that still asks to be driven
/// again is taken to be spinning (a bug): far more than any input of a
/// fuzz run needs, since each call takes up to 64 steps.
const MAX_DRIVES: usize = 100_000;

/// The client's end of a connection, in memory: what the server may read
/// and what it wrote.
#[derive(Debug, Default)]
pub struct Pipe {
    input: Vec<u8>,
    read: usize,
    /// The client sent everything (reads return 0 once `input` is read).
    eof: bool,
    output: Vec<u8>,
    /// Written bytes the client has not taken yet.
    unread: usize,
    /// Bytes the client takes before it reads (a socket's buffer).
    window: usize,
    /// The server shut its sending side down (`shutdown` takes `&self`).
    shut: Cell<bool>,
}

impl Pipe {
    /// A `read` on a non-blocking socket.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.input.len() - self.read);
        if n == 0 && !buf.is_empty() && !self.eof {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        buf[..n].copy_from_slice(&self.input[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }

    /// A `write` on a non-blocking socket whose buffer holds `window` bytes.
    pub fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writev(&[IoSlice::new(buf)])
    }

    /// A `writev` on a non-blocking socket whose buffer holds `window` bytes.
    pub fn writev(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        if self.shut.get() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let room = self.window.saturating_sub(self.unread);
        if room == 0 && total > 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let mut left = room.min(total);
        let n = left;
        for b in bufs {
            let k = left.min(b.len());
            self.output.extend_from_slice(&b[..k]);
            left -= k;
        }
        self.unread += n;
        Ok(n)
    }

    /// Ends the server's sending direction.
    pub fn shutdown_write(&self) -> io::Result<()> {
        self.shut.set(true);
        Ok(())
    }
}

/// How a [`serve`] run is set up. `Setup::default()` is the server's
/// default configuration with a client that reads everything at once.
#[derive(Clone, Debug)]
pub struct Setup {
    /// `--max-head-bytes`.
    pub max_head_bytes: usize,
    /// `--max-headers` (at most 1024).
    pub max_headers: usize,
    /// `--max-body-bytes`.
    pub max_body_bytes: u64,
    /// `--max-form-bytes`.
    pub max_form_bytes: usize,
    /// Bytes the client's socket buffer holds before the client reads
    /// them: small values make the server's writes block and queue.
    pub window: usize,
    /// The worker is draining from the start (no keep-alive).
    pub draining: bool,
    /// The connection's deadline passes after this many pieces of input
    /// have arrived (as if the client then stalled), if ever.
    pub expire_after: Option<usize>,
}

impl Default for Setup {
    fn default() -> Setup {
        let c = Config::defaults(1);
        Setup {
            max_head_bytes: c.max_head_bytes,
            max_headers: c.max_headers,
            max_body_bytes: c.max_body_bytes,
            max_form_bytes: c.max_form_bytes,
            window: usize::MAX,
            draining: false,
            expire_after: None,
        }
    }
}

/// What the client saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    /// Every byte the server wrote, in order.
    pub output: Vec<u8>,
    /// The server closed the connection (rather than waiting for more).
    pub closed: bool,
    /// The server shut its sending side down before closing.
    pub shut: bool,
}

/// The upload directory of this process: created once, in the system's
/// temporary directory, and removed when the process exits (the app removes
/// each file after its response). One directory for the process rather than
/// one a call keeps directory calls out of every execution.
static DIR: OnceLock<OwnedTmpDir> = OnceLock::new();

fn tmp_dir() -> TmpDir {
    // A static is never dropped, so the directory outlives every call, and
    // its removal is left to an exit handler.
    DIR.get_or_init(|| {
        let parent: PathBuf = std::env::temp_dir().join("springbok-server-fuzzing");
        std::fs::create_dir_all(&parent).expect("create the fuzzing upload parent directory");
        let dir = OwnedTmpDir::create(&parent).expect("create the fuzzing upload directory");
        sys::at_exit(remove_tmp_dir).expect("register the fuzzing upload directory's removal");
        dir
    })
    .dir()
    .clone()
}

/// Removes this process's upload directory at exit. The shared parent stays:
/// another process may be about to make its own directory in it.
extern "C" fn remove_tmp_dir() {
    if let Some(dir) = DIR.get() {
        let _ = std::fs::remove_dir_all(dir.dir().path());
    }
}

/// Sends `pieces` one after the other (the server runs until it waits for
/// more after each), then ends the input, and returns what the server
/// wrote. Panics if the connection keeps asking to be driven without end.
pub fn serve(pieces: &[&[u8]], setup: &Setup) -> Transcript {
    let mut config = Config::defaults(1);
    config.max_head_bytes = setup.max_head_bytes;
    config.max_headers = setup.max_headers.clamp(1, MAX_HEADERS_LIMIT);
    config.max_body_bytes = setup.max_body_bytes;
    config.max_form_bytes = setup.max_form_bytes;
    let app = App { tmp: tmp_dir(), max_form_bytes: config.max_form_bytes, max_body_bytes: config.max_body_bytes };
    let mut cx = Ctx::new(config, app);
    cx.draining = setup.draining;
    let pipe = Pipe { window: setup.window.max(1), ..Pipe::default() };
    let mut conn = Conn::new(Stream::Memory(pipe), cx.now);
    let mut drives = 0;
    let mut closed = false;
    let last = pieces.len();
    for (i, piece) in pieces.iter().chain(std::iter::once(&&b""[..])).enumerate() {
        let pipe = pipe_of(&mut conn);
        pipe.input.extend_from_slice(piece);
        pipe.eof = i == last;
        conn.readable();
        let mut flow = conn.drive(&mut cx);
        if setup.expire_after == Some(i) && flow != Flow::Close {
            cx.now = cx.now.max(conn.deadline(&cx));
            flow = conn.expire(&mut cx);
        }
        loop {
            drives += 1;
            assert!(drives < MAX_DRIVES, "the connection keeps asking to be driven");
            match flow {
                Flow::Close => {
                    closed = true;
                    break;
                }
                Flow::Again => {}
                Flow::Wait => {
                    // The client reads what was written; if that frees a
                    // blocked writer, the socket becomes writable.
                    let pipe = pipe_of(&mut conn);
                    let blocked = pipe.unread >= pipe.window;
                    pipe.unread = 0;
                    if !blocked {
                        break;
                    }
                }
            }
            flow = conn.drive(&mut cx);
        }
        if closed {
            break;
        }
    }
    let pipe = pipe_of(&mut conn);
    Transcript { output: std::mem::take(&mut pipe.output), closed, shut: pipe.shut.get() }
}

fn pipe_of(conn: &mut Conn) -> &mut Pipe {
    match conn.stream_mut() {
        Stream::Memory(pipe) => pipe,
        _ => unreachable!("a fuzzing connection is in memory"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_str(pieces: &[&str], setup: &Setup) -> String {
        let pieces: Vec<&[u8]> = pieces.iter().map(|p| p.as_bytes()).collect();
        String::from_utf8(serve(&pieces, setup).output).unwrap()
    }

    #[test]
    fn pipelined_requests_in_any_split_get_their_responses() {
        let input = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
        let whole = serve_str(&[input], &Setup::default());
        assert_eq!(whole.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{whole}");
        assert_eq!(whole.matches("Hello, World!").count(), 2);
        let (a, b) = input.split_at(40);
        let date = |s: &str| s.lines().filter(|l| !l.starts_with("Date: ")).collect::<Vec<_>>().join("\n");
        assert_eq!(date(&serve_str(&[a, b], &Setup::default())), date(&whole));
    }

    #[test]
    fn a_small_window_queues_output_without_losing_it() {
        let input = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let setup = Setup { window: 7, ..Setup::default() };
        let out = serve_str(&[input], &setup);
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n") && out.ends_with("</html>\n"), "{out}");
    }

    #[test]
    fn a_stalled_head_gets_408_and_the_connection_closes() {
        let setup = Setup { expire_after: Some(0), ..Setup::default() };
        let t = serve(&[b"GET / HTTP/1.1\r\n"], &setup);
        assert!(t.output.starts_with(b"HTTP/1.1 408 "), "{:?}", String::from_utf8_lossy(&t.output));
        assert!(t.closed && t.shut);
    }

    #[test]
    fn a_head_alone_with_expect_gets_100_continue_first() {
        let head = "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
        let out = serve_str(&[head, "body"], &Setup::default());
        assert!(out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), "{out}");
        // With the body already there, no 100.
        let joined = format!("{head}body");
        assert!(serve_str(&[&joined], &Setup::default()).starts_with("HTTP/1.1 200 OK\r\n"));
    }

    #[test]
    fn a_bad_head_gets_400_and_the_connection_closes() {
        let t = serve(&[b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"], &Setup::default());
        assert!(t.output.starts_with(b"HTTP/1.1 400 "), "{:?}", String::from_utf8_lossy(&t.output));
        assert!(t.closed);
    }

    /// Run in a child process (the test binary itself, one test, with its own
    /// TMPDIR): the child makes its upload directory, and none is left
    /// after it exits.
    #[test]
    fn the_upload_directory_is_gone_after_the_process_exits() {
        let tmp = std::env::temp_dir().join(format!("springbok-fuzzing-exit-test.{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "fuzzing::tests::a_bad_head_gets_400_and_the_connection_closes", "--quiet"])
            .env("TMPDIR", &tmp)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        let parent = tmp.join("springbok-server-fuzzing");
        let left: Vec<_> =
            std::fs::read_dir(&parent).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
        let made = parent.is_dir();
        std::fs::remove_dir_all(&tmp).unwrap();
        assert!(status.success());
        assert!(made, "the child made its directory in {}", parent.display());
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}
