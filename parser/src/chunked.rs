//! In-place decoder for the chunked transfer coding (RFC 9112 §7.1), with
//! picohttpparser's `phr_decode_chunked` contract: decoded data is written
//! over the input at the front of the same buffer, any byte split of the
//! input gives the same result, and the bytes after the message are
//! reported.
//!
//! Strict: hex sizes with overflow detection; chunk extensions checked
//! against the RFC grammar (token or quoted-string values) and a length
//! limit; CRLF required after each size line and each chunk's data (a bare
//! LF is an error everywhere); trailers held to the crate's header-block
//! grammar, whether kept or discarded. Bounded: a body-size limit, a trailer-size limit, and a guard
//! against floods of tiny chunks whose framing outweighs their data.
//!
//! ```
//! use springbok_parser::chunked::{ChunkedDecoder, ChunkedConfig};
//!
//! let mut buf = *b"5\r\nhello\r\n6;lang=en\r\n world\r\n0\r\n\r\nNEXT";
//! let mut decoder = ChunkedDecoder::new(ChunkedConfig::new());
//! let d = decoder.decode(&mut buf).unwrap();
//! assert!(d.complete);
//! assert_eq!(&buf[..d.data], b"hello world");
//! // The empty trailer section, then the bytes after the message.
//! assert_eq!(&buf[d.data..d.data + d.trailer], b"\r\n");
//! assert_eq!(&buf[d.data + d.trailer..d.data + d.trailer + d.leftover], b"NEXT");
//! ```

use core::fmt;
use core::mem::MaybeUninit;

use crate::class::{self, TCHAR, VALUE};
use crate::{Error, Header, ParserConfig, Status};

/// What to do with the trailer section that follows the last chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Trailers {
    /// Parse it with the header-block parser and keep its bytes after the
    /// decoded data, so [`ChunkedDecoder::trailers`] can hand out the
    /// fields. While the section is incomplete its bytes are *not* consumed:
    /// see [`Decoded::trailer`].
    #[default]
    Keep,
    /// Consume it as it arrives, checking it as [`Trailers::Keep`] does
    /// (the header-block grammar of a strict [`ParserConfig`], at most
    /// [`MAX_KEPT_TRAILERS`] fields, the size limit) without keeping it:
    /// picohttpparser's `consume_trailer = 1`, which checks nothing but the
    /// line ends. Lines must end in CRLF
    /// ([`ChunkedErrorKind::InvalidLineEnding`]); any other fault is
    /// [`ChunkedErrorKind::InvalidTrailers`] with the parser's error kind.
    Discard,
    /// Stop at its first byte: the section and everything after it are
    /// [`Decoded::leftover`]: picohttpparser's `consume_trailer = 0`.
    Leave,
}

/// Limits and options for a [`ChunkedDecoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ChunkedConfig {
    /// Upper bound on the decoded body, in bytes. Default: 1 GiB.
    pub max_body_bytes: u64,
    /// Upper bound on one size line's chunk extensions, in bytes (Node.js
    /// bounds these since CVE-2024-22019). Default: 1 KiB.
    pub max_extension_len: usize,
    /// The framing overhead guard: framing bytes (size lines, extensions,
    /// CRLFs) may exceed the data bytes decoded so far by at most this many.
    /// Legitimate senders use chunks far larger than their framing; a flood
    /// of 1-byte chunks trips it after a few thousand chunks. Default:
    /// 16 KiB.
    pub max_overhead: u64,
    /// Upper bound on the trailer section, in bytes, including its final
    /// empty line. Default: 8 KiB.
    pub max_trailer_bytes: usize,
    /// What to do with the trailer section. Default: [`Trailers::Keep`].
    pub trailers: Trailers,
}

impl ChunkedConfig {
    /// The default limits.
    pub const fn new() -> ChunkedConfig {
        ChunkedConfig {
            max_body_bytes: 1 << 30,
            max_extension_len: 1024,
            max_overhead: 16 * 1024,
            max_trailer_bytes: 8 * 1024,
            trailers: Trailers::Keep,
        }
    }

    fn trailer_parser(&self) -> ParserConfig {
        let mut c = ParserConfig::new();
        c.max_head_bytes = self.max_trailer_bytes;
        c
    }
}

impl Default for ChunkedConfig {
    fn default() -> Self {
        ChunkedConfig::new()
    }
}

/// Why a chunked body was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChunkedErrorKind {
    /// A size line without hex digits, or with a byte that is neither a hex
    /// digit, the start of an extension, nor CR.
    InvalidChunkSize,
    /// A chunk size that does not fit in 64 bits.
    ChunkSizeOverflow,
    /// A chunk extension that does not follow
    /// `*( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )`.
    InvalidExtension,
    /// A size line's extensions are longer than
    /// [`ChunkedConfig::max_extension_len`].
    ExtensionTooLong,
    /// A size line or trailer line ended without CRLF (bare LF, or CR not
    /// followed by LF).
    InvalidLineEnding,
    /// A chunk's data is not followed by CRLF.
    MissingDataCrlf,
    /// The decoded body would exceed [`ChunkedConfig::max_body_bytes`].
    BodyTooLarge,
    /// Framing bytes exceed the data by more than
    /// [`ChunkedConfig::max_overhead`].
    ExcessiveOverhead,
    /// The trailer section exceeds [`ChunkedConfig::max_trailer_bytes`].
    TrailersTooLarge,
    /// The trailer section is not a valid header block; the parser's error
    /// kind is in [`ChunkedError::trailer_error`].
    InvalidTrailers,
    /// [`ChunkedDecoder::decode`] was called again after an error.
    AfterError,
}

impl ChunkedErrorKind {
    /// The status a server should answer with: 413 when a size limit was
    /// hit, 400 otherwise.
    pub const fn status(self) -> u16 {
        match self {
            ChunkedErrorKind::BodyTooLarge => 413,
            ChunkedErrorKind::TrailersTooLarge => 431,
            _ => 400,
        }
    }
}

/// A chunked decoding error: its kind and the offset, in the buffer passed
/// to the failing call, of the offending byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkedError {
    kind: ChunkedErrorKind,
    offset: usize,
    trailer: Option<Error>,
}

impl ChunkedError {
    /// What went wrong.
    pub const fn kind(&self) -> ChunkedErrorKind {
        self.kind
    }

    /// Offset of the offending byte in the buffer of the failing call.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// For [`ChunkedErrorKind::InvalidTrailers`]: the header-block parser's
    /// error, with its offset relative to the trailer section's start. (For
    /// a discarded section, [`offset`](Self::offset) is that of the byte
    /// that decided the error, which may come after the offset here.)
    pub const fn trailer_error(&self) -> Option<Error> {
        self.trailer
    }

    /// Shorthand for `self.kind().status()`.
    pub const fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl fmt::Display for ChunkedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ChunkedErrorKind::InvalidChunkSize => "invalid chunk size",
            ChunkedErrorKind::ChunkSizeOverflow => "chunk size overflows",
            ChunkedErrorKind::InvalidExtension => "invalid chunk extension",
            ChunkedErrorKind::ExtensionTooLong => "chunk extension too long",
            ChunkedErrorKind::InvalidLineEnding => "line does not end with CRLF",
            ChunkedErrorKind::MissingDataCrlf => "chunk data not followed by CRLF",
            ChunkedErrorKind::BodyTooLarge => "chunked body too large",
            ChunkedErrorKind::ExcessiveOverhead => "chunk framing overhead too large",
            ChunkedErrorKind::TrailersTooLarge => "trailer section too large",
            ChunkedErrorKind::InvalidTrailers => "invalid trailer section",
            ChunkedErrorKind::AfterError => "decoder used after an error",
        };
        write!(f, "{what} at byte {}", self.offset)?;
        if let Some(e) = self.trailer {
            write!(f, " ({e} of the trailer section)")?;
        }
        Ok(())
    }
}

impl core::error::Error for ChunkedError {}

/// What one [`ChunkedDecoder::decode`] call produced. The buffer then holds,
/// in order: `data` decoded bytes, `trailer` trailer-section bytes, and
/// `leftover` bytes that follow the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decoded {
    /// Decoded body bytes, now at `buf[..data]`.
    pub data: usize,
    /// With [`Trailers::Keep`], trailer-section bytes at
    /// `buf[data..data + trailer]`. When `complete` is false and this is not
    /// zero, these bytes were **not consumed**: pass them again, at the
    /// start of the next call's buffer, followed by the new input.
    pub trailer: usize,
    /// When `complete`: bytes after the end of the message (a pipelined
    /// request, say), at `buf[data + trailer..data + trailer + leftover]`.
    pub leftover: usize,
    /// The message is complete (the last chunk and the trailer section were
    /// seen, or with [`Trailers::Leave`], the last chunk).
    pub complete: bool,
}

/// Where the decoder is: in framing bytes (one at a time), in a chunk's
/// data (copied in bulk), in a kept trailer section (parsed as a block), or
/// finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Framing(Framing),
    /// In a chunk's data.
    Data,
    /// In the trailer section ([`Trailers::Keep`]).
    TrailerBlock,
    Done,
    Failed,
}

/// The framing states, consumed one byte at a time by [`ChunkedDecoder::step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// Before the first hex digit of a size line.
    SizeStart,
    /// In the hex digits.
    Size,
    /// After the size or an extension value: BWS, then `;` or CR.
    ExtBws,
    /// After `;`: BWS, then an extension name.
    ExtNameStart,
    ExtName,
    /// After an extension name and BWS: `=`, `;` or (no BWS) CR.
    ExtAfterName,
    /// After `=`: BWS, then a token or quoted-string.
    ExtValueStart,
    ExtToken,
    ExtQuoted,
    ExtQuotedEscape,
    /// Right after a quoted-string's closing quote.
    ExtAfterQuoted,
    /// After a size line's CR.
    SizeLf,
    DataCr,
    DataLf,
    /// At the start of a trailer line ([`Trailers::Discard`]).
    TrailerLineStart,
    /// In a trailer field's name.
    TrailerName,
    /// Whitespace after the name: an error at its end whatever follows.
    TrailerNameWs,
    /// After the colon, in the OWS before the value.
    TrailerValueStart,
    TrailerValue,
    /// After a field line's CR.
    TrailerLineLf,
    /// After the CR of the empty line that ends the section.
    TrailerEndLf,
}

/// A resumable, in-place chunked-body decoder. See the [module
/// docs](self).
#[derive(Clone, Debug)]
pub struct ChunkedDecoder {
    config: ChunkedConfig,
    state: State,
    /// Size of the current chunk, then bytes of it still to copy.
    remaining: u64,
    /// Bytes of extensions on the current size line.
    ext_len: usize,
    /// Total decoded bytes.
    body: u64,
    /// Total framing bytes.
    overhead: u64,
    /// Trailer-section bytes seen so far.
    trailer_len: usize,
    /// [`Trailers::Discard`]: trailer fields seen so far.
    trailer_fields: usize,
    /// [`Trailers::Discard`]: the length of the current field's name, then
    /// of its value (from its first byte that is not OWS).
    field_len: usize,
    /// [`Trailers::Discard`]: the section offset where the current line
    /// starts, then where its value starts (what a limit error points at).
    field_mark: usize,
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub const fn new(config: ChunkedConfig) -> ChunkedDecoder {
        ChunkedDecoder {
            config,
            state: State::Framing(Framing::SizeStart),
            remaining: 0,
            ext_len: 0,
            body: 0,
            overhead: 0,
            trailer_len: 0,
            trailer_fields: 0,
            field_len: 0,
            field_mark: 0,
        }
    }

    /// Whether the decoder is inside a chunk's data, which is how
    /// picohttpparser's `phr_decode_chunked_is_in_data` reports that a
    /// connection closed mid-body.
    pub fn is_in_data(&self) -> bool {
        self.state == State::Data
    }

    /// Total decoded body bytes so far.
    pub fn body_len(&self) -> u64 {
        self.body
    }

    /// Whether the whole message has been decoded.
    pub fn is_complete(&self) -> bool {
        self.state == State::Done
    }

    /// The trailer fields of a completed message decoded with
    /// [`Trailers::Keep`]: pass `&buf[d.data..d.data + d.trailer]` from the
    /// final [`Decoded`] `d`. Header storage works as for
    /// [`ParserConfig::parse_headers`].
    pub fn trailers<'b, 'h>(
        &self,
        section: &'b [u8],
        headers: &'h mut [Header<'b>],
    ) -> Result<&'h [Header<'b>], Error> {
        match self.config.trailer_parser().parse_headers(section, 0, headers)? {
            Status::Complete(block) => Ok(block.headers),
            Status::Partial => Err(Error::new(crate::ErrorKind::HeadTooLarge, section.len())),
        }
    }

    fn fail(&mut self, kind: ChunkedErrorKind, offset: usize) -> ChunkedError {
        self.state = State::Failed;
        ChunkedError { kind, offset, trailer: None }
    }

    /// Decodes as much of `buf` as possible, in place. See [`Decoded`] for
    /// where the results are left.
    pub fn decode(&mut self, buf: &mut [u8]) -> Result<Decoded, ChunkedError> {
        let len = buf.len();
        let mut src = 0;
        let mut dst = 0;
        while src < len || matches!(self.state, State::Done | State::Failed) {
            match self.state {
                State::Data => {
                    let n = (len - src).min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
                    buf.copy_within(src..src + n, dst);
                    src += n;
                    dst += n;
                    self.remaining -= n as u64;
                    if self.remaining == 0 {
                        self.state = State::Framing(Framing::DataCr);
                    }
                }
                State::TrailerBlock => return self.trailer_block(buf, src, dst),
                State::Done => {
                    buf.copy_within(src..len, dst);
                    return Ok(Decoded { data: dst, trailer: 0, leftover: len - src, complete: true });
                }
                State::Failed => return Err(self.fail(ChunkedErrorKind::AfterError, src)),
                // Fast paths for the common shapes (a bare `hex CRLF` size
                // line, the CRLF after data); anything else, including a
                // line split across calls, takes the byte-at-a-time path,
                // which sees exactly the same bytes and state.
                State::Framing(Framing::SizeStart) => {
                    (src, dst) = self.whole_chunks(buf, src, dst);
                    if src == len {
                        break;
                    }
                    match self.size_line(&buf[src..], src)? {
                        Some(used) => src += used,
                        None => {
                            self.state = self.step(Framing::SizeStart, buf[src], src)?;
                            src += 1;
                        }
                    }
                }
                State::Framing(Framing::DataCr) if buf[src..].starts_with(b"\r\n") => {
                    src += 2;
                    self.overhead += 2;
                    self.state = State::Framing(Framing::SizeStart);
                }
                State::Framing(f) => {
                    self.state = self.step(f, buf[src], src)?;
                    src += 1;
                }
            }
        }
        Ok(Decoded { data: dst, trailer: 0, leftover: 0, complete: false })
    }

    /// The fast path over whole chunks, from a size line's start at
    /// `buf[src..]`: while a `1*HEXDIG CRLF` size line, all of its chunk's
    /// data and the CRLF after it are in the buffer, and the chunk is not
    /// the last, it moves the data to `dst` and goes on; returns where it
    /// stopped, at a size line's start. Anything else (extensions, a chunk
    /// cut short, the last chunk, a bad byte, a limit reached) stops it
    /// before that chunk, whose line the byte-at-a-time path then reads as
    /// it would have from the start, errors and offsets included. It keeps
    /// its counts in registers and carries no error value: a body of tiny
    /// chunks is mostly this loop.
    #[inline(never)]
    fn whole_chunks(&mut self, buf: &mut [u8], mut src: usize, mut dst: usize) -> (usize, usize) {
        let len = buf.len();
        let (mut body, mut overhead) = (self.body, self.overhead);
        let (max_body, max_overhead) = (self.config.max_body_bytes, self.config.max_overhead);
        while let Some(line) = buf.get(src..) {
            let mut size: u64 = 0;
            let mut digits = 0;
            // Up to 15 digits, which cannot overflow; a 16th is the slow
            // path's to judge.
            while digits < 15 {
                let Some(&b) = line.get(digits) else { break };
                let d = HEX[usize::from(b)];
                if d > 15 {
                    break;
                }
                size = size << 4 | u64::from(d);
                digits += 1;
            }
            if size == 0 || line.get(digits..digits + 2) != Some(b"\r\n") {
                break;
            }
            let data = src + digits + 2;
            let Some(next) = usize::try_from(size).ok().and_then(|n| data.checked_add(n)?.checked_add(2)) else {
                break;
            };
            if next > len || buf[next - 2..next] != *b"\r\n" || size > max_body - body {
                break;
            }
            let line_overhead = overhead + digits as u64 + 2;
            if line_overhead > (body + size).saturating_add(max_overhead) {
                break;
            }
            let n = next - 2 - data;
            move_data(buf, data, dst, n);
            body += size;
            overhead = line_overhead + 2;
            src = next;
            dst += n;
        }
        (self.body, self.overhead) = (body, overhead);
        (src, dst)
    }

    /// The fast path for a size line that is all here and has no
    /// extensions: `1*HEXDIG CRLF` at the start of `input` (at offset `at`
    /// of the call's buffer). Returns the bytes it consumed, or `None` to
    /// leave the line to [`step`](Self::step) (extensions, a line split
    /// across calls, or an invalid byte, which `step` reports).
    #[inline]
    fn size_line(&mut self, input: &[u8], at: usize) -> Result<Option<usize>, ChunkedError> {
        let mut size: u64 = 0;
        let mut digits = 0;
        while let Some(d) = input.get(digits).copied().and_then(hex) {
            if size >> 60 != 0 {
                return Err(self.fail(ChunkedErrorKind::ChunkSizeOverflow, at + digits));
            }
            size = size << 4 | u64::from(d);
            digits += 1;
        }
        if digits == 0 || input.get(digits..digits + 2) != Some(b"\r\n") {
            return Ok(None);
        }
        self.overhead += digits as u64 + 2;
        self.remaining = size;
        self.state = self.size_line_done(at + digits + 1)?;
        Ok(Some(digits + 2))
    }

    /// One byte of framing (size lines, data CRLF, discarded trailers):
    /// returns the next state.
    #[inline]
    fn step(&mut self, state: Framing, b: u8, at: usize) -> Result<State, ChunkedError> {
        use ChunkedErrorKind as K;
        self.overhead += 1;
        let is_ws = b == b' ' || b == b'\t';
        Ok(State::Framing(match state {
            Framing::SizeStart | Framing::Size => match hex(b) {
                Some(d) => {
                    if self.remaining >> 60 != 0 {
                        return Err(self.fail(K::ChunkSizeOverflow, at));
                    }
                    self.remaining = self.remaining << 4 | u64::from(d);
                    Framing::Size
                }
                None if state == Framing::SizeStart => return Err(self.fail(K::InvalidChunkSize, at)),
                None if b == b'\r' => Framing::SizeLf,
                None if b == b';' || is_ws => {
                    self.ext_len = 0;
                    if b == b';' {
                        Framing::ExtNameStart
                    } else {
                        Framing::ExtBws
                    }
                }
                None => return Err(self.fail(K::InvalidChunkSize, at)),
            },
            ext @ (Framing::ExtBws
            | Framing::ExtNameStart
            | Framing::ExtName
            | Framing::ExtAfterName
            | Framing::ExtValueStart
            | Framing::ExtToken
            | Framing::ExtQuoted
            | Framing::ExtQuotedEscape
            | Framing::ExtAfterQuoted) => {
                self.ext_len += 1;
                if self.ext_len > self.config.max_extension_len {
                    return Err(self.fail(K::ExtensionTooLong, at));
                }
                match extension(ext, b) {
                    Some(next) => next,
                    None => return Err(self.fail(K::InvalidExtension, at)),
                }
            }
            Framing::SizeLf => {
                if b != b'\n' {
                    return Err(self.fail(K::InvalidLineEnding, at));
                }
                return self.size_line_done(at);
            }
            Framing::DataCr if b == b'\r' => Framing::DataLf,
            Framing::DataLf if b == b'\n' => Framing::SizeStart,
            Framing::DataCr | Framing::DataLf => return Err(self.fail(K::MissingDataCrlf, at)),
            trailer => {
                self.trailer_len += 1;
                if self.trailer_len > self.config.max_trailer_bytes {
                    return Err(self.fail(K::TrailersTooLarge, at));
                }
                return self.discarded_trailer(trailer, b, at);
            }
        }))
    }

    /// One byte of a trailer section that [`Trailers::Discard`] consumes,
    /// the `self.trailer_len`-th: the header-block grammar (as
    /// [`ParserConfig::parse_headers`] applies it with the strict default
    /// configuration) one byte at a time. Returns the next state.
    fn discarded_trailer(&mut self, state: Framing, b: u8, at: usize) -> Result<State, ChunkedError> {
        use crate::ErrorKind as E;
        let here = self.trailer_len - 1;
        let limits = self.config.trailer_parser();
        let is_ws = b == b' ' || b == b'\t';
        let next = match state {
            Framing::TrailerLineStart => match b {
                b'\r' => Framing::TrailerEndLf,
                b'\n' => return Err(self.fail(ChunkedErrorKind::InvalidLineEnding, at)),
                _ if is_ws && self.trailer_fields == 0 => {
                    return Err(self.bad_trailer(E::WhitespaceBeforeFirstHeader, here, at))
                }
                _ if is_ws => return Err(self.bad_trailer(E::ObsFold, here, at)),
                _ if !class::is(b, TCHAR) => return Err(self.bad_trailer(E::HeaderName, here, at)),
                _ => {
                    self.trailer_fields += 1;
                    if self.trailer_fields > MAX_KEPT_TRAILERS {
                        return Err(self.bad_trailer(E::TooManyHeaders, here, at));
                    }
                    self.field_mark = here;
                    self.field_len = 1;
                    Framing::TrailerName
                }
            },
            Framing::TrailerName if class::is(b, TCHAR) => {
                self.field_len += 1;
                if self.field_len > limits.max_name_len {
                    return Err(self.bad_trailer(E::HeaderNameTooLong, self.field_mark, at));
                }
                Framing::TrailerName
            }
            Framing::TrailerName if b == b':' => Framing::TrailerValueStart,
            Framing::TrailerName if is_ws => Framing::TrailerNameWs,
            Framing::TrailerNameWs if is_ws => Framing::TrailerNameWs,
            Framing::TrailerName | Framing::TrailerNameWs => {
                let name_end = self.field_mark + self.field_len;
                let kind =
                    if state == Framing::TrailerNameWs && b == b':' { E::SpaceBeforeColon } else { E::HeaderName };
                return Err(self.bad_trailer(kind, name_end, at));
            }
            Framing::TrailerValueStart if is_ws => Framing::TrailerValueStart,
            Framing::TrailerValueStart | Framing::TrailerValue if b == b'\r' => Framing::TrailerLineLf,
            Framing::TrailerValueStart | Framing::TrailerValue if b == b'\n' => {
                return Err(self.fail(ChunkedErrorKind::InvalidLineEnding, at))
            }
            Framing::TrailerValueStart | Framing::TrailerValue if class::is(b, VALUE) => {
                if state == Framing::TrailerValueStart {
                    self.field_mark = here;
                    self.field_len = 0;
                }
                self.field_len += 1;
                if self.field_len > limits.max_value_len {
                    return Err(self.bad_trailer(E::HeaderValueTooLong, self.field_mark, at));
                }
                Framing::TrailerValue
            }
            Framing::TrailerValueStart | Framing::TrailerValue => {
                return Err(self.bad_trailer(E::HeaderValue, here, at))
            }
            Framing::TrailerLineLf if b == b'\n' => Framing::TrailerLineStart,
            Framing::TrailerEndLf if b == b'\n' => return Ok(State::Done),
            _ => return Err(self.fail(ChunkedErrorKind::InvalidLineEnding, at)),
        };
        Ok(State::Framing(next))
    }

    /// [`ChunkedErrorKind::InvalidTrailers`] for a discarded section: the
    /// parser's error `kind` at `offset` in the section, decided by the byte
    /// at `at` in the call's buffer.
    fn bad_trailer(&mut self, kind: crate::ErrorKind, offset: usize, at: usize) -> ChunkedError {
        let mut e = self.fail(ChunkedErrorKind::InvalidTrailers, at);
        e.trailer = Some(Error::new(kind, offset));
        e
    }

    /// The LF of a size line: check the limits, then enter the chunk's data
    /// or, after the last chunk, the trailer section.
    fn size_line_done(&mut self, at: usize) -> Result<State, ChunkedError> {
        use ChunkedErrorKind as K;
        let size = self.remaining;
        if size > self.config.max_body_bytes - self.body {
            return Err(self.fail(K::BodyTooLarge, at));
        }
        self.body += size;
        if self.overhead > self.body.saturating_add(self.config.max_overhead) {
            return Err(self.fail(K::ExcessiveOverhead, at));
        }
        Ok(match (size, self.config.trailers) {
            (0, Trailers::Keep) => State::TrailerBlock,
            (0, Trailers::Discard) => State::Framing(Framing::TrailerLineStart),
            (0, Trailers::Leave) => State::Done,
            _ => State::Data,
        })
    }

    /// [`Trailers::Keep`]: the trailer section is `buf[src..]`, which starts
    /// with the bytes an earlier call left unconsumed.
    fn trailer_block(&mut self, buf: &mut [u8], src: usize, dst: usize) -> Result<Decoded, ChunkedError> {
        let section = &buf[src..];
        let mut storage = [const { MaybeUninit::<Header<'_>>::uninit() }; MAX_KEPT_TRAILERS];
        let seen = self.trailer_len.min(section.len());
        let parsed = self.config.trailer_parser().parse_headers_uninit(section, seen, &mut storage);
        let len = buf.len();
        match parsed {
            Ok(Status::Complete(block)) => {
                let block_len = block.len;
                buf.copy_within(src..len, dst);
                self.state = State::Done;
                Ok(Decoded { data: dst, trailer: block_len, leftover: len - src - block_len, complete: true })
            }
            Ok(Status::Partial) => {
                buf.copy_within(src..len, dst);
                self.trailer_len = len - src;
                Ok(Decoded { data: dst, trailer: len - src, leftover: 0, complete: false })
            }
            Err(e) => {
                let kind = if e.kind() == crate::ErrorKind::HeadTooLarge {
                    ChunkedErrorKind::TrailersTooLarge
                } else {
                    ChunkedErrorKind::InvalidTrailers
                };
                let mut err = self.fail(kind, src + e.offset());
                err.trailer = Some(e);
                Err(err)
            }
        }
    }
}

/// How many trailer fields [`Trailers::Keep`] accepts.
pub const MAX_KEPT_TRAILERS: usize = 64;

/// Moves `buf[src..src + n]` to `dst` (`dst <= src`): a chunk's data
/// between framing. Up to 32 bytes it loads both ends of the data in words
/// before it stores them (the two ranges may overlap), where `copy_within`
/// would be a call to `memmove`.
#[inline(always)]
fn move_data(buf: &mut [u8], src: usize, dst: usize, n: usize) {
    #[inline(always)]
    fn words<const W: usize>(buf: &mut [u8], src: usize, dst: usize, n: usize) {
        let head: [u8; W] = buf[src..src + W].try_into().unwrap_or([0; W]);
        let tail: [u8; W] = buf[src + n - W..src + n].try_into().unwrap_or([0; W]);
        buf[dst..dst + W].copy_from_slice(&head);
        buf[dst + n - W..dst + n].copy_from_slice(&tail);
    }
    match n {
        16..=32 => words::<16>(buf, src, dst, n),
        8..=15 => words::<8>(buf, src, dst, n),
        4..=7 => words::<4>(buf, src, dst, n),
        _ => buf.copy_within(src..src + n, dst),
    }
}

/// Hex digit values, 0xFF for any other byte.
static HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(d) = hex(i as u8) {
            t[i] = d;
        }
        i += 1;
    }
    t
};

const fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The chunk-extension grammar, one byte at a time:
/// `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ) CRLF` with
/// `ext-val = token / quoted-string`. `None` means the byte is invalid here.
fn extension(state: Framing, b: u8) -> Option<Framing> {
    let ws = b == b' ' || b == b'\t';
    let tchar = class::is(b, TCHAR);
    Some(match state {
        Framing::ExtBws if ws => Framing::ExtBws,
        Framing::ExtBws if b == b';' => Framing::ExtNameStart,
        Framing::ExtNameStart if ws => Framing::ExtNameStart,
        Framing::ExtNameStart if tchar => Framing::ExtName,
        Framing::ExtName if tchar => Framing::ExtName,
        Framing::ExtName if b == b'\r' => Framing::SizeLf,
        Framing::ExtName | Framing::ExtAfterName if b == b';' => Framing::ExtNameStart,
        Framing::ExtName | Framing::ExtAfterName if b == b'=' => Framing::ExtValueStart,
        Framing::ExtName | Framing::ExtAfterName if ws => Framing::ExtAfterName,
        Framing::ExtValueStart if ws => Framing::ExtValueStart,
        Framing::ExtValueStart if b == b'"' => Framing::ExtQuoted,
        Framing::ExtValueStart if tchar => Framing::ExtToken,
        Framing::ExtToken if tchar => Framing::ExtToken,
        Framing::ExtToken if b == b'\r' => Framing::SizeLf,
        Framing::ExtToken if b == b';' => Framing::ExtNameStart,
        Framing::ExtToken if ws => Framing::ExtBws,
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
        Framing::ExtQuoted if b == b'"' => Framing::ExtAfterQuoted,
        Framing::ExtQuoted if b == b'\\' => Framing::ExtQuotedEscape,
        Framing::ExtQuoted if class::is(b, VALUE) => Framing::ExtQuoted,
        Framing::ExtQuotedEscape if class::is(b, VALUE) => Framing::ExtQuoted,
        Framing::ExtAfterQuoted if b == b'\r' => Framing::SizeLf,
        Framing::ExtAfterQuoted if b == b';' => Framing::ExtNameStart,
        Framing::ExtAfterQuoted if ws => Framing::ExtBws,
        _ => return None,
    })
}
