//! The C ABI of Springbok: the library `springbok` (`libspringbok.a`,
//! `libspringbok.so`) and its header `include/springbok.h`.
//!
//! Two layers share one implementation:
//!
//! * **picohttpparser-compatible** ([`pico`]): [`sb_header`] has exactly the
//!   layout of `struct phr_header`, and [`pico::sb_parse_request`],
//!   [`pico::sb_parse_response`] and [`pico::sb_parse_headers`] have the
//!   signatures and return conventions of `phr_parse_request`,
//!   `phr_parse_response` and `phr_parse_headers` (-1 error, -2 partial,
//!   `last_len`, in/out `*num_headers`). They are strict (RFC 9112) unless
//!   the `_with_config` variants are used.
//!   `include/springbok/picohttpparser.h` maps the `phr_*` names onto them.
//!   [`chunked::sb_decode_chunked`] has `phr_decode_chunked`'s contract.
//! * **Extended** ([`config`], [`parse`], [`urlencoded`], [`multipart`],
//!   [`multipart_batch`], [`multipart_names`], [`header_params`], [`framing`],
//!   [`env`](mod@env), [`request_env`], [`response_head`]): rustls-ffi
//!   conventions — an [`sb_result`] code from every call, outputs written
//!   only on success, opaque types with `_new`/`_free`, error detail in
//!   [`sb_error`].
//!
//! Every exported function catches panics (`ptr::guard`), checks every
//! pointer and length and never aborts or reads out of bounds on any input.
//! Turning C pointers into Rust references happens only in the small
//! helpers of the private `ptr` module (`try_slice`, `try_mut`, `try_out`,
//! `zeroed`, …); the one other `unsafe` is the chunked decoder's state kept in the
//! caller's `struct sb_chunked_decoder` (`chunked.rs`).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

// A panic must unwind to the `catch_unwind` at the export boundary and
// become an error code; with `panic = "abort"` it would kill the host
// interpreter instead.
#[cfg(panic = "abort")]
compile_error!("springbok-ffi must be built with panic = \"unwind\": every export catches panics");

// Declared in the order the header lists them (cbindgen follows it).
pub mod error;

pub mod config;

pub mod pico;

pub mod parse;

pub mod chunked;

pub mod urlencoded;

pub mod urlencoded_cursor;

pub mod multipart;
pub mod multipart_batch;

pub mod multipart_names;

pub mod header_params;

pub mod framing;

pub mod env;

pub mod request_env;

pub mod response_head;

pub(crate) mod failure;

pub(crate) mod input;

pub(crate) mod ptr;

pub(crate) mod scratch;

pub use chunked::{sb_chunked_config, sb_chunked_decoder};
pub use config::sb_parser_config;
pub use env::{sb_env_pair, sb_env_sizes};
pub use error::{sb_error, sb_result};
pub use framing::{sb_body, sb_body_kind, sb_expect, sb_request_info};
pub use header_params::{sb_header_param, sb_header_params};
pub use multipart::{sb_multipart_config, sb_multipart_event, sb_multipart_parser};
pub use pico::sb_header;
pub use response_head::{sb_iovec, sb_response_head_info};
pub use urlencoded::{sb_urlencoded_pair, sb_urlencoded_pairs};
pub use urlencoded_cursor::sb_urlencoded_cursor;

use std::ffi::c_char;

/// The version of the Springbok library, as a static NUL-terminated string
/// (e.g. `"0.1.0"`). Never NULL; do not free it.
#[no_mangle]
pub extern "C" fn sb_version() -> *const c_char {
    ptr::guard(std::ptr::null(), || VERSION.as_ptr())
}

const VERSION: &std::ffi::CStr =
    match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("version string"),
    };
