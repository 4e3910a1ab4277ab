//! Zero-copy `application/x-www-form-urlencoded` parsing and building.
//!
//! - [`parse`] checks the [`Options`] limits (pair count, input bytes — exceeding one is an
//!   [`Error`], never a silent truncation), then yields `(Cow<[u8]>, Cow<[u8]>)` pairs,
//!   borrowed from the input when a key or value has no `+` and no `%`.
//! - Two splitting [`Mode`]s: [`Mode::Whatwg`] (default; `&` only, empty pieces skipped) and
//!   [`Mode::Perl`] (WWW::Form::UrlEncoded: `&` or `;`, one leading space dropped, empty pairs
//!   kept).
//! - Decoding is the workspace's one percent-decoder, `springbok-percent`: `+` → space and
//!   `%XX` in one pass (so `%2B` is `+`), invalid escapes kept literally, bytes out (no UTF-8
//!   check; NUL kept).
//! - [`parse_buffered`] decodes every part that needs it into one buffer (a form allocates at
//!   most once), and [`BufferedPairs::utf8`] gives the pairs as UTF-8 text
//!   (`Cow<str>`, invalid sequences replaced, as `form_urlencoded` does).
//! - `memchr` jumps between `&` (and `;`), `=`, `%` and `+`.
//! - [`build`] / [`Serializer`] / [`encode`] write forms in the WHATWG or the Perl [`Style`].
//!
//! ```
//! use springbok_form_urlencoded::{build, parse, Mode, Options, Style};
//!
//! let input = b"q=HTTP%3A%3ARequest&ie=UTF-8; x=1";
//! let whatwg: Vec<_> = parse(input, &Options::new()).unwrap().collect();
//! assert_eq!(whatwg.len(), 2); // `;` is data in WHATWG mode
//! assert_eq!(&*whatwg[0].1, b"HTTP::Request");
//! assert_eq!(&*whatwg[1].1, b"UTF-8; x=1");
//!
//! let perl: Vec<_> = parse(input, &Options::perl()).unwrap().collect();
//! assert_eq!(perl.len(), 3);
//! assert_eq!((&*perl[2].0, &*perl[2].1), (&b"x"[..], &b"1"[..]));
//!
//! assert_eq!(build([("q", "HTTP::Request")], Style::Whatwg), "q=HTTP%3A%3ARequest");
//! ```
// `unsafe` only for the SSE2 block scan of the splitter (split.rs), argued there.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod buffered;
mod build;
mod component;
mod error;
mod limits;
mod options;
mod pairs;
mod split;

pub use buffered::{parse_buffered, BufferedPairs, Utf8Pairs};
pub use build::{build, encode, encode_into, encode_into_uninit, encoded_len, Serializer, Style};
pub use component::{decode, decode_into, decode_into_uninit, decode_keep_plus};
pub use error::Error;
pub use options::{Mode, Options, DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PAIRS};
pub use pairs::{parse, parse_raw, Pairs};
pub use split::{RawPairs, RawPiece};
