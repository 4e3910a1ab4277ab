//! Process control under load: TERM (graceful stop), HUP (rolling worker
//! replacement), a worker killed with SIGKILL, QUIT and INT, a second TERM,
//! and the graceful timeout.

mod common;

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Client, Server};
use sha2::{Digest, Sha256};

/// What a load client saw.
#[derive(Default, Debug)]
struct Tally {
    /// Complete, correct responses.
    ok: usize,
    /// Responses with `Connection: close` (the server draining).
    closing: usize,
    /// Connections refused, or closed before the server read from them
    /// (queued when the socket closed), with the time they happened.
    refused_at: Vec<Instant>,
    /// How many of those connected and were then closed or reset.
    closed_new: usize,
    /// Anything else: partial responses, a reused connection closed
    /// without its response, a wrong body.
    errors: Vec<String>,
}

/// Runs `GET /hello` on keep-alive connections until `stop`.
fn load(addr: SocketAddr, stop: Arc<AtomicBool>) -> Tally {
    let mut t = Tally::default();
    while !stop.load(Ordering::Relaxed) {
        let stream = match TcpStream::connect(addr) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                t.refused_at.push(Instant::now());
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            // The handshake completed into the queue of a socket that was
            // then closed, and the reset came before this thread returned
            // from connect: the same event as a reset on the first read
            // below, seen earlier.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                t.refused_at.push(Instant::now());
                t.closed_new += 1;
                continue;
            }
            Err(e) => {
                t.errors.push(format!("connect: {e}"));
                continue;
            }
        };
        let mut c = Client::from_stream(stream);
        let mut fresh = true;
        while !stop.load(Ordering::Relaxed) {
            let sent = c.try_send(b"GET /hello HTTP/1.1\r\nHost: load\r\n\r\n");
            let got = sent.and_then(|()| c.response());
            match got {
                Ok(Some(r)) if r.status == 200 && r.body == b"Hello, World!" => {
                    t.ok += 1;
                    fresh = false;
                    if r.closes() {
                        t.closing += 1;
                        break;
                    }
                }
                Ok(Some(r)) => {
                    t.errors.push(format!("unexpected response {} {:?}", r.status, r.text()));
                    break;
                }
                Ok(None) if fresh => {
                    t.refused_at.push(Instant::now());
                    t.closed_new += 1;
                    break;
                }
                Err(e) if fresh && matches!(e.kind(), io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe) => {
                    t.refused_at.push(Instant::now());
                    t.closed_new += 1;
                    break;
                }
                Ok(None) => {
                    t.errors.push("a kept-alive connection closed without answering".into());
                    break;
                }
                Err(e) => {
                    t.errors.push(format!("{e}"));
                    break;
                }
            }
        }
    }
    t
}

/// Starts `n` load clients; returns the flag that stops them and their
/// handles.
fn start_load(addr: SocketAddr, n: usize) -> (Arc<AtomicBool>, Vec<std::thread::JoinHandle<Tally>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handles = (0..n)
        .map(|_| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || load(addr, stop))
        })
        .collect();
    (stop, handles)
}

fn finish_load(stop: Arc<AtomicBool>, handles: Vec<std::thread::JoinHandle<Tally>>) -> Tally {
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().unwrap();
        all.ok += t.ok;
        all.closing += t.closing;
        all.refused_at.extend(t.refused_at);
        all.closed_new += t.closed_new;
        all.errors.extend(t.errors);
    }
    all
}

/// An upload whose head the server has received (it answered 100
/// Continue) and whose body is half sent.
struct InFlight {
    client: Client,
    body: Vec<u8>,
}

impl InFlight {
    fn start(server: &Server, seed: u8) -> InFlight {
        let body: Vec<u8> = (0..200_000u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
        let mut client = server.connect();
        client.send(
            format!(
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        assert_eq!(client.expect_response().status, 100, "the head was received");
        client.send(&body[..body.len() / 2]);
        InFlight { client, body }
    }

    /// Sends the rest and checks the full response.
    fn complete(mut self) {
        let half = self.body.len() / 2;
        self.client.send(&self.body[half..]);
        let r = self.client.expect_response();
        assert_eq!(r.status, 200);
        let j = r.json();
        assert_eq!(j["body"]["bytes"], self.body.len());
        let digest: String = Sha256::digest(&self.body).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(j["body"]["sha256"], digest);
    }
}

#[test]
fn term_under_load_finishes_requests_in_flight_then_refuses_and_exits_0() {
    let _serial = common::serial();
    let mut server = Server::start(&["--workers", "2", "--graceful-timeout", "10"]);
    let in_flight: Vec<InFlight> = (0..8).map(|i| InFlight::start(&server, i)).collect();
    let (stop, handles) = start_load(server.addr, 16);
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    Server::signal(server.pid(), "TERM");
    // The requests in flight complete after the signal.
    std::thread::sleep(Duration::from_millis(300));
    let finishers: Vec<_> = in_flight.into_iter().map(|f| std::thread::spawn(move || f.complete())).collect();
    for f in finishers {
        f.join().expect("an in-flight request did not complete");
    }
    // New connections are refused once the workers have closed the socket.
    let refused = Instant::now();
    loop {
        match TcpStream::connect(server.addr) {
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => break,
            _ => assert!(refused.elapsed() < Duration::from_secs(5), "still accepting 5 s after TERM"),
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = server.wait_exit(Duration::from_secs(10)).expect("the master exits within the graceful timeout");
    assert_eq!(status.code(), Some(0));
    for _ in 0..5 {
        let e = TcpStream::connect(server.addr).expect_err("refused after exit");
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
    }
    let tally = finish_load(stop, handles);
    eprintln!(
        "TERM under load: {} ok, {} with Connection: close, {} refused ({} of them closed after connecting)",
        tally.ok,
        tally.closing,
        tally.refused_at.len(),
        tally.closed_new
    );
    assert!(tally.errors.is_empty(), "{:#?}", tally.errors);
    assert!(tally.ok > 100, "the load ran: {tally:?}");
    assert!(tally.refused_at.iter().all(|&t| t >= signalled), "a connection refused before the signal");
}

#[test]
fn hup_under_load_replaces_every_worker_without_an_error() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "2"]);
    let before = server.workers();
    assert_eq!(before.len(), 2);
    let (stop, handles) = start_load(server.addr, 16);
    std::thread::sleep(Duration::from_millis(400));
    Server::signal(server.pid(), "HUP");
    server.wait_log_count("(replacing pid", 2, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(400));
    Server::signal(server.pid(), "HUP");
    server.wait_log_count("(replacing pid", 4, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(400));
    let tally = finish_load(stop, handles);
    eprintln!("HUP under load: {} ok, {} with Connection: close", tally.ok, tally.closing);
    assert!(tally.errors.is_empty(), "{:#?}", tally.errors);
    assert!(tally.refused_at.is_empty(), "{} connections refused or reset", tally.refused_at.len());
    assert!(tally.ok > 100, "the load ran: {tally:?}");
    // The old workers drain and exit; two new ones serve.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.workers().len() != 2 {
        assert!(Instant::now() < deadline, "workers: {:?}", server.workers());
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = server.workers();
    assert!(after.iter().all(|p| !before.contains(p)), "{before:?} -> {after:?}");
    assert_eq!(server.get("/hello").status, 200);
}

/// CPU time (user + system) of `pid` so far, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn hup_while_workers_recycle_under_load_keeps_serving_and_the_master_idle() {
    let _serial = common::serial();
    // Workers also retire on their own (--max-requests), so a HUP's
    // replacement can become ready for a slot whose worker has already
    // retired, or one that is being respawned.
    let server = Server::start(&["--workers", "2", "--max-requests", "200"]);
    let (stop, handles) = start_load(server.addr, 16);
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(150));
        Server::signal(server.pid(), "HUP");
    }
    std::thread::sleep(Duration::from_millis(500));
    let tally = finish_load(stop, handles);
    eprintln!("HUP while recycling: {} ok, {} with Connection: close", tally.ok, tally.closing);
    assert!(tally.errors.is_empty(), "{:#?}", tally.errors);
    assert!(tally.refused_at.is_empty(), "{} connections refused or reset", tally.refused_at.len());
    assert!(tally.ok > 1000, "the load ran: {tally:?}");
    // Once the rolls and the recycling are over, two workers serve and the
    // master sleeps in poll: it uses (almost) no CPU in a second.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.workers().len() != 2 {
        assert!(Instant::now() < deadline, "workers: {:?}", server.workers());
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(server.pid()) - before;
    assert!(used <= 5, "the master used {used} ticks of CPU in 1 s while idle");
    assert_eq!(server.get("/hello").status, 200);
}

#[test]
fn a_worker_killed_with_sigkill_is_replaced_within_a_second() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "2"]);
    let before = server.workers();
    let victim = before[0];
    let killed = Instant::now();
    Server::signal(victim, "KILL");
    loop {
        let now = server.workers();
        if now.len() == 2 && !now.contains(&victim) {
            break;
        }
        assert!(killed.elapsed() < Duration::from_secs(1), "not replaced within 1 s: {now:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
    let replaced = killed.elapsed();
    server.wait_ready(3, Duration::from_secs(1));
    eprintln!("replaced in {replaced:?}");
    assert!(server.logs().iter().any(|l| l.contains(&format!("(pid {victim}) died (signal 9 (KILL)); replacing it"))));
    for _ in 0..20 {
        assert_eq!(server.get("/hello").body, b"Hello, World!");
    }
}

#[test]
fn quit_and_int_stop_gracefully_too() {
    let _serial = common::serial();
    for signal in ["QUIT", "INT"] {
        let mut server = Server::start(&["--workers", "2"]);
        let in_flight = InFlight::start(&server, 7);
        Server::signal(server.pid(), signal);
        std::thread::sleep(Duration::from_millis(200));
        in_flight.complete();
        assert_eq!(server.wait_exit(Duration::from_secs(10)).unwrap().code(), Some(0), "{signal}");
    }
}

#[test]
fn graceful_timeout_and_a_second_term_kill_the_stragglers() {
    let _serial = common::serial();
    // A request that never completes holds a worker past the timeout.
    let mut server = Server::start(&["--workers", "1", "--graceful-timeout", "1"]);
    let _stuck = InFlight::start(&server, 1);
    let t = Instant::now();
    Server::signal(server.pid(), "TERM");
    let status = server.wait_exit(Duration::from_secs(5)).expect("exit after the graceful timeout");
    assert_eq!(status.code(), Some(1));
    assert!(t.elapsed() >= Duration::from_millis(900), "{:?}", t.elapsed());

    let mut server = Server::start(&["--workers", "1", "--graceful-timeout", "30"]);
    let _stuck = InFlight::start(&server, 2);
    Server::signal(server.pid(), "TERM");
    server.wait_log("stopping gracefully", Duration::from_secs(5));
    let t = Instant::now();
    Server::signal(server.pid(), "TERM");
    let status = server.wait_exit(Duration::from_secs(5)).expect("a second TERM stops at once");
    assert_eq!(status.code(), Some(1));
    assert!(t.elapsed() < Duration::from_secs(2));
}
