//! The demo page in a real browser: headless Chromium, driven through
//! chromedriver's W3C WebDriver HTTP API, loads `/`, submits the
//! urlencoded form and the multipart form (with a file), and the JSON the
//! browser shows is checked.
//!
//! Ignored in a plain `cargo test`: it needs Debian's `chromium` and
//! `chromium-driver`, which `server/ci` installs.

mod common;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Client, Server, TestDir};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The key W3C WebDriver uses for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver, started by the test and killed by PID on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
    session: String,
}

impl Driver {
    fn start(profile: &std::path::Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver { child, addr: ([127, 0, 0, 1], port).into(), session: String::new() };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect(driver.addr).is_ok() && driver.call("GET", "/status", None)["value"]["ready"] == true
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
        }}});
        let created = driver.call("POST", "/session", Some(caps));
        driver.session = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("{created}")).to_string();
        driver
    }

    /// One WebDriver command: the JSON answer.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let stream = TcpStream::connect(self.addr).expect("connect to chromedriver");
        let mut c = Client::from_stream(stream);
        c.stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        c.send(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                self.addr,
                body.len()
            )
            .as_bytes(),
        );
        let r = c.expect_response();
        serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.call(method, &format!("/session/{}{path}", self.session), body);
        assert!(v["value"].get("error").is_none(), "{method} {path}: {v}");
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let v = self.session_call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.session_call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session_call("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    fn script(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Waits for a page whose URL contains `part`, then returns the JSON
    /// document it shows.
    fn shown_json(&self, part: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.session_call("GET", "/url", None);
            let ready = self.script("return document.readyState");
            if url.as_str().unwrap_or("").contains(part) && ready == "complete" {
                break;
            }
            assert!(Instant::now() < deadline, "no page at {part}: {url}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = self.script("const pre = document.querySelector('pre'); return (pre || document.body).innerText");
        let text = text.as_str().unwrap();
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: the page shows {text:?}"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.call("DELETE", &format!("/session/{}", self.session), None)
            }));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pair_values<'a>(pairs: &'a Value, key: &str) -> Vec<&'a str> {
    pairs.as_array().unwrap().iter().filter(|p| p[0] == key).map(|p| p[1].as_str().unwrap()).collect()
}

#[test]
#[ignore = "needs chromium and chromium-driver: run by server/ci"]
fn chromium_submits_both_forms_of_the_demo_page() {
    let _serial = common::serial();
    let dir = TestDir::new("browser");
    let uploads = dir.path().join("uploads");
    std::fs::create_dir(&uploads).unwrap();
    let server = Server::start(&["--workers", "2", "--tmp-dir", uploads.to_str().unwrap()]);
    let base = format!("http://{}", server.addr);
    let driver = Driver::start(&dir.path().join("profile"));

    // The urlencoded form, with the name field changed.
    driver.go(&format!("{base}/"));
    assert_eq!(driver.script("return document.title"), "Springbok reference server");
    driver.type_into("#urlencoded input[name=name]", " & Chromium");
    driver.click("#send-urlencoded");
    let j = driver.shown_json("/echo?form=urlencoded");
    assert_eq!(j["method"], "POST");
    assert_eq!(j["query"], json!([["form", "urlencoded"]]));
    assert_eq!(j["env"]["psgi"]["CONTENT_TYPE"], "application/x-www-form-urlencoded");
    assert!(j["env"]["psgi"]["HTTP_USER_AGENT"].as_str().unwrap().contains("Chrome"));
    assert_eq!(j["body"]["kind"], "urlencoded");
    let form = &j["body"]["form"];
    assert_eq!(pair_values(form, "name"), ["Springbok & Chromium"]);
    assert_eq!(pair_values(form, "comment"), ["Fast & strict: a+b=c, 100%"]);
    assert_eq!(pair_values(form, "tags"), ["http", "rust"]);

    // The multipart form, with a file.
    let file = dir.path().join("springbok notes.txt");
    let content: Vec<u8> = (0..200_000u32).map(|i| b"springbok "[i as usize % 10]).collect();
    std::fs::write(&file, &content).unwrap();
    driver.go(&format!("{base}/"));
    driver.type_into("#multipart input[type=file]", file.to_str().unwrap());
    driver.click("#send-multipart");
    let j = driver.shown_json("/echo?form=multipart");
    assert_eq!(j["body"]["kind"], "multipart");
    assert!(j["env"]["psgi"]["CONTENT_TYPE"].as_str().unwrap().starts_with("multipart/form-data; boundary="));
    let parts = j["body"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!((parts[0]["name"].as_str(), parts[0]["value"].as_str()), (Some("title"), Some("An upload")));
    assert_eq!(parts[1]["name"], "files");
    assert_eq!(parts[1]["filename"], "springbok notes.txt");
    assert_eq!(parts[1]["content_type"], "text/plain");
    assert_eq!(parts[1]["size"], content.len());
    let digest: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(parts[1]["sha256"], digest);
    assert_eq!(parts[1]["stored"], "file");
}
