//! Response parsing under a random configuration: never panics, and the
//! incremental result equals the one-shot result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{assert_incremental_agrees, config, take};
use springbok_parser::{Status, EMPTY_HEADER};

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, split], buf) = take::<3>(data);
    let config = config(flags, limits);
    let mut headers = [EMPTY_HEADER; 16];
    let whole = config.parse_response(buf, 0, &mut headers);
    if let Ok(Status::Complete(r)) = &whole {
        assert!(r.head_len <= buf.len());
        assert!((100..=999).contains(&r.code));
        assert!(r.reason.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f)));
    }
    let whole = format!("{whole:?}");
    let k = usize::from(split) * buf.len() / 256;
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Partial) = config.parse_response(&buf[..k], 0, &mut headers) {
        let mut headers = [EMPTY_HEADER; 16];
        assert_incremental_agrees(&format!("{:?}", config.parse_response(buf, k, &mut headers)), &whole);
    }
});
