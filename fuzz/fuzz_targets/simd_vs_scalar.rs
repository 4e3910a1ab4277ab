//! Differential: every SIMD backend available on this CPU gives exactly the
//! scalar backend's result (parts, headers, lengths, error kind and offset)
//! for requests, responses and header blocks under any configuration, into
//! initialized and `MaybeUninit` header storage alike (the C ABI, the server
//! and the Python binding use the latter).
#![no_main]

use core::mem::MaybeUninit;
use libfuzzer_sys::fuzz_target;

use springbok_fuzz::{config, take};
use springbok_parser::simd::{force_backend, Backend};
use springbok_parser::EMPTY_HEADER;

fn all_results(config: &springbok_parser::ParserConfig, buf: &[u8]) -> String {
    let mut h1 = [EMPTY_HEADER; 16];
    let mut h2 = [EMPTY_HEADER; 16];
    let mut h3 = [EMPTY_HEADER; 16];
    let results = format!(
        "{:?}\n{:?}\n{:?}",
        config.parse_request(buf, 0, &mut h1),
        config.parse_response(buf, 0, &mut h2),
        config.parse_headers(buf, 0, &mut h3)
    );
    let mut u1 = [MaybeUninit::uninit(); 16];
    let mut u2 = [MaybeUninit::uninit(); 16];
    let mut u3 = [MaybeUninit::uninit(); 16];
    let uninit = format!(
        "{:?}\n{:?}\n{:?}",
        config.parse_request_uninit(buf, 0, &mut u1),
        config.parse_response_uninit(buf, 0, &mut u2),
        config.parse_headers_uninit(buf, 0, &mut u3)
    );
    assert_eq!(uninit, results, "MaybeUninit storage differs");
    results
}

fuzz_target!(|data: &[u8]| {
    let ([flags, limits], buf) = take::<2>(data);
    let config = config(flags, limits);
    assert!(force_backend(Backend::Scalar));
    let scalar = all_results(&config, buf);
    for backend in Backend::ALL {
        if backend != Backend::Scalar && force_backend(backend) {
            assert_eq!(all_results(&config, buf), scalar, "{backend:?} differs from scalar");
        }
    }
});
