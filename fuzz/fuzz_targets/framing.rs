//! Framing decisions on any parsed head: never panic, never both a
//! Content-Length and chunked framing from the same headers, one valid Host
//! at most, no body on CONNECT, and the same decisions whichever obs-fold
//! mode reported a folded field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{config, take};
use springbok_parser::framing::{self, Body, FramingConfig};
use springbok_parser::{ObsFold, ParserConfig, Status, EMPTY_HEADER};

/// The request's framing decision under `framing_config`, comparable across
/// obs-fold modes (header indices differ when folds are separate headers,
/// and so does the Upgrade span), or `None` when the head is not complete.
fn decision(config: &ParserConfig, buf: &[u8], framing_config: FramingConfig) -> Option<String> {
    let mut headers = [EMPTY_HEADER; 16];
    let Ok(Status::Complete(req)) = config.parse_request(buf, 0, &mut headers) else { return None };
    Some(match framing_config.request_info(&req) {
        Ok(i) => format!("{:?} {} {:?} {} {}", i.body, i.keep_alive, i.expect, i.upgrade.is_some(), i.connect),
        Err(e) => format!("{:?}", e.kind()),
    })
}

fuzz_target!(|data: &[u8]| {
    let ([flags, limits], buf) = take::<2>(data);
    let config = config(flags, limits);
    let mut framing_config = FramingConfig::new();
    framing_config.require_host = limits & 0x10 != 0;
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Complete(req)) = config.parse_request(buf, 0, &mut headers) {
        let count = |name: &[u8]| req.headers.iter().filter(|h| h.name.eq_ignore_ascii_case(name)).count();
        if let Ok(info) = framing_config.request_info(&req) {
            // Whatever is accepted is unambiguous.
            assert!(!(count(b"content-length") > 0 && count(b"transfer-encoding") > 0));
            if info.body == Body::Chunked {
                assert!(req.minor_version == 1 && count(b"content-length") == 0);
            }
            assert_ne!(info.body, Body::UntilClose);
            assert!(count(b"host") <= 1);
            if framing_config.require_host && req.minor_version == 1 {
                assert_eq!(count(b"host"), 1);
            }
            if info.connect {
                assert!(matches!(info.body, Body::None | Body::ContentLength(0)));
            }
            assert_eq!(framing::request_body(req.minor_version, req.headers).ok(), Some(info.body));
        }
    }
    // A folded field means the same as nameless continuation headers or as
    // one value with raw folds.
    let (mut continuation, mut span) = (config, config);
    continuation.obs_fold = ObsFold::Continuation;
    span.obs_fold = ObsFold::Span;
    if let (Some(a), Some(b)) = (decision(&continuation, buf, framing_config), decision(&span, buf, framing_config)) {
        assert_eq!(a, b);
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
