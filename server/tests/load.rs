//! Load: 20,000 requests over 64 keep-alive connections in pipelined
//! batches, every response checked.

mod common;

use std::time::{Duration, Instant};

use common::{pipelined, Server};

const CONNECTIONS: usize = 64;
const REQUESTS: usize = 20_000;

#[test]
fn twenty_thousand_pipelined_requests_over_64_connections() {
    let _serial = common::serial();
    let server = Server::start(&["--workers", "2"]);
    let addr = server.addr;
    let started = Instant::now();
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|t| {
            std::thread::spawn(move || {
                let mut client = common::Client::connect(addr);
                // This connection's share, in batches of 1 to 16.
                let mine = REQUESTS / CONNECTIONS + usize::from(t < REQUESTS % CONNECTIONS);
                let mut done = 0;
                let mut batch = 1 + t % 16;
                while done < mine {
                    let n = batch.min(mine - done);
                    let targets: Vec<String> = (done..done + n)
                        .map(|i| if i % 3 == 0 { format!("/echo?c={t}&i={i}") } else { "/hello".into() })
                        .collect();
                    client.send(&pipelined(&targets));
                    for (k, target) in targets.iter().enumerate() {
                        let r = client.expect_response();
                        assert_eq!(r.status, 200, "connection {t}, request {}", done + k);
                        assert!(!r.closes());
                        if target == "/hello" {
                            assert_eq!(r.body, b"Hello, World!");
                        } else {
                            let j = r.json();
                            assert_eq!(j["target"], target.as_str());
                            assert_eq!(j["query"][1][1], (done + k).to_string());
                        }
                    }
                    done += n;
                    batch = batch % 16 + 1;
                }
                done
            })
        })
        .collect();
    let total: usize = threads.into_iter().map(|t| t.join().expect("a client thread failed")).sum();
    assert_eq!(total, REQUESTS);
    let elapsed = started.elapsed();
    eprintln!("{REQUESTS} requests over {CONNECTIONS} connections in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    // Nothing went wrong on the server's side either.
    assert!(!server.logs().iter().any(|l| l.contains("died")), "{:#?}", server.logs());
}
