//! A part's header block: parsing it with the parser crate's header-block
//! parser, and the [`Part`] view handed out with
//! [`Event::PartStart`](crate::Event::PartStart).

use core::ops::Range;
use std::borrow::Cow;

use core::mem::MaybeUninit;

use springbok_parser::{Header, ParserConfig, Status};

use crate::disposition::{html_unescape, ContentDisposition};
use crate::error::{Error, ErrorKind};

/// Where one header's name and value sit in the header block.
#[derive(Clone, Debug)]
pub(crate) struct HeaderSpan {
    name: Range<usize>,
    value: Range<usize>,
}

/// What the parser needs to know about a part once its headers are parsed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PartMeta {
    pub(crate) index: usize,
    pub(crate) is_file: bool,
    disposition: Option<usize>,
    content_type: Option<usize>,
    transfer_encoding: Option<usize>,
    /// The raw `name` and `filename` parameters, as block offsets.
    name: Option<(usize, usize)>,
    filename: Option<(usize, usize)>,
}

/// Header storage on the stack for blocks with at most this many lines.
const STACK_HEADERS: usize = 32;

/// Parses `block` (a complete header block, terminating empty line
/// included) into `spans` and returns the part's metadata. `block_offset`
/// is the block's offset in the body, for error offsets.
pub(crate) fn parse_block(
    cfg: &ParserConfig,
    max_headers: usize,
    block: &[u8],
    block_offset: u64,
    index: usize,
    spans: &mut Vec<HeaderSpan>,
) -> Result<PartMeta, Error> {
    // The storage length is the header-count limit: the parser reports
    // `TooManyHeaders` itself when a block has more lines.
    let mut stack = [MaybeUninit::<Header<'_>>::uninit(); STACK_HEADERS];
    let mut heap;
    let storage: &mut [MaybeUninit<Header<'_>>] = if max_headers <= STACK_HEADERS {
        &mut stack[..max_headers]
    } else {
        heap = vec![MaybeUninit::uninit(); max_headers];
        &mut heap
    };
    let parsed = match cfg.parse_headers_uninit(block, 0, storage) {
        Ok(Status::Complete(b)) if b.len == block.len() => b.headers,
        Ok(_) => return Err(Error::new(ErrorKind::PartHeaders, block_offset)),
        Err(e) if e.kind() == springbok_parser::ErrorKind::TooManyHeaders => {
            return Err(Error::new(ErrorKind::TooManyHeaders, block_offset + e.offset() as u64))
        }
        Err(e) => return Err(Error::from_header(e, block_offset)),
    };
    spans.clear();
    let base = block.as_ptr() as usize;
    let range_of = |s: &[u8]| {
        let start = (s.as_ptr() as usize).wrapping_sub(base);
        if start <= block.len() && s.len() <= block.len() - start {
            start..start + s.len()
        } else {
            0..0 // only an empty slice not pointing into the block
        }
    };
    let mut meta = PartMeta { index, ..PartMeta::default() };
    for (i, h) in parsed.iter().enumerate() {
        let slot = if h.name.eq_ignore_ascii_case(b"content-disposition") {
            Some(&mut meta.disposition)
        } else if h.name.eq_ignore_ascii_case(b"content-type") {
            Some(&mut meta.content_type)
        } else if h.name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            Some(&mut meta.transfer_encoding)
        } else {
            None
        };
        if let Some(slot) = slot {
            if slot.replace(i).is_some() {
                let at = block_offset + range_of(h.name).start as u64;
                return Err(Error::new(ErrorKind::DuplicatePartHeader, at));
            }
        }
        spans.push(HeaderSpan { name: range_of(h.name), value: range_of(h.value) });
    }
    if let Some(i) = meta.disposition {
        let value = &parsed[i].value;
        let at = block_offset + spans[i].value.start as u64;
        let cd = ContentDisposition::parse(value).map_err(|e| Error::new(e.kind(), at + e.offset()))?;
        meta.is_file = cd.is_file();
        if cd.is_form_data() {
            let span = |s: &[u8]| {
                let r = range_of(s);
                (r.start, r.end)
            };
            meta.name = cd.name_raw().map(span);
            meta.filename = cd.filename_raw().map(span);
        }
    }
    Ok(meta)
}

/// A part's headers, handed out with
/// [`Event::PartStart`](crate::Event::PartStart) and borrowed from the
/// parser's header buffer.
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    block: &'a [u8],
    spans: &'a [HeaderSpan],
    meta: PartMeta,
}

impl<'a> Part<'a> {
    pub(crate) fn new(block: &'a [u8], spans: &'a [HeaderSpan], meta: PartMeta) -> Self {
        Part { block, spans, meta }
    }

    /// The part's position in the body, counting from 0.
    pub fn index(&self) -> usize {
        self.meta.index
    }

    /// The headers as `(name, value)` pairs, in order, names as sent, values
    /// without surrounding whitespace.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let block = self.block;
        self.spans.iter().map(move |s| (&block[s.name.clone()], &block[s.value.clone()]))
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// The raw header block, including its terminating empty line.
    pub fn raw_headers(&self) -> &'a [u8] {
        self.block
    }

    fn value(&self, i: Option<usize>) -> Option<&'a [u8]> {
        i.map(|i| &self.block[self.spans[i].value.clone()])
    }

    /// The parsed `Content-Disposition` header, if the part has one (it was
    /// validated when the part started, so a present header always parses).
    pub fn content_disposition(&self) -> Option<ContentDisposition<'a>> {
        self.value(self.meta.disposition).and_then(|v| ContentDisposition::parse(v).ok())
    }

    /// The `name` parameter of a `form-data` `Content-Disposition`, HTML
    /// escapes decoded (borrowed when there is nothing to decode).
    pub fn name(&self) -> Option<Cow<'a, [u8]>> {
        self.meta.name.map(|(a, b)| html_unescape(&self.block[a..b]))
    }

    /// The `filename` parameter of a `form-data` `Content-Disposition`, HTML escapes
    /// decoded, directories **not** stripped (see
    /// [`ContentDisposition::filename`]).
    pub fn filename(&self) -> Option<Cow<'a, [u8]>> {
        self.meta.filename.map(|(a, b)| html_unescape(&self.block[a..b]))
    }

    /// Whether the part is a file (its `Content-Disposition` has `filename`
    /// or `filename*`). Files are bounded by
    /// [`Limits::max_file_bytes`](crate::Limits::max_file_bytes) and counted
    /// against [`Limits::max_files`](crate::Limits::max_files); non-file
    /// parts are fields, bounded by
    /// [`Limits::max_field_bytes`](crate::Limits::max_field_bytes) and
    /// counted against [`Limits::max_fields`](crate::Limits::max_fields).
    pub fn is_file(&self) -> bool {
        self.meta.is_file
    }

    /// The part's `Content-Type` value as sent (RFC 7578 default:
    /// `text/plain` when absent).
    pub fn content_type(&self) -> Option<&'a [u8]> {
        self.value(self.meta.content_type)
    }

    /// The part's `Content-Transfer-Encoding` value as sent. It is passed
    /// through, not applied: RFC 7578 deprecates it and browsers never send
    /// it, so decoding (e.g. base64) is left to the application.
    pub fn content_transfer_encoding(&self) -> Option<&'a [u8]> {
        self.value(self.meta.transfer_encoding)
    }
}
