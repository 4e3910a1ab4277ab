//! HTTP semantics of the server and the demo app: the three pages,
//! keep-alive, HTTP/1.0, `Connection: close`, HEAD, `Expect:
//! 100-continue`, chunked bodies, forms, `--max-requests`, a Unix socket,
//! and the command line.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, TestDir};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hello_index_and_errors() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1"]);
    let r = server.get("/hello");
    assert_eq!((r.status, r.body.as_slice()), (200, &b"Hello, World!"[..]));
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("content-length"), Some("13"));
    assert_eq!(r.header("date").map(str::len), Some(29));

    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let page = r.text();
    assert!(page.contains(r#"<form id="urlencoded" method="post" action="/echo?form=urlencoded">"#));
    assert!(page.contains(r#"enctype="multipart/form-data""#) && page.contains(r#"type="file""#));

    let r = server.get("/nope");
    assert_eq!(r.status, 404);
    let mut c = server.connect();
    c.send(b"DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    let r = c.expect_response();
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));
    // A 405 without a body keeps the connection.
    c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(c.expect_response().status, 200);
}

#[test]
fn keep_alive_http10_close_and_head() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1"]);
    // HTTP/1.1: persistent by default.
    let mut c = server.connect();
    for _ in 0..3 {
        c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        let r = c.expect_response();
        assert!(!r.closes() && r.body == b"Hello, World!");
    }
    // Connection: close is honoured.
    c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert!(c.expect_response().closes());
    assert!(c.closed_within(Duration::from_secs(5)));

    // HTTP/1.0 closes unless it asks for keep-alive.
    let mut c = server.connect();
    c.send(b"GET /hello HTTP/1.0\r\n\r\n");
    let r = c.expect_response();
    assert!(r.closes());
    assert!(c.closed_within(Duration::from_secs(5)));
    let mut c = server.connect();
    c.send(b"GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(c.expect_response().header("connection"), Some("keep-alive"));
    c.send(b"GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(c.expect_response().body, b"Hello, World!");

    // HEAD: the GET's headers, no body.
    let mut c = server.connect();
    c.head_requests.push_back(true);
    c.send(b"HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    let r = c.expect_response();
    assert_eq!((r.status, r.header("content-length"), r.body.len()), (200, Some("13"), 0));
    assert_eq!(c.expect_response().body, b"Hello, World!");
}

#[test]
fn echo_reports_head_env_query_and_forms() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1"]);
    let mut c = server.connect();
    c.send(b"GET /echo/../echo?x=1&y=a+b&z=%41 HTTP/1.1\r\nHost: example.org\r\nX-Thing: one\r\nx-thing: two\r\nX_Under: dropped\r\n\r\n");
    let r = c.expect_response();
    assert_eq!(r.status, 404, "the demo app does not normalise paths");
    c.send(b"GET /echo?x=1&y=a+b&z=%41 HTTP/1.1\r\nHost: example.org\r\nX-Thing: one\r\nx-thing: two\r\nX_Under: dropped\r\n\r\n");
    let r = c.expect_response();
    assert_eq!(r.header("content-type"), Some("application/json"));
    let j = r.json();
    assert_eq!(j["method"], "GET");
    assert_eq!(j["target"], "/echo?x=1&y=a+b&z=%41");
    assert_eq!(j["version"], "HTTP/1.1");
    assert_eq!(j["headers"][1], serde_json::json!(["X-Thing", "one"]));
    assert_eq!(j["query"], serde_json::json!([["x", "1"], ["y", "a b"], ["z", "A"]]));
    let psgi = &j["env"]["psgi"];
    assert_eq!(psgi["PATH_INFO"], "/echo");
    assert_eq!(psgi["QUERY_STRING"], "x=1&y=a+b&z=%41");
    assert_eq!(psgi["HTTP_HOST"], "example.org");
    assert_eq!(psgi["HTTP_X_THING"], "one, two");
    assert!(psgi.get("HTTP_X_UNDER").is_none(), "underscore headers are dropped");
    assert_eq!(j["env"]["rack"]["REQUEST_PATH"], "/echo");
    assert_eq!(j["env"]["rack"]["HTTP_VERSION"], "HTTP/1.1");
    assert_eq!(j["framing"]["body"], "none");
    assert_eq!(j["body"]["kind"], "none");

    // A urlencoded form.
    let form = "name=Springbok&comment=a%2Bb%3Dc+100%25&tags=http&tags=rust";
    c.send(
        format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    );
    let j = c.expect_response().json();
    assert_eq!(j["framing"]["content_length"], form.len());
    assert_eq!(j["body"]["kind"], "urlencoded");
    assert_eq!(
        j["body"]["form"],
        serde_json::json!([["name", "Springbok"], ["comment", "a+b=c 100%"], ["tags", "http"], ["tags", "rust"]])
    );

    // A chunked body of another type: size and SHA-256, the chunk split
    // anywhere.
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    let mut body = Vec::new();
    for piece in data.chunks(7777) {
        body.extend_from_slice(format!("{:x};ext=1\r\n", piece.len()).as_bytes());
        body.extend_from_slice(piece);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\nX-Trailer: t\r\n\r\n");
    c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n");
    for piece in body.chunks(1000) {
        c.send(piece);
    }
    let j = c.expect_response().json();
    assert_eq!(j["framing"]["body"], "chunked");
    assert_eq!(j["body"]["kind"], "raw");
    assert_eq!(j["body"]["bytes"], data.len());
    assert_eq!(j["body"]["sha256"], hex(&Sha256::digest(&data)));
    // The connection is still good after the chunked body.
    c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(c.expect_response().body, b"Hello, World!");
}

#[test]
fn multipart_parts_and_files_removed_after_the_response() {
    let _serial = common::serial();
    let dir = TestDir::new("http-multipart");
    let server = Server::start(&["--workers", "1", "--tmp-dir", dir.path().to_str().unwrap()]);
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mut body = Vec::new();
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nAn upload\r\n");
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n",
    );
    body.extend_from_slice(&file);
    body.extend_from_slice(
        b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"; filename*=UTF-8''caf%C3%A9.txt\r\n\r\nx",
    );
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let mut c = server.connect();
    c.send(
        format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    c.send(&body);
    let j = c.expect_response().json();
    assert_eq!(j["body"]["kind"], "multipart");
    let parts = j["body"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    // filename* is shown beside filename, never instead of it.
    assert_eq!((parts[2]["filename"].as_str(), parts[2]["filename_star"].as_str()), (Some("a.txt"), Some("café.txt")));
    assert!(parts[1].get("filename_star").is_none());
    assert_eq!(parts[0]["name"], "title");
    assert_eq!(parts[0]["value"], "An upload");
    assert_eq!(parts[0]["filename"], serde_json::Value::Null);
    assert_eq!(parts[1]["filename"], "a b.bin");
    assert_eq!(parts[1]["content_type"], "application/octet-stream");
    assert_eq!(parts[1]["size"], file.len());
    assert_eq!(parts[1]["sha256"], hex(&Sha256::digest(&file)));
    assert_eq!(parts[1]["stored"], "file");
    // The response is out: the upload file is gone (the run's directory
    // stays until the master exits).
    assert_eq!(dir.wait_no_files(), Vec::<std::path::PathBuf>::new());

    // A body that ends before the close delimiter: 400, closed.
    let bad = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
    c.send(
        format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n",
            bad.len()
        )
        .as_bytes(),
    );
    c.send(bad);
    let r = c.expect_response();
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.closes() && c.closed_within(Duration::from_secs(5)));
}

#[test]
fn expect_100_continue() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--max-body-bytes", "1M"]);
    let mut c = server.connect();
    c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    let interim = c.expect_response();
    assert_eq!(interim.status, 100);
    c.send(b"hello");
    let j = c.expect_response().json();
    assert_eq!(j["framing"]["expect_continue"], true);
    assert_eq!(j["body"]["bytes"], 5);
    // Too large: 413 at once, no 100, and the body is never read.
    c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n");
    let r = c.expect_response();
    assert_eq!(r.status, 413);
    assert!(r.closes() && c.closed_within(Duration::from_secs(5)));
    // Another expectation: 417.
    let mut c = server.connect();
    c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\n");
    assert_eq!(c.expect_response().status, 417);
}

#[test]
fn max_requests_recycles_workers_without_failing_a_request() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--max-requests", "50"]);
    let first = server.workers();
    let mut served = 0;
    let mut c = server.connect();
    while served < 220 {
        c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        let r = c.expect_response();
        assert_eq!(r.body, b"Hello, World!");
        served += 1;
        if r.closes() {
            c = server.connect();
        }
    }
    server.wait_log_count("is retiring; starting its replacement", 4, Duration::from_secs(10));
    server.wait_log_count(" ready: pid ", 5, Duration::from_secs(10));
    assert_ne!(server.workers(), first);
}

#[test]
fn unix_socket() {
    let _serial = common::serial();
    let dir = TestDir::new("http-unix");
    let path = dir.path().join("s.sock");
    let bind = format!("unix:{}", path.display());
    let mut server = Server::start(&["--workers", "1", "--bind", &bind]);
    assert!(server.logs().iter().any(|l| l.contains(&format!("listening on {bind}"))));
    let mut s = UnixStream::connect(&path).unwrap();
    s.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n") && out.ends_with("\r\n\r\nHello, World!"), "{out}");
    Server::signal(server.pid(), "TERM");
    assert!(server.wait_exit(Duration::from_secs(10)).unwrap().success());
    assert!(!path.exists(), "the socket file is removed on exit");
}

#[test]
fn command_line() {
    let out = Command::new(common::binary()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let options: Vec<&str> = help.lines().filter(|l| l.trim_start().starts_with("--")).collect();
    assert!(options.len() >= 20, "{help}");
    for line in &options {
        let help_or_version = line.contains("--help") || line.contains("--version");
        assert!(help_or_version || line.contains("[default: "), "no default: {line}");
    }
    assert!(help.contains("--bind ADDR") && help.contains("[default: 127.0.0.1:8080]"));
    let out = Command::new(common::binary()).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown option --bogus"));
    // A port that is taken: a clear message and exit status 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let out =
        Command::new(common::binary()).args(["--bind", &taken.local_addr().unwrap().to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"));
}

#[test]
fn idle_and_body_timeouts() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--keepalive-timeout", "0.5", "--body-timeout", "0.5"]);
    // An idle kept-alive connection is closed silently.
    let mut c = server.connect();
    c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(c.expect_response().status, 200);
    let t = Instant::now();
    assert!(c.closed_within(Duration::from_secs(3)));
    let idle = t.elapsed();
    assert!(idle >= Duration::from_millis(400) && idle < Duration::from_millis(1500), "closed after {idle:?}");
    // A body that stops arriving: 408.
    let mut c = server.connect();
    c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    let t = Instant::now();
    let r = c.expect_response();
    assert_eq!(r.status, 408);
    assert!(t.elapsed() >= Duration::from_millis(400), "{:?}", t.elapsed());
    assert!(r.closes() && c.closed_within(Duration::from_secs(5)));
}

#[test]
fn connection_limit_per_worker() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--max-connections", "2"]);
    let mut held: Vec<_> = (0..2)
        .map(|_| {
            let mut c = server.connect();
            c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            assert_eq!(c.expect_response().status, 200);
            c
        })
        .collect();
    // The third waits in the listen queue while two are open...
    let mut third = server.connect();
    third.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    third.stream.set_read_timeout(Some(Duration::from_millis(400))).unwrap();
    let mut byte = [0u8; 1];
    let early = third.stream.read(&mut byte);
    assert!(early.is_err(), "answered beyond --max-connections: {early:?}");
    // ...and is served once one closes.
    held.pop();
    third.stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(third.expect_response().body, b"Hello, World!");
}
