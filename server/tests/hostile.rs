//! Hostile input over the socket: smuggling shapes, bad chunk sizes,
//! oversized heads and bodies, malformed heads and random bytes. Each gets
//! its status code and a closed connection; the worker survives and leaks
//! no descriptor.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Rng, Server};

/// A request and the status it must get.
struct Case {
    name: &'static str,
    request: Vec<u8>,
    status: u16,
}

fn case(name: &'static str, request: &[u8], status: u16) -> Case {
    Case { name, request: request.to_vec(), status }
}

fn cases() -> Vec<Case> {
    let mut v = vec![
        // Smuggling shapes the framing layer rejects.
        case(
            "CL and TE",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        case(
            "TE and CL",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            400,
        ),
        case(
            "differing CL lines",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            400,
        ),
        case("differing CL list", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", 400),
        case("signed CL", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400),
        case("CL overflow", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
        case(
            "TE not ending in chunked",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
            400,
        ),
        case("TE gzip alone", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        case(
            "TE chunked twice",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        case("TE gzip then chunked", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        case(
            "obs-fold in TE",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        case("space before colon", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
        case("TE in HTTP/1.0", b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // RFC 9112 §3.2's Host rules (the server turns on the missing-Host one).
        case("no Host in HTTP/1.1", b"GET /hello HTTP/1.1\r\n\r\n", 400),
        case("two Hosts", b"GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        case("invalid Host", b"GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        case("bare LF", b"GET /hello HTTP/1.1\nHost: a\n\n", 400),
        case("bare CR", b"GET /hello HTTP/1.1\rHost: a\r\n\r\n", 400),
        case("two spaces", b"GET  /hello HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        case("HTTP/2.0", b"GET /hello HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        case("NUL in a value", b"GET /hello HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400),
        case("unsupported expectation", b"POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417),
        // Bad chunked bodies.
        case("chunk size not hex", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        case("negative chunk size", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
        case(
            "chunk size overflow",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
            400,
        ),
        case("bare LF after size", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        case(
            "data without CRLF",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
            400,
        ),
        case(
            "chunked beyond the body limit",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n",
            413,
        ),
        // Oversized bodies: refused before a byte of them is read.
        case("CL beyond the body limit", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", 413),
        case(
            "form beyond the form limit",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n",
            413,
        ),
        case(
            "multipart without a boundary",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\n\r\nabc",
            400,
        ),
    ];
    // Oversized heads.
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(13 * 1024));
    v.push(Case { name: "target too long", request: long_target.into_bytes(), status: 414 });
    let long_value = format!("GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: {}\r\n\r\n", "v".repeat(81 * 1024));
    v.push(Case { name: "value too long", request: long_value.into_bytes(), status: 431 });
    let long_name = format!("GET /hello HTTP/1.1\r\nHost: a\r\nX-{}: 1\r\n\r\n", "n".repeat(300));
    v.push(Case { name: "name too long", request: long_name.into_bytes(), status: 431 });
    let mut many = String::from("GET /hello HTTP/1.1\r\nHost: a\r\n");
    for i in 0..120 {
        many.push_str(&format!("X-H{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    v.push(Case { name: "too many headers", request: many.into_bytes(), status: 431 });
    let mut huge = String::from("GET /hello HTTP/1.1\r\nHost: a\r\n");
    while huge.len() < 120 * 1024 {
        huge.push_str(&format!("X-Pad-{}: {}\r\n", huge.len(), "p".repeat(1000)));
    }
    huge.push_str("\r\n");
    v.push(Case { name: "head too large", request: huge.into_bytes(), status: 431 });
    v
}

/// Sends `request`, reads until the server closes, returns the status.
fn exchange(server: &Server, request: &[u8]) -> (Option<u16>, String) {
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before it has read everything.
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let closed = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    match closed {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !out.is_empty() => {}
        Err(e) => panic!("the server did not close the connection: {e}; got {text:?}"),
    }
    let status = text.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse().ok());
    (status, text)
}

/// The number of descriptors `pid` has open once it stops changing.
fn stable_fds(pid: i32) -> usize {
    let mut last = Server::fd_count(pid);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = Server::fd_count(pid);
        if now == last {
            return now;
        }
        last = now;
    }
}

/// Waits until `pid` has `count` descriptors open (closing connections
/// linger up to 2 s).
fn settle_fds(pid: i32, count: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = Server::fd_count(pid);
        if now <= count || Instant::now() >= deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn hostile_requests_get_their_status_and_a_closed_connection() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--max-body-bytes", "1M", "--max-form-bytes", "64K"]);
    let worker = server.workers()[0];
    assert_eq!(server.get("/hello").status, 200);
    let baseline = stable_fds(worker);
    for round in 0..3 {
        for c in cases() {
            let (status, text) = exchange(&server, &c.request);
            assert_eq!(status, Some(c.status), "{} (round {round}): {text:?}", c.name);
            assert!(text.contains("\r\nConnection: close\r\n"), "{}: {text:?}", c.name);
        }
    }
    assert_eq!(server.workers(), vec![worker], "the worker survived");
    assert_eq!(server.get("/hello").body, b"Hello, World!");
    assert_eq!(settle_fds(worker, baseline), baseline, "descriptors leaked");
}

#[test]
fn random_bytes_never_kill_the_worker_or_leak() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "1", "--head-timeout", "2"]);
    let worker = server.workers()[0];
    assert_eq!(server.get("/hello").status, 200);
    let baseline = stable_fds(worker);
    let mut rng = Rng(0x5eed_5eed_1234_5678);
    let mut answered = 0;
    for i in 0..300 {
        let mut junk = vec![0u8; 1 + rng.below(2000) as usize];
        rng.fill(&mut junk);
        if i % 3 == 1 {
            // Plausible starts, so that the parser gets past the method.
            junk.splice(0..0, b"GET /".iter().copied());
        } else if i % 3 == 2 {
            junk.splice(0..0, b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".iter().copied());
        }
        let mut s = TcpStream::connect(server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(&junk);
        // Half-close: a head cut short is simply closed by the server.
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        if !out.is_empty() {
            let text = String::from_utf8_lossy(&out);
            let status: u16 = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
            assert!((400..=505).contains(&status), "junk {i}: {text:?}");
            answered += 1;
        }
    }
    assert!(answered > 200, "only {answered} of 300 got an error status");
    assert_eq!(server.workers(), vec![worker], "the worker survived");
    assert_eq!(server.get("/hello").body, b"Hello, World!");
    assert_eq!(settle_fds(worker, baseline), baseline, "descriptors leaked");
}
