//! What the server's integration tests share: starting the real binary on
//! 127.0.0.1 (port 0, read back from its log), signals by PID, the
//! workers' PIDs from /proc, and a small HTTP/1.1 client that checks every
//! response with springbok-parser's strict response parser.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use springbok_parser::framing::{self, Body};
use springbok_parser::{ParserConfig, Status, EMPTY_HEADER};

/// Tests in one binary that measure time or count processes run one at a
/// time: they share two cores with each other otherwise.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The server binary cargo built for these tests.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_springbok-server")
}

/// A running server, killed (with its workers) on drop if still running.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    workers: usize,
    /// The `--tmp-dir` given when the test gave none: a master killed on
    /// drop cannot remove its upload directory, so it goes with this.
    uploads: Option<TestDir>,
}

impl Server {
    /// Starts the server with `args` on `127.0.0.1:0` (unless `args` has a
    /// `--bind`), with a `--tmp-dir` of its own (unless `args` has one),
    /// and waits until every worker is ready.
    pub fn start(args: &[&str]) -> Server {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !args.contains(&"--bind") {
            all.extend(["--bind".into(), "127.0.0.1:0".into()]);
        }
        let mut uploads = None;
        if !args.contains(&"--tmp-dir") {
            static SERVERS: AtomicUsize = AtomicUsize::new(0);
            let dir = TestDir::new(&format!("server{}", SERVERS.fetch_add(1, Ordering::Relaxed)));
            all.extend(["--tmp-dir".into(), dir.path().to_str().unwrap().into()]);
            uploads = Some(dir);
        }
        let workers = args
            .iter()
            .position(|&a| a == "--workers")
            .map(|i| args[i + 1].parse().unwrap())
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        let mut command = Command::new(binary());
        command.args(&all);
        let mut server = Server::spawn(command, workers);
        server.uploads = uploads;
        server
    }

    /// Runs `command` (which must end up as the server, e.g. through a
    /// shell's `exec`) and waits until `workers` workers are ready.
    pub fn spawn(mut command: Command, workers: usize) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start springbok-server");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("  | {line}");
                sink.lock().unwrap().push(line);
            }
        });
        let mut server = Server { child, addr: "127.0.0.1:1".parse().unwrap(), log, workers, uploads: None };
        let url = server.wait_log("listening on ", Duration::from_secs(20));
        if let Some(rest) = url.split("listening on http://").nth(1) {
            server.addr = rest.split('/').next().unwrap().parse().expect("address in the log");
        }
        server.wait_ready(workers, Duration::from_secs(20));
        server
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The log lines so far.
    pub fn logs(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits for a log line containing `needle`; returns it.
    pub fn wait_log(&self, needle: &str, timeout: Duration) -> String {
        self.wait_log_count(needle, 1, timeout)
    }

    /// Waits until `count` log lines contain `needle`; returns the last.
    pub fn wait_log_count(&self, needle: &str, count: usize, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let lines: Vec<String> = self.logs().into_iter().filter(|l| l.contains(needle)).collect();
            if lines.len() >= count {
                return lines.last().unwrap().clone();
            }
            assert!(
                Instant::now() < deadline,
                "no {count} log lines with {needle:?} in {timeout:?}: {:#?}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until `count` workers have said they are ready.
    pub fn wait_ready(&self, count: usize, timeout: Duration) {
        self.wait_log_count(" ready: pid ", count, timeout);
    }

    /// The master's children (the workers), from /proc.
    pub fn workers(&self) -> Vec<i32> {
        children(self.pid())
    }

    /// Sends `signal` (a name such as `TERM`) to `pid`.
    pub fn signal(pid: i32, signal: &str) {
        let ok = Command::new("kill").args(["-s", signal, &pid.to_string()]).status().unwrap().success();
        assert!(ok, "kill -s {signal} {pid}");
    }

    /// Waits for the master to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A client connection.
    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    /// One request on a new connection; the response.
    pub fn get(&self, target: &str) -> Response {
        let mut c = self.connect();
        c.send(format!("GET {target} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
        c.expect_response()
    }

    /// Counts the open file descriptors of `pid`.
    pub fn fd_count(pid: i32) -> usize {
        std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
    }

    /// A `/proc/PID/status` field in kB (`VmRSS`, `VmHWM`).
    pub fn status_kb(pid: i32, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with(field)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let workers = self.workers();
            let _ = Command::new("kill").args(["-s", "KILL", &self.pid().to_string()]).status();
            for w in workers {
                let _ = Command::new("kill").args(["-s", "KILL", &w.to_string()]).status();
            }
            let _ = self.child.wait();
        }
    }
}

/// The processes whose parent is `ppid`, from /proc/*/stat.
pub fn children(ppid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { continue };
        let mut fields = after.split_whitespace();
        let state = fields.next();
        if fields.next().and_then(|p| p.parse::<i32>().ok()) == Some(ppid) && state != Some("Z") {
            out.push(pid);
        }
    }
    out.sort();
    out
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether the server says it closes the connection.
    pub fn closes(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A client connection with a read buffer (pipelined responses stay in it).
pub struct Client {
    pub stream: TcpStream,
    buf: Vec<u8>,
    /// Responses to HEAD requests have no body: the methods in flight.
    pub head_requests: std::collections::VecDeque<bool>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        Client::from_stream(TcpStream::connect(addr).expect("connect"))
    }

    /// A client on a connected stream (20 s read timeout, no Nagle).
    pub fn from_stream(stream: TcpStream) -> Client {
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream.set_nodelay(true).unwrap();
        Client { stream, buf: Vec::new(), head_requests: Default::default() }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    pub fn try_send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Reads one response: `Ok(None)` when the server closed the
    /// connection before any byte of it.
    pub fn response(&mut self) -> io::Result<Option<Response>> {
        let head_request = self.head_requests.pop_front().unwrap_or(false);
        loop {
            if let Some(r) = self.parse(head_request)? {
                return Ok(Some(r));
            }
            let mut chunk = [0u8; 65536];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("connection closed inside a response: {:?}", String::from_utf8_lossy(&self.buf)),
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Like [`response`](Self::response), failing on a close.
    pub fn expect_response(&mut self) -> Response {
        self.response().expect("read a response").expect("a response, not a close")
    }

    /// Parses a complete response at the start of the buffer.
    fn parse(&mut self, head_request: bool) -> io::Result<Option<Response>> {
        let mut headers = [EMPTY_HEADER; 32];
        let bad = |e: String| io::Error::new(io::ErrorKind::InvalidData, e);
        let resp = match ParserConfig::new().parse_response(&self.buf, 0, &mut headers) {
            Ok(Status::Complete(r)) => r,
            Ok(Status::Partial) => return Ok(None),
            Err(e) => return Err(bad(format!("bad response head ({e}): {:?}", String::from_utf8_lossy(&self.buf)))),
        };
        let method: &[u8] = if head_request { b"HEAD" } else { b"GET" };
        let body = framing::response_body(resp.minor_version, resp.code, resp.headers, method)
            .map_err(|e| bad(format!("response framing: {e}")))?;
        let len = match body {
            Body::None => 0,
            Body::ContentLength(n) => n as usize,
            other => return Err(bad(format!("the server must send Content-Length, got {other:?}"))),
        };
        if self.buf.len() < resp.head_len + len {
            return Ok(None);
        }
        let r = Response {
            status: resp.code,
            headers: resp
                .headers
                .iter()
                .map(|h| (String::from_utf8_lossy(h.name).into_owned(), String::from_utf8_lossy(h.value).into_owned()))
                .collect(),
            body: self.buf[resp.head_len..resp.head_len + len].to_vec(),
        };
        self.buf.drain(..resp.head_len + len);
        Ok(Some(r))
    }

    /// Reads until the server closes; returns the bytes that came (after
    /// any buffered ones).
    pub fn read_to_close(&mut self) -> io::Result<Vec<u8>> {
        let mut rest = std::mem::take(&mut self.buf);
        self.stream.read_to_end(&mut rest)?;
        Ok(rest)
    }

    /// Whether the server closed the connection (EOF, or a reset) within
    /// `timeout`, with no more bytes than those already buffered.
    pub fn closed_within(&mut self, timeout: Duration) -> bool {
        self.stream.set_read_timeout(Some(timeout)).unwrap();
        let mut byte = [0u8; 1];
        match self.stream.read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() == io::ErrorKind::ConnectionReset,
        }
    }
}

/// `GET target` requests, `count` of them pipelined in one write.
pub fn pipelined(targets: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for t in targets {
        out.extend_from_slice(format!("GET {t} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
    }
    out
}

/// A private directory under the system temp dir, removed on drop.
pub struct TestDir(pub PathBuf);

impl TestDir {
    pub fn new(name: &str) -> TestDir {
        let path = std::env::temp_dir().join(format!("springbok-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TestDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Regular files anywhere below the directory.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }
}

impl TestDir {
    /// Waits up to 2 s for the directory tree to hold no file (the server
    /// removes upload files just after it has written the response).
    pub fn wait_no_files(&self) -> Vec<PathBuf> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let files = self.files();
            if files.is_empty() || Instant::now() >= deadline {
                return files;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small deterministic generator of test bytes (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
