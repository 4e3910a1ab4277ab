//! The shipped deployment files: Debian's Supervisor runs the program
//! section from `server/deploy/supervisor/` (start, graceful stop with a
//! request in flight, restart), and systemd accepts the unit in
//! `server/deploy/systemd/`.
//!
//! Ignored in a plain `cargo test`: they need `supervisor` and `systemd`
//! installed, which `server/ci` does.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, TestDir};

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy").join(file)
}

/// A supervisord run as a child of the test, with its own config and
/// socket in a temporary directory; stopped by PID on drop.
struct Supervisord {
    child: Child,
    config: PathBuf,
}

impl Supervisord {
    fn ctl(&self, args: &[&str]) -> String {
        let out = Command::new("supervisorctl").arg("-c").arg(&self.config).args(args).output().expect("supervisorctl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        eprintln!("supervisorctl {}: {}", args.join(" "), text.trim());
        text
    }

    /// Waits until `supervisorctl status` shows `state`.
    fn wait_state(&self, state: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.ctl(&["status", "springbok-server"]).contains(state) {
                return;
            }
            assert!(Instant::now() < deadline, "springbok-server not {state} within {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Supervisord {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            Server::signal(self.child.id() as i32, "TERM");
            let deadline = Instant::now() + Duration::from_secs(15);
            while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_serving(port: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let mut c = common::Client::from_stream(s);
            c.send(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            if let Ok(Some(r)) = c.response() {
                assert_eq!(r.body, b"Hello, World!");
                return;
            }
        }
        assert!(Instant::now() < deadline, "not serving on {port} within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs Debian's supervisor: run by server/ci"]
fn supervisor_runs_stops_gracefully_and_restarts_the_shipped_program() {
    let _serial = common::serial();
    let dir = TestDir::new("supervisor");
    let d = dir.path().display();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();

    // The shipped section, with only the binary's path and the port changed.
    let shipped = std::fs::read_to_string(deploy("supervisor/springbok-server.conf")).unwrap();
    assert!(shipped.contains("command=/usr/local/bin/springbok-server --bind 127.0.0.1:8080 "));
    let program = shipped
        .replace("/usr/local/bin/springbok-server", common::binary())
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
    std::fs::write(dir.path().join("springbok-server.conf"), program).unwrap();
    let config = dir.path().join("supervisord.conf");
    std::fs::write(
        &config,
        format!(
            "[unix_http_server]\nfile={d}/supervisor.sock\n\n\
             [supervisord]\nnodaemon=true\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\nchildlogdir={d}\n\n\
             [rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
             [supervisorctl]\nserverurl=unix://{d}/supervisor.sock\n\n\
             [include]\nfiles = {d}/springbok-server.conf\n"
        ),
    )
    .unwrap();
    let child = Command::new("supervisord")
        .arg("-c")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start supervisord");
    let sup = Supervisord { child, config };
    sup.wait_state("RUNNING", Duration::from_secs(20));
    wait_serving(port, Duration::from_secs(10));

    // A request in flight: its head is in (100 Continue), half its body sent.
    let mut c = common::Client::connect(([127, 0, 0, 1], port).into());
    let body = vec![b'x'; 100_000];
    c.send(
        format!("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n", body.len())
            .as_bytes(),
    );
    assert_eq!(c.expect_response().status, 100);
    c.send(&body[..50_000]);
    let config = sup.config.clone();
    let stopping = std::thread::spawn(move || {
        let out = Command::new("supervisorctl").arg("-c").arg(&config).args(["stop", "springbok-server"]).output();
        String::from_utf8_lossy(&out.unwrap().stdout).into_owned()
    });
    std::thread::sleep(Duration::from_millis(500));
    c.send(&body[50_000..]);
    let r = c.expect_response();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["body"]["bytes"], body.len());
    assert!(r.closes(), "the server is stopping");
    let stopped = stopping.join().unwrap();
    assert!(stopped.contains("springbok-server: stopped"), "{stopped}");
    sup.wait_state("STOPPED", Duration::from_secs(5));
    let log = std::fs::read_to_string(dir.path().join("supervisord.log")).unwrap();
    assert!(log.contains("stopped: springbok-server (exit status 0)"), "{log}");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "still listening after stop");

    // Restart brings it back serving, twice (from stopped, and while running).
    for _ in 0..2 {
        let out = sup.ctl(&["restart", "springbok-server"]);
        assert!(out.contains("springbok-server: started"), "{out}");
        wait_serving(port, Duration::from_secs(10));
    }
    let out = sup.ctl(&["shutdown"]);
    assert!(out.contains("Shut down"), "{out}");
    let mut sup = sup;
    let deadline = Instant::now() + Duration::from_secs(20);
    while sup.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "supervisord did not shut down");
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(dir.path().join("supervisord.log")).unwrap();
    assert_eq!(log.matches("(exit status 0)").count(), 3, "{log}");
}

#[test]
#[ignore = "needs systemd-analyze: run by server/ci"]
fn systemd_accepts_the_shipped_unit() {
    let dir = TestDir::new("systemd");
    let unit = std::fs::read_to_string(deploy("systemd/springbok-server.service")).unwrap();
    for line in ["KillMode=mixed", "KillSignal=SIGTERM", "TimeoutStopSec=40", "--graceful-timeout 30", "Type=exec"] {
        assert!(unit.contains(line), "{line}");
    }
    let path = dir.path().join("springbok-server.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/springbok-server", common::binary())).unwrap();
    let out = Command::new("systemd-analyze").arg("verify").arg(&path).output().expect("systemd-analyze");
    let text = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    // Other units on the machine may be reported; ours must not be.
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("springbok-server")).collect();
    assert!(out.status.success() || ours.is_empty(), "{text}");
    assert!(ours.is_empty(), "{text}");
}
