//! Framing decisions on any parsed head: never panic, and never both a
//! Content-Length and chunked framing from the same headers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{config, take};
use springbok_parser::framing::{self, Body};
use springbok_parser::{Status, EMPTY_HEADER};

fuzz_target!(|data: &[u8]| {
    let ([flags, limits], buf) = take::<2>(data);
    let config = config(flags, limits);
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Complete(req)) = config.parse_request(buf, 0, &mut headers) {
        let has = |name: &[u8]| req.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
        if let Ok(info) = framing::request_info(&req) {
            // Whatever is accepted is unambiguous.
            assert!(!(has(b"content-length") && has(b"transfer-encoding")));
            if info.body == Body::Chunked {
                assert!(req.minor_version == 1 && !has(b"content-length"));
            }
            assert_ne!(info.body, Body::UntilClose);
        }
    }
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Complete(resp)) = config.parse_response(buf, 0, &mut headers) {
        for method in [&b"GET"[..], b"HEAD", b"CONNECT"] {
            if let Ok(body) = framing::response_body(resp.minor_version, resp.code, resp.headers, method) {
                if method == b"HEAD" {
                    assert_eq!(body, Body::None);
                }
            }
        }
        let _ = framing::keep_alive(resp.minor_version, resp.headers);
    }
});
