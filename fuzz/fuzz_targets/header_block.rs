//! Bare header-block parsing (trailers, multipart part heads), initialised
//! and uninitialised storage agreeing, incremental equal to one-shot.
#![no_main]

use core::mem::MaybeUninit;
use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{assert_incremental_agrees, config, take};
use springbok_parser::{Status, EMPTY_HEADER};

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, split], buf) = take::<3>(data);
    let config = config(flags, limits);
    let mut headers = [EMPTY_HEADER; 16];
    let whole = config.parse_headers(buf, 0, &mut headers);
    let mut uninit = [MaybeUninit::uninit(); 16];
    assert_eq!(whole, config.parse_headers_uninit(buf, 0, &mut uninit));
    if let Ok(Status::Complete(b)) = &whole {
        assert!(b.len <= buf.len() && b.len >= 1);
    }
    let whole = format!("{whole:?}");
    let k = usize::from(split) * buf.len() / 256;
    let mut headers = [EMPTY_HEADER; 16];
    if let Ok(Status::Partial) = config.parse_headers(&buf[..k], 0, &mut headers) {
        let mut headers = [EMPTY_HEADER; 16];
        assert_incremental_agrees(&format!("{:?}", config.parse_headers(buf, k, &mut headers)), &whole);
    }
});
