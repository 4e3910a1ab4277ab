//! The one percent-decoder and -encoder of the Springbok workspace.
//!
//! `#![no_std]`, no allocation and no `unsafe` in its core: every decoder writes into a caller
//! buffer or rewrites a buffer in place, and returns the decoded length. The decoded output is
//! never longer than the input, so an output buffer as long as the input always suffices.
//!
//! Two decoding strictnesses, one function each:
//!
//! | function | `%` not followed by two hex digits | used by |
//! | --- | --- | --- |
//! | [`decode_strict_into`], [`decode_strict_in_place`] | error ([`DecodeError`] with the byte offset of the `%`) | the HTTP parser's PSGI `PATH_INFO` |
//! | [`decode_into`], [`decode_in_place`] | kept literally (WHATWG "percent-decode") | form-urlencoded |
//!
//! and, orthogonally, what a `+` means ([`Plus`]): a literal `+` (URL paths) or a space
//! (`application/x-www-form-urlencoded`). `+` is replaced in the same single pass as the `%XX`
//! escapes, so `%2B` decodes to `+`, never to a space.
//!
//! Encoding keeps the bytes of an [`EncodeSet`] and writes every other byte as `%XX` (upper-case
//! hex); see [`EncodeSet`] for the documented sets (WHATWG form serializer, RFC 3986 unreserved,
//! and the two WWW::Form::UrlEncoded builders).
//!
//! ```
//! use springbok_percent::{decode_into, decode_strict_into, ErrorKind, Plus};
//!
//! let mut out = [0u8; 32];
//! let n = decode_into(b"a+b%20c%zz", &mut out, Plus::Space).unwrap();
//! assert_eq!(&out[..n], b"a b c%zz");
//!
//! let err = decode_strict_into(b"/foo%2", &mut out, Plus::Literal).unwrap_err();
//! assert_eq!((err.kind(), err.offset()), (ErrorKind::Truncated, 4));
//! ```
//!
//! # Features
//! - `alloc`: `Cow`/`Vec`/`String` helpers (`decode`, `decode_strict`, `decode_append`, `encode`,
//!   `encode_append`).
//! - `std`: implies `alloc`, and lets `memchr` pick AVX2 at run time.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod decode;
mod encode;
mod error;
mod hex;
mod scan;
mod slot;

#[cfg(feature = "alloc")]
pub use decode::{decode, decode_append, decode_strict};
pub use decode::{
    decode_in_place, decode_into, decode_into_uninit, decode_strict_in_place, decode_strict_into, needs_decoding,
    validate_strict, Plus,
};
#[cfg(feature = "alloc")]
pub use encode::{encode, encode_append};
pub use encode::{encode_into, encode_into_uninit, encoded_len, EncodeSet};
pub use error::{DecodeError, ErrorKind, OutputTooSmall};
pub use hex::hex_value;
pub use scan::eq_bytes;
