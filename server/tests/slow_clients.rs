//! Slow clients: 256 connections each sending one byte of a head every
//! 500 ms do not delay a normal request by more than 200 ms, and each is
//! answered 408 and closed at the head timeout.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Server;

const SLOW: usize = 256;
const HEAD_TIMEOUT_SECS: u64 = 3;

#[test]
fn slow_clients_do_not_starve_the_worker_and_get_408() {
    let _serial = common::serial();
    // One worker: every slow connection lands on the worker that also has
    // to serve the normal requests.
    let server = Server::start(&["--workers", "1", "--head-timeout", &HEAD_TIMEOUT_SECS.to_string()]);
    let head = b"GET /hello HTTP/1.1\r\nHost: slow\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let opened = Instant::now();
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let s = TcpStream::connect(server.addr).unwrap();
            s.set_nodelay(true).unwrap();
            s
        })
        .collect();

    // Send one byte per connection every 500 ms, and between rounds time
    // normal requests on fresh connections.
    let mut sent = 0;
    let mut latencies = Vec::new();
    while opened.elapsed() < Duration::from_millis(HEAD_TIMEOUT_SECS * 1000 - 600) {
        let round = Instant::now();
        for s in &mut slow {
            s.write_all(&head[sent..sent + 1]).unwrap();
        }
        sent += 1;
        while round.elapsed() < Duration::from_millis(500) {
            let t = Instant::now();
            let r = server.get("/hello");
            latencies.push(t.elapsed());
            assert_eq!(r.body, b"Hello, World!");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    assert!(sent < head.len(), "the slow heads must still be incomplete");
    latencies.sort();
    let worst = *latencies.last().unwrap();
    eprintln!(
        "{} normal requests beside {SLOW} slow clients: median {:?}, worst {worst:?}",
        latencies.len(),
        latencies[latencies.len() / 2]
    );
    assert!(worst <= Duration::from_millis(200), "a normal request took {worst:?}");

    // At the head timeout every slow connection gets 408 and is closed.
    let mut answered = 0;
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(HEAD_TIMEOUT_SECS + 5))).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("the server closes the connection");
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{text}");
        assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
        answered += 1;
    }
    let elapsed = opened.elapsed();
    assert_eq!(answered, SLOW);
    assert!(elapsed >= Duration::from_secs(HEAD_TIMEOUT_SECS), "408 before the timeout: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(HEAD_TIMEOUT_SECS + 2), "408 too late: {elapsed:?}");
    // The worker is the same one and still serves.
    assert_eq!(server.get("/hello").status, 200);
    assert_eq!(server.logs().iter().filter(|l| l.contains(" ready: pid ")).count(), 1);
}
