//! Streaming `multipart/form-data` parsing with bounded memory.
//!
//! * [`boundary()`] takes the boundary out of a `Content-Type` value.
//! * [`Parser`] is a sans-I/O push parser: give it the body in chunks of any
//!   size (one byte at a time works) and it returns [`Event`]s: a part starts
//!   (with its parsed headers), data, the part ends, the body ends.
//! * [`ContentDisposition`] parses a part's `Content-Disposition` the way
//!   browsers write it; [`Part::filename_star`] decodes `filename*`.
//! * [`HeaderParams`] splits any `Content-Type` or `Content-Disposition`
//!   value into its type and parameters by the RFC rules (a part's
//!   `charset`, python-multipart's `parse_options_header`).
//! * [`basename()`] strips the directory part of a client's file name.
//! * [`Limits`] bound everything; each limit is an error when exceeded.
//!   [`Options`] holds the opt-in behaviours (unfolding folded part headers).
//! * [`collect()`] and the [`collect`](mod@collect) module are the convenience layer: fields into memory, file parts
//!   streamed to a [`FileSink`] you supply.
//! * [`Builder`] writes a body (for clients and tests).
//!
//! # The calling loop
//!
//! [`Parser::feed`] parses from the start of the bytes it is given up to the
//! next event and returns `(consumed, event)`; the caller passes the rest
//! again until [`Event::NeedMore`], which means all of the input was consumed.
//!
//! ```
//! use springbok_multipart::{boundary, Event, Limits, Parser};
//!
//! let content_type = b"multipart/form-data; boundary=XyZ";
//! let body = b"--XyZ\r\n\
//!     Content-Disposition: form-data; name=\"greeting\"\r\n\r\n\
//!     hello\r\n\
//!     --XyZ\r\n\
//!     Content-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\n\
//!     Content-Type: text/plain\r\n\r\n\
//!     file body\r\n\
//!     --XyZ--\r\n";
//!
//! let mut parser = Parser::new(boundary(content_type)?, Limits::default())?;
//! let mut log = Vec::new();
//! for chunk in body.chunks(7) {            // any split works
//!     let mut rest = &chunk[..];
//!     loop {
//!         let (consumed, event) = parser.feed(rest)?;
//!         match event {
//!             Event::PartStart(part) => log.push(format!(
//!                 "start {} file={}",
//!                 String::from_utf8_lossy(&part.name().unwrap()),
//!                 part.is_file()
//!             )),
//!             Event::Data(d) => log.push(format!("data {:?}", String::from_utf8_lossy(d))),
//!             Event::PartEnd => log.push("end".into()),
//!             Event::End => { log.push("done".into()); break; }
//!             Event::NeedMore => break,
//!         }
//!         rest = &rest[consumed..];
//!     }
//! }
//! parser.finish()?; // errors if the close delimiter never came
//! assert_eq!(log.first().unwrap(), "start greeting file=false");
//! assert!(log.contains(&"start up file=true".to_string()));
//! assert_eq!(log.last().unwrap(), "done");
//! # Ok::<(), springbok_multipart::Error>(())
//! ```
//!
//! # Why a pull of `(consumed, event)`
//!
//! It is the shape that a C ABI (and the Perl XS and Ruby C glue above it)
//! drives most simply: no callbacks crossing the language boundary, no
//! closures capturing interpreter state, no re-entrancy. A C caller keeps a
//! pointer and a length, calls `feed`, advances by `consumed`, and switches on
//! a small event tag whose payload is a `(ptr, len)` slice — exactly
//! picohttpparser's style. Events borrow from the input or the parser, so
//! nothing is copied for the caller; the borrow ends before the next call.
//!
//! The parser consumes everything it is given: it never asks the caller to
//! keep bytes around. When a chunk ends with a possible delimiter prefix
//! (`\r`, `\r\n-`, `\r\n--bou`…), those few bytes (at most
//! `boundary.len() + 3`) are copied into the parser; if they turn out to be
//! data they come back as one [`Event::Data`] borrowed from the parser. All
//! other data slices borrow from the input.
//!
//! # Rules (RFC 2046, RFC 7578)
//!
//! * The delimiter is `CRLF--boundary`: the CRLF before a boundary belongs
//!   to the delimiter, not to the data. The first boundary may start the
//!   body (`--boundary`) or follow a preamble and a CRLF.
//! * After the boundary: optional transport padding (SP/HTAB) and CRLF, or
//!   `--` for the close delimiter. `CRLF--boundary` followed by any other
//!   byte (or by a single `-` and another byte) is data, as RFC 2046 treats
//!   a boundary-like string inside a part. Once SP, HTAB, CR or LF follows
//!   the boundary it is a delimiter, and anything but padding and CRLF is
//!   [`ErrorKind::MalformedDelimiter`]. CRLF is required: there is no
//!   bare-LF leniency, for boundary lines or part headers.
//! * The preamble and epilogue are skipped, bounded by
//!   [`Limits::max_preamble_bytes`] and [`Limits::max_epilogue_bytes`].
//! * Every error, and the events before it, are the same whatever the split
//!   into feeds. The offset of a size limit error is the first byte past
//!   the limit (a part's data up to it is handed out first), of a count
//!   limit error the start of the part one too many.
//! * Part headers are an HTTP header block, parsed by `springbok-parser`'s
//!   strict header-block parser. `Content-Disposition`, `Content-Type` and
//!   `Content-Transfer-Encoding` may each appear at most once; the first is
//!   validated with [`ContentDisposition::parse`] when the part starts.
//!   `Content-Transfer-Encoding` is passed through, never applied.
//! * Filenames are exposed raw (HTML escapes decoded, directories kept): the
//!   application must make them safe before using them as paths;
//!   [`basename()`] drops the directory part (RFC 7578 §4.2).
//! * Folded part header lines are an error unless
//!   [`Options::unfold_headers`] is set; then each fold becomes one SP.
//!
//! # Which quoting rule applies where
//!
//! | value | rule | API |
//! |---|---|---|
//! | `name`, `filename` of a `form-data` part | HTML's form-data encoding: a quoted value runs to the next `"`, backslashes are literal, `%22` `%0D` `%0A` are decoded (browsers write it so, and RFC 7578 §4.2 points to it) | [`Part::name`], [`Part::filename`], [`ContentDisposition`] |
//! | `filename*` of a `form-data` part | RFC 8187 ext-value, `UTF-8` or `ISO-8859-1`, decoded to UTF-8; never merged into `filename` | [`Part::filename_star`], [`ContentDisposition::filename_star`] |
//! | `boundary` | RFC 2046 `bchars`, token or quoted-string (a quoted-pair is rejected) | [`boundary()`] |
//! | any other parameter: a part's `charset`, `Content-Type` parameters, `Content-Disposition` outside form-data | RFC 9110 §5.6.6 token or quoted-string with quoted-pairs unescaped; RFC 8187 for `name*` parameters | [`HeaderParams`] |
//!
//! The two quoted-string rules give different results for the same bytes:
//! `filename="C:\dir.txt"` is `C:\dir.txt` by the form-data rule and
//! `C:dira.txt` by RFC 9110, which is why form-data names never go through
//! the RFC rule.
//!
//! # Performance
//!
//! The delimiter search is one `memchr::memmem` pass over each input byte;
//! after a miss only the tail that could start a delimiter (found with one
//! `memrchr` for CR) is held back, and on the next call only those bytes are
//! compared again, so the work is linear whatever the chunking.
//! [`Parser::bytes_examined`] reports it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod basename;
mod boundary;
mod build;
pub mod collect;
mod disposition;
mod error;
mod limits;
mod options;
mod params;
mod parser;
mod part;
mod syntax;

pub use basename::basename;
pub use boundary::{boundary, is_valid_boundary, MAX_BOUNDARY_LEN, MAX_CONTENT_TYPE_LEN};
pub use build::{BuildError, Builder};
pub use collect::{collect, FileSink};
pub use disposition::{ContentDisposition, FilenameStar};
pub use error::{Error, ErrorKind};
pub use limits::Limits;
pub use options::Options;
pub use params::{HeaderParams, Param, Params};
pub use parser::{Event, Parser};
pub use part::Part;
