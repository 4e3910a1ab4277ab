//! The sans-I/O push parser: a state machine over the body bytes.

use memchr::memmem;
use springbok_parser::ParserConfig;

use crate::boundary::is_valid_boundary;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::options::Options;
use crate::part::{parse_block, HeaderSpan, Part, PartMeta};

mod accounting;
#[cfg(test)]
mod tests;

/// What [`Parser::feed`] found.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// A part begins; its headers are parsed.
    PartStart(Part<'a>),
    /// A piece of the current part's data. It borrows from the input when it
    /// can, and from the parser for the few bytes it had to hold back across
    /// a feed (a possible delimiter that turned out to be data). A part's
    /// data may come in any number of pieces, including none.
    Data(&'a [u8]),
    /// The current part ended (its delimiter was seen).
    PartEnd,
    /// The close delimiter was seen: the body is complete. Returned once,
    /// before any epilogue byte is consumed; later calls consume (and bound)
    /// the epilogue and return `NeedMore`.
    End,
    /// Everything given was consumed (or held back, at most
    /// `boundary.len() + 4` bytes) without completing an event: feed more.
    NeedMore,
}

/// How many leading bytes of a search [`Parser::find_delimiter`] scans
/// for CR before it hands the rest to the SIMD searcher.
const NEAR: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Looking for the first delimiter; bytes are discarded.
    Preamble,
    /// In a part's data, looking for the next delimiter.
    Body,
    /// `CRLF--boundary` matched; the next byte decides.
    Boundary { in_body: bool },
    /// `CRLF--boundary-` matched; a second `-` makes it the close delimiter.
    Dash { in_body: bool },
    /// A delimiter: transport padding, then CR.
    Padding,
    /// A delimiter: the LF ending its line.
    PaddingLf,
    /// Collecting a part's header block.
    Headers,
    /// After the close delimiter.
    Epilogue,
}

/// Where the bytes of a data event are.
enum Src {
    Input(usize, usize),
    Held,
    Delimiter(usize),
}

/// An event without borrows, turned into an [`Event`] by `feed`.
enum Out {
    NeedMore,
    Data(Src),
    PartStart,
    PartEnd,
    End,
}

/// A streaming multipart parser for one body.
///
/// See the [crate documentation](crate) for the calling loop. Memory is
/// bounded: besides the boundary it holds at most `boundary.len() + 3`
/// undecided bytes between calls, and one part's header block (at most
/// [`Limits::max_header_bytes`], and as much again for unfolded values with
/// [`Options::unfold_headers`]).
#[derive(Debug)]
pub struct Parser {
    limits: Limits,
    header_cfg: ParserConfig,
    /// `CRLF--boundary-`: the delimiter and one more `-`, so that a
    /// delimiter candidate that turns out to be data can be handed out.
    delim: Box<[u8]>,
    /// Length of `CRLF--boundary`.
    dlen: usize,
    finder: memmem::Finder<'static>,
    /// Finds `CRLF CRLF`, the end of a part's header block.
    end_of_headers: memmem::Finder<'static>,
    state: State,
    /// Undecided bytes at the end of the last input: a proper prefix of the
    /// delimiter.
    carry: Vec<u8>,
    /// How many leading bytes of `carry` are the virtual CRLF before the
    /// body (the first delimiter has no CRLF in front of it).
    carry_virtual: usize,
    /// Virtual bytes in the delimiter just matched.
    delim_virtual: usize,
    /// Held-back bytes that turned out to be data, being handed out.
    held: Vec<u8>,
    /// `CRLF` followed by the part's header block so far.
    hbuf: Vec<u8>,
    spans: Vec<HeaderSpan>,
    meta: PartMeta,
    pos: u64,
    parts: usize,
    files: usize,
    fields: usize,
    part_bytes: u64,
    /// The current part's size limit: `max_file_bytes` or `max_field_bytes`.
    part_limit: u64,
    preamble: u64,
    padding: usize,
    epilogue: u64,
    /// [`Event::End`] has been returned (it is returned once).
    ended: bool,
    examined: u64,
    error: Option<Error>,
}

impl Parser {
    /// Creates a parser for a body delimited by `boundary` (without the
    /// leading `--`; see [`boundary()`](crate::boundary())).
    ///
    /// Fails with [`ErrorKind::InvalidBoundary`] unless the boundary is 1–70
    /// RFC 2046 `bchars` not ending in a space.
    pub fn new(boundary: &[u8], limits: Limits) -> Result<Parser, Error> {
        Parser::with_options(boundary, limits, Options::default())
    }

    /// Like [`new`](Self::new), with [`Options`] (for instance unfolding
    /// folded part headers).
    pub fn with_options(boundary: &[u8], limits: Limits, options: Options) -> Result<Parser, Error> {
        if !is_valid_boundary(boundary) {
            return Err(Error::new(ErrorKind::InvalidBoundary, 0));
        }
        let mut delim = Vec::with_capacity(boundary.len() + 5);
        delim.extend_from_slice(b"\r\n--");
        delim.extend_from_slice(boundary);
        let dlen = delim.len();
        let finder = memmem::Finder::new(&delim).into_owned();
        delim.push(b'-');
        let mut header_cfg = ParserConfig::new();
        header_cfg.max_head_bytes = limits.max_header_bytes;
        if options.unfold_headers {
            header_cfg.obs_fold = springbok_parser::ObsFold::Span;
        }
        let mut carry = Vec::with_capacity(dlen);
        carry.extend_from_slice(b"\r\n");
        Ok(Parser {
            limits,
            header_cfg,
            delim: delim.into_boxed_slice(),
            dlen,
            finder,
            end_of_headers: memmem::Finder::new(b"\r\n\r\n"),
            state: State::Preamble,
            carry,
            carry_virtual: 2,
            delim_virtual: 0,
            held: Vec::with_capacity(dlen),
            hbuf: Vec::new(),
            spans: Vec::new(),
            meta: PartMeta::default(),
            pos: 0,
            parts: 0,
            files: 0,
            fields: 0,
            part_bytes: 0,
            part_limit: 0,
            preamble: 0,
            padding: 0,
            epilogue: 0,
            ended: false,
            examined: 0,
            error: None,
        })
    }

    /// Parses from the start of `input` (the bytes not yet consumed) up to
    /// the next event, and returns how many bytes of `input` it consumed and
    /// the event. Call again with `&input[consumed..]`; when the event is
    /// [`Event::NeedMore`], all of `input` was consumed: read more.
    ///
    /// Every call either consumes at least one byte or returns an event
    /// other than `NeedMore`, so the loop always progresses. Consumed bytes
    /// never need to be kept. After an error every call returns the same
    /// error. The events before an error do not depend on the split either:
    /// when a part's data crosses [`Limits::max_field_bytes`] or
    /// [`Limits::max_file_bytes`], the bytes before the first byte past the
    /// limit come as [`Event::Data`] and the error with the next call.
    pub fn feed<'a>(&'a mut self, input: &'a [u8]) -> Result<(usize, Event<'a>), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        // Past the total limit, parse only up to it and fail when the byte
        // at the limit is needed: whatever the split, the bytes before it
        // give the same events and errors as without the limit.
        // (`NeedMore` consumes all it is given, so consuming less than
        // `input` then means the input was cut at the limit.)
        let allowed =
            if self.pos + input.len() as u64 > self.limits.max_total_bytes { self.up_to_limit(input) } else { input };
        let result = match self.advance(allowed) {
            Ok((n, Out::NeedMore)) if n < input.len() => {
                Err(Error::new(ErrorKind::BodyTooLarge, self.limits.max_total_bytes))
            }
            r => r,
        };
        let (n, out) = match result {
            Ok(r) => r,
            Err(e) => {
                self.error = Some(e);
                return Err(e);
            }
        };
        self.pos += n as u64;
        let event = match out {
            Out::NeedMore => Event::NeedMore,
            Out::Data(Src::Input(a, b)) => Event::Data(&input[a..b]),
            Out::Data(Src::Held) => Event::Data(&self.held),
            Out::Data(Src::Delimiter(len)) => Event::Data(&self.delim[..len]),
            Out::PartStart => Event::PartStart(Part::new(&self.hbuf[2..], &self.spans, &self.meta)),
            Out::PartEnd => Event::PartEnd,
            Out::End => Event::End,
        };
        Ok((n, event))
    }

    /// Tells the parser the body has ended: `Ok` if the close delimiter was
    /// seen, [`ErrorKind::Truncated`] (or the earlier error) otherwise.
    pub fn finish(&self) -> Result<(), Error> {
        match (self.error, self.state) {
            (Some(e), _) => Err(e),
            (None, State::Epilogue) => Ok(()),
            (None, _) => Err(Error::new(ErrorKind::Truncated, self.pos)),
        }
    }

    /// Whether the close delimiter has been seen.
    pub fn is_done(&self) -> bool {
        self.state == State::Epilogue && self.error.is_none()
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Parts started so far.
    pub fn part_count(&self) -> usize {
        self.parts
    }

    /// Bytes the parser currently holds: undecided carry-over plus the
    /// current part's header block. Never more than
    /// `boundary.len() + 4 + max_header_bytes + 2` (plus another
    /// `max_header_bytes` of unfolded values with
    /// [`Options::unfold_headers`]).
    pub fn buffered_bytes(&self) -> usize {
        self.carry.len() + self.held.len() + self.hbuf.len()
    }

    /// Bytes inspected by the delimiter search so far (each input byte once,
    /// plus at most two delimiter lengths per call for carry-over: the tail
    /// held back, and its comparison with the next input): a measure of work
    /// that stays linear in the input, whatever the split.
    pub fn bytes_examined(&self) -> u64 {
        self.examined
    }

    fn err(&self, kind: ErrorKind, at: usize) -> Error {
        Error::new(kind, self.pos + at as u64)
    }

    // One call site (`feed`); kept inline so that its result does not go
    // through memory on every call (callgrind: 1-byte feeds cost 22% more
    // instructions when it was outlined).
    #[inline(always)]
    fn advance(&mut self, input: &[u8]) -> Result<(usize, Out), Error> {
        let mut i = 0;
        loop {
            match self.state {
                State::Preamble | State::Body => {
                    let in_body = self.state == State::Body;
                    if !self.carry.is_empty() {
                        match self.extend_carry(&input[i..]) {
                            Carry::Matched(n) => {
                                i += n;
                                self.state = State::Boundary { in_body };
                                continue;
                            }
                            Carry::Partial => return Ok((input.len(), Out::NeedMore)),
                            Carry::Mismatch => {
                                let real = self.carry.len() - self.carry_virtual;
                                self.carry_virtual = 0;
                                if in_body {
                                    let len = self.count_data(real, i)?;
                                    core::mem::swap(&mut self.carry, &mut self.held);
                                    self.carry.clear();
                                    self.held.truncate(len);
                                    return Ok((i, Out::Data(Src::Held)));
                                }
                                self.carry.clear();
                                self.count_preamble(real, i)?;
                            }
                        }
                    }
                    self.held.clear();
                    self.hbuf.clear();
                    let rest = &input[i..];
                    if rest.is_empty() {
                        return Ok((i, Out::NeedMore));
                    }
                    let found = self.find_delimiter(rest);
                    // The search stops at the end of the first delimiter.
                    self.examined += found.map_or(rest.len(), |k| k + self.dlen) as u64;
                    if let Some(k) = found {
                        let start = i;
                        i += k + self.dlen;
                        self.delim_virtual = 0;
                        self.state = State::Boundary { in_body };
                        if in_body {
                            if k > 0 {
                                let len = self.count_data(k, start + k)?;
                                // Cut at the limit: consumed up to there.
                                let consumed = if len < k { start + len } else { i };
                                return Ok((consumed, Out::Data(Src::Input(start, start + len))));
                            }
                        } else {
                            self.count_preamble(k, start + k)?;
                        }
                        continue;
                    }
                    // No delimiter: hold back the longest suffix that is a
                    // prefix of it. Only the delimiter's first byte is CR, so
                    // that suffix starts at the last CR, if anywhere.
                    let tail = rest.len().saturating_sub(self.dlen - 1);
                    let keep = match memchr::memrchr(b'\r', &rest[tail..]) {
                        Some(r) if self.delim.starts_with(&rest[tail + r..]) => rest.len() - tail - r,
                        _ => 0,
                    };
                    self.examined += keep as u64;
                    let data = rest.len() - keep;
                    self.carry.extend_from_slice(&rest[data..]);
                    if in_body {
                        if data > 0 {
                            let len = self.count_data(data, i + data)?;
                            let consumed = if len < data { i + len } else { input.len() };
                            return Ok((consumed, Out::Data(Src::Input(i, i + len))));
                        }
                    } else {
                        self.count_preamble(data, i + data)?;
                    }
                    return Ok((input.len(), Out::NeedMore));
                }
                State::Boundary { in_body } => {
                    let Some(&b) = input.get(i) else {
                        return Ok((i, Out::NeedMore));
                    };
                    match b {
                        b'-' => {
                            i += 1;
                            self.state = State::Dash { in_body };
                        }
                        // LF is here so that a bare-LF boundary line is an
                        // error rather than silently data.
                        b' ' | b'\t' | b'\r' | b'\n' => {
                            self.state = State::Padding;
                            self.padding = 0;
                            if in_body {
                                return Ok((i, Out::PartEnd));
                            }
                        }
                        _ => {
                            if let Some(out) = self.not_a_delimiter(in_body, self.dlen, i)? {
                                return Ok((i, out));
                            }
                        }
                    }
                }
                State::Dash { in_body } => {
                    let Some(&b) = input.get(i) else {
                        return Ok((i, Out::NeedMore));
                    };
                    if b == b'-' {
                        i += 1;
                        self.state = State::Epilogue;
                        if in_body {
                            return Ok((i, Out::PartEnd));
                        }
                    } else if let Some(out) = self.not_a_delimiter(in_body, self.dlen + 1, i)? {
                        return Ok((i, out));
                    }
                }
                State::Padding => {
                    let rest = &input[i..];
                    let n = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
                    self.padding += n;
                    i += n;
                    if self.padding > self.limits.max_header_bytes {
                        let over = (self.padding - self.limits.max_header_bytes) as u64;
                        return Err(self.past_limit(ErrorKind::HeaderTooLarge, i, over));
                    }
                    match input.get(i) {
                        None => return Ok((i, Out::NeedMore)),
                        Some(b'\r') => {
                            i += 1;
                            self.state = State::PaddingLf;
                        }
                        Some(_) => return Err(self.err(ErrorKind::MalformedDelimiter, i)),
                    }
                }
                State::PaddingLf => match input.get(i) {
                    None => return Ok((i, Out::NeedMore)),
                    Some(b'\n') => {
                        i += 1;
                        if self.parts >= self.limits.max_parts {
                            return Err(self.err(ErrorKind::TooManyParts, i));
                        }
                        self.parts += 1;
                        self.hbuf.clear();
                        self.hbuf.extend_from_slice(b"\r\n");
                        self.state = State::Headers;
                    }
                    Some(_) => return Err(self.err(ErrorKind::MalformedDelimiter, i)),
                },
                State::Headers => {
                    let (n, done) = self.collect_headers(&input[i..], i)?;
                    i += n;
                    if !done {
                        return Ok((i, Out::NeedMore));
                    }
                    let block_offset = self.pos + i as u64 - (self.hbuf.len() - 2) as u64;
                    self.meta = parse_block(
                        &self.header_cfg,
                        self.limits.max_headers,
                        &mut self.hbuf,
                        2,
                        block_offset,
                        self.parts - 1,
                        &mut self.spans,
                    )?;
                    // Whether a part is a file is known once its headers
                    // are: a part one too many fails at its header block.
                    let (count, limit, kind) = if self.meta.is_file {
                        (&mut self.files, self.limits.max_files, ErrorKind::TooManyFiles)
                    } else {
                        (&mut self.fields, self.limits.max_fields, ErrorKind::TooManyFields)
                    };
                    if *count >= limit {
                        return Err(Error::new(kind, block_offset));
                    }
                    *count += 1;
                    self.part_bytes = 0;
                    self.part_limit =
                        if self.meta.is_file { self.limits.max_file_bytes } else { self.limits.max_field_bytes };
                    self.state = State::Body;
                    return Ok((i, Out::PartStart));
                }
                State::Epilogue => {
                    // `End` comes once, right after the close delimiter and
                    // before any epilogue byte, so it does not depend on how
                    // the body was split; the epilogue is then consumed (and
                    // bounded) like the preamble.
                    if !self.ended {
                        self.ended = true;
                        return Ok((i, Out::End));
                    }
                    let n = input.len() - i;
                    self.epilogue += n as u64;
                    if self.epilogue > self.limits.max_epilogue_bytes {
                        let over = self.epilogue - self.limits.max_epilogue_bytes;
                        return Err(self.past_limit(ErrorKind::EpilogueTooLarge, input.len(), over));
                    }
                    return Ok((input.len(), Out::NeedMore));
                }
            }
        }
    }

    /// A delimiter candidate of `len` bytes (the delimiter, maybe with one
    /// `-`) was followed by a byte that makes it data after all.
    fn not_a_delimiter(&mut self, in_body: bool, len: usize, at: usize) -> Result<Option<Out>, Error> {
        if in_body {
            self.state = State::Body;
            let len = self.count_data(len, at)?;
            Ok(Some(Out::Data(Src::Delimiter(len))))
        } else {
            self.state = State::Preamble;
            self.count_preamble(len - self.delim_virtual, at)?;
            Ok(None)
        }
    }

    /// Where the first delimiter in `rest` starts. A field's value is usually
    /// a few bytes long, and a plain scan for the delimiter's CR finds its
    /// end sooner than the SIMD searcher can start; past the first
    /// [`NEAR`] bytes the searcher takes over.
    #[inline]
    fn find_delimiter(&self, rest: &[u8]) -> Option<usize> {
        let delim = &self.delim[..self.dlen];
        let near = rest.len().min(NEAR);
        let mut from = 0;
        while let Some(k) = memchr::memchr(b'\r', &rest[from..near]) {
            let at = from + k;
            match rest.get(at..at + self.dlen) {
                Some(candidate) if candidate == delim => return Some(at),
                Some(_) => from = at + 1,
                // No delimiter fits from here on.
                None => return None,
            }
        }
        if near == rest.len() {
            return None;
        }
        self.finder.find(&rest[near..]).map(|k| near + k)
    }

    /// Compares the start of `rest` with what the carry still needs to
    /// become a delimiter.
    fn extend_carry(&mut self, rest: &[u8]) -> Carry {
        let m = self.carry.len();
        let need = self.dlen - m;
        let n = need.min(rest.len());
        self.examined += n as u64;
        if rest[..n] != self.delim[m..m + n] {
            return Carry::Mismatch;
        }
        if n == need {
            self.delim_virtual = self.carry_virtual;
            self.carry_virtual = 0;
            self.carry.clear();
            Carry::Matched(n)
        } else {
            self.carry.extend_from_slice(rest);
            Carry::Partial
        }
    }

    /// Appends header-block bytes from `rest` up to the end of the block
    /// (`CRLF CRLF`, counting the CRLF that ended the boundary line) and
    /// returns how many were taken and whether the block is complete.
    // One call site, run once per feed in a header block: inline, as for
    // `advance`.
    #[inline(always)]
    fn collect_headers(&mut self, rest: &[u8], at: usize) -> Result<(usize, bool), Error> {
        let room = (self.limits.max_header_bytes + 2).saturating_sub(self.hbuf.len());
        let window = &rest[..rest.len().min(room)];
        // A terminator straddling the old bytes and the new ones: it ends
        // at byte 1, 2 or 3 of the window (the old bytes never hold one).
        // `joined`: the last (up to) 3 old bytes, then the first (up to) 3
        // new ones; a terminator ending at new byte n ends at joined[k + n].
        let old = &self.hbuf[..];
        let (k, w) = (old.len().min(3), window.len().min(3));
        let mut joined = [0u8; 6];
        joined[..k].copy_from_slice(&old[old.len() - k..]);
        joined[k..k + w].copy_from_slice(&window[..w]);
        let straddles = |n: usize| k + n >= 4 && joined[k + n - 4..k + n] == *b"\r\n\r\n";
        let end = match (1..=w).find(|&n| straddles(n)) {
            Some(n) => Some(n),
            None => self.end_of_headers.find(window).map(|k| k + 4),
        };
        self.examined += end.unwrap_or(window.len()) as u64;
        match end {
            Some(n) => {
                self.hbuf.extend_from_slice(&rest[..n]);
                Ok((n, true))
            }
            None if rest.len() > room => Err(self.err(ErrorKind::HeaderTooLarge, at + room)),
            None => {
                self.hbuf.extend_from_slice(rest);
                Ok((rest.len(), false))
            }
        }
    }
}

enum Carry {
    Matched(usize),
    Partial,
    Mismatch,
}
