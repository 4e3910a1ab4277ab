//! Request parsing under a random configuration: never panics, results stay
//! inside the input, and parsing incrementally (a prefix, then the whole
//! buffer with `last_len`) gives the one-shot result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{assert_incremental_agrees, config, take};
use springbok_parser::{Header, Status, EMPTY_HEADER};

fn owned(r: &Result<Status<springbok_parser::Request<'_, '_>>, springbok_parser::Error>) -> String {
    format!("{r:?}")
}

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, split], buf) = take::<3>(data);
    let config = config(flags, limits);
    let mut headers = [EMPTY_HEADER; 16];
    let whole = config.parse_request(buf, 0, &mut headers);
    if let Ok(Status::Complete(r)) = &whole {
        assert!(r.head_len <= buf.len() && r.head_len <= config.max_head_bytes);
        assert!(!r.method.is_empty() && r.target.len() <= config.max_target_len);
        assert!(r.minor_version <= 1);
        // The target's form fits the method (RFC 9112 §3.2).
        let connect = r.method == b"CONNECT";
        match r.target {
            [b'/', ..] => assert!(!connect),
            b"*" => assert!(r.method == b"OPTIONS" || config.allow_asterisk_form_any_method),
            _ if connect => assert!(r.target.iter().all(|&b| b != b'/') && r.target.contains(&b':')),
            t => assert!(t[0].is_ascii_alphabetic() && t.contains(&b':')),
        }
        // Brackets only around the host of an authority.
        if !config.allow_loose_target {
            if let Some(open) = r.target.iter().position(|&b| b == b'[') {
                let before = &r.target[..open];
                assert!((open == 0 && connect) || before.ends_with(b"//") || before.ends_with(b"@"));
            }
        }
        for h in r.headers {
            check(buf, h);
        }
    }
    let whole = owned(&whole);
    // Incremental: the prefix must be partial (or fail), then the whole
    // buffer with the hint must give the same answer as one shot.
    let k = usize::from(split) * buf.len() / 256;
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Partial) = config.parse_request(&buf[..k], 0, &mut headers) {
        let mut headers = [EMPTY_HEADER; 16];
        let again = config.parse_request(buf, k, &mut headers);
        assert_incremental_agrees(&owned(&again), &whole);
    }
});

fn check(buf: &[u8], h: &Header<'_>) {
    let range = buf.as_ptr_range();
    for s in [h.name, h.value] {
        assert!(s.is_empty() || (range.start <= s.as_ptr() && s.as_ptr_range().end <= range.end));
    }
    assert!(!matches!(h.value.first(), Some(b' ' | b'\t')));
    assert!(!matches!(h.value.last(), Some(b' ' | b'\t')));
}
