//! A part's header block: parsing it with the parser crate's header-block
//! parser, and the [`Part`] view handed out with
//! [`Event::PartStart`](crate::Event::PartStart).

use core::ops::Range;
use std::borrow::Cow;

use core::mem::MaybeUninit;

use springbok_parser::{Header, ParserConfig, Status};

use crate::disposition::{html_unescape, parse_ext_value, ContentDisposition, FilenameStar, RawDisposition};
use crate::error::{Error, ErrorKind};

/// Where one header's name and value sit in the header buffer.
#[derive(Clone, Debug)]
pub(crate) struct HeaderSpan {
    name: Range<usize>,
    value: Range<usize>,
    /// For a value that was unfolded (and so copied after the block), where
    /// the folded value is in the block.
    folded: Option<Range<usize>>,
}

/// What the parser needs to know about a part once its headers are parsed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PartMeta {
    pub(crate) index: usize,
    pub(crate) is_file: bool,
    /// Length of the raw header block at the start of the header buffer;
    /// unfolded values, if any, follow it.
    block_len: usize,
    disposition: Option<usize>,
    content_type: Option<usize>,
    transfer_encoding: Option<usize>,
    /// The raw `name`, `filename` and `filename*` parameters, as offsets in
    /// the header buffer.
    name: Option<(usize, usize)>,
    filename: Option<(usize, usize)>,
    filename_star: Option<(usize, usize)>,
}

/// Header storage on the stack for blocks with at most this many lines.
const STACK_HEADERS: usize = 32;

/// Parses the complete header block (terminating empty line included) that
/// fills `buf` from `start` on into `spans`, and returns the part's
/// metadata. `block_offset` is the block's offset in the body, for error
/// offsets. With `unfold` (and `cfg` keeping folds in values), each folded
/// value is copied to the end of `buf` with every fold replaced by one SP.
/// Spans and metadata count from `start`.
pub(crate) fn parse_block(
    cfg: &ParserConfig,
    max_headers: usize,
    buf: &mut Vec<u8>,
    start: usize,
    block_offset: u64,
    index: usize,
    spans: &mut Vec<HeaderSpan>,
) -> Result<PartMeta, Error> {
    let block_len = buf.len() - start;
    let mut meta = PartMeta { index, block_len, ..PartMeta::default() };
    spans.clear();
    if let Some((value, cd)) = browser_block(cfg, max_headers, &buf[start..]) {
        spans.push(HeaderSpan { name: 0..BROWSER_NAME.len(), value: range_in(&buf[start..], value), folded: None });
        meta.disposition = Some(0);
        set_disposition(&mut meta, &buf[start..], &cd);
        return Ok(meta);
    }
    parse_any_block(cfg, max_headers, buf, start, block_offset, meta, spans)
}

const BROWSER_NAME: &[u8] = b"Content-Disposition";

/// The block a browser sends for a field, `Content-Disposition: ` and a
/// value of [`RawDisposition::browser_shape`], then the empty line: its
/// value and disposition, or `None`. The shape admits only bytes the header
/// parser admits in a value and no line break, and the limits are checked
/// as the parser checks them, so the general path would find the same.
fn browser_block<'a>(
    cfg: &ParserConfig,
    max_headers: usize,
    block: &'a [u8],
) -> Option<(&'a [u8], RawDisposition<'a>)> {
    let value = block.strip_prefix(b"Content-Disposition: ")?.strip_suffix(b"\r\n\r\n")?;
    if max_headers == 0
        || block.len() > cfg.max_head_bytes
        || BROWSER_NAME.len() > cfg.max_name_len
        || value.len() > cfg.max_value_len
    {
        return None;
    }
    Some((value, RawDisposition::browser_shape(value)?))
}

/// Records a parsed disposition's file-ness and raw parameters in `meta`.
fn set_disposition(meta: &mut PartMeta, all: &[u8], cd: &RawDisposition<'_>) {
    meta.is_file = cd.is_file();
    if cd.form_data {
        let pair = |s: &[u8]| {
            let r = range_in(all, s);
            (r.start, r.end)
        };
        meta.name = cd.name.map(pair);
        meta.filename = cd.filename.map(pair);
        meta.filename_star = cd.filename_star.map(pair);
    }
}

/// [`parse_block`] for any block, through the header parser.
fn parse_any_block(
    cfg: &ParserConfig,
    max_headers: usize,
    buf: &mut Vec<u8>,
    start: usize,
    block_offset: u64,
    mut meta: PartMeta,
    spans: &mut Vec<HeaderSpan>,
) -> Result<PartMeta, Error> {
    {
        let block = &buf[start..];
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
            let name = range_in(block, h.name);
            if let Some(slot) = slot {
                if slot.replace(i).is_some() {
                    return Err(Error::new(ErrorKind::DuplicatePartHeader, block_offset + name.start as u64));
                }
            }
            spans.push(HeaderSpan { name, value: range_in(block, h.value), folded: None });
        }
    }
    // A value keeps its folds only when `cfg` allows them (the unfold
    // option): give it its unfolded copy.
    if cfg.obs_fold == springbok_parser::ObsFold::Span {
        unfold_values(buf, start, spans);
    }
    if let Some(i) = meta.disposition {
        let all = &buf[start..];
        let span = &spans[i];
        let value = &all[span.value.clone()];
        let cd = RawDisposition::scan(value).map_err(|e| {
            let at = match &span.folded {
                Some(raw) => raw.start + raw_offset(&all[raw.clone()], e.offset() as usize),
                None => span.value.start + e.offset() as usize,
            };
            Error::new(e.kind(), block_offset + at as u64)
        })?;
        set_disposition(&mut meta, all, &cd);
    }
    Ok(meta)
}

/// Appends an unfolded copy of each folded value in `spans` to `buf` (each
/// fold, with the whitespace around it, becomes one SP) and points the
/// span at it.
fn unfold_values(buf: &mut Vec<u8>, start: usize, spans: &mut [HeaderSpan]) {
    for span in spans {
        let raw = span.value.clone();
        let value = &buf[start + raw.start..start + raw.end];
        if memchr::memchr(b'\n', value).is_none() {
            continue;
        }
        let pieces: Vec<Range<usize>> = springbok_parser::unfold(value).map(|p| range_in(value, p)).collect();
        let copy_at = buf.len() - start;
        for (k, p) in pieces.into_iter().enumerate() {
            if k > 0 {
                buf.push(b' ');
            }
            buf.extend_from_within(start + raw.start + p.start..start + raw.start + p.end);
        }
        span.value = copy_at..buf.len() - start;
        span.folded = Some(raw);
    }
}

/// Where `s`, a subslice of `outer`, sits in it (`0..0` for an empty slice
/// that does not point into it).
fn range_in(outer: &[u8], s: &[u8]) -> Range<usize> {
    let start = (s.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if start <= outer.len() && s.len() <= outer.len() - start {
        start..start + s.len()
    } else {
        0..0
    }
}

/// Where byte `k` of the unfolded form of `raw` is in `raw`: inside a piece,
/// the same byte; at the SP that replaced a fold, where the fold starts.
fn raw_offset(raw: &[u8], k: usize) -> usize {
    let (mut at, mut prev_end) = (0, 0);
    for (i, piece) in springbok_parser::unfold(raw).enumerate() {
        if i > 0 {
            if k == at {
                return prev_end;
            }
            at += 1;
        }
        let r = range_in(raw, piece);
        if k < at + r.len() {
            return r.start + (k - at);
        }
        at += r.len();
        prev_end = r.end;
    }
    raw.len()
}

/// A part's headers, handed out with
/// [`Event::PartStart`](crate::Event::PartStart) and borrowed from the
/// parser's header buffer.
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    /// The raw header block, then any unfolded values.
    block: &'a [u8],
    spans: &'a [HeaderSpan],
    /// Borrowed, not copied: it is most of an `Event`'s size, and events are
    /// moved by value on every feed.
    meta: &'a PartMeta,
}

impl<'a> Part<'a> {
    pub(crate) fn new(buf: &'a [u8], spans: &'a [HeaderSpan], meta: &'a PartMeta) -> Self {
        Part { block: buf, spans, meta }
    }

    /// The part's position in the body, counting from 0.
    pub fn index(&self) -> usize {
        self.meta.index
    }

    /// The headers as `(name, value)` pairs, in order, names as sent, values
    /// without surrounding whitespace. With
    /// [`Options::unfold_headers`](crate::Options::unfold_headers), a folded
    /// value comes with each fold replaced by one SP.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let block = self.block;
        self.spans.iter().map(move |s| (&block[s.name.clone()], &block[s.value.clone()]))
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// The raw header block, including its terminating empty line (folds
    /// kept as sent).
    pub fn raw_headers(&self) -> &'a [u8] {
        &self.block[..self.meta.block_len]
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

    /// The decoded RFC 8187 `filename*` parameter of a `form-data`
    /// `Content-Disposition`, if sent. RFC 7578 forbids it and peers
    /// disagree (busboy prefers it, Rack and python-multipart ignore it), so
    /// it never replaces [`filename`](Self::filename): a part may have
    /// either, both or neither.
    pub fn filename_star(&self) -> Option<FilenameStar<'a>> {
        self.meta.filename_star.and_then(|(a, b)| parse_ext_value(&self.block[a..b]))
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

#[cfg(test)]
mod tests {
    use super::{browser_block, parse_any_block, parse_block, raw_offset, PartMeta};
    use springbok_parser::{ObsFold, ParserConfig};

    /// `parse_block` (with its browser fast path) and the header parser's path
    /// agree on blocks around the browser shape, under tight limits too.
    #[test]
    fn browser_block_agrees_with_the_header_parser() {
        let bases: [&[u8]; 3] = [
            b"Content-Disposition: form-data; name=\"field1\"\r\n\r\n",
            b"Content-Disposition: form-data; name=\"a\"; filename=\"\xc3\xa9 b.txt\"\r\n\r\n",
            b"Content-Disposition: form-data; name=\"\"\r\n\r\n",
        ];
        let bytes = [b'"', b';', b' ', b'\t', b'\r', b'\n', b':', 0, 0x7f, 0x80, b'c', b'x', b'%'];
        let mut configs = Vec::new();
        for (head, name, value, headers) in [
            (16384, 256, 65536, 16),
            (40, 256, 65536, 16),
            (16384, 10, 65536, 16),
            (16384, 256, 20, 16),
            (16384, 256, 65536, 0),
        ] {
            for fold in [ObsFold::Reject, ObsFold::Span] {
                let mut cfg = ParserConfig::new();
                (cfg.max_head_bytes, cfg.max_name_len, cfg.max_value_len, cfg.obs_fold) = (head, name, value, fold);
                configs.push((cfg, headers));
            }
        }
        let mut fast = 0;
        for base in bases {
            for i in 0..=base.len() {
                for &b in &bytes {
                    for op in 0..3 {
                        let mut v = base.to_vec();
                        match op {
                            0 if i < v.len() => v[i] = b,
                            1 => v.insert(i, b),
                            2 if i < v.len() => {
                                v.remove(i);
                            }
                            _ => continue,
                        }
                        for (cfg, max_headers) in &configs {
                            let mut buf = b"\r\n".to_vec();
                            buf.extend_from_slice(&v);
                            let (mut buf2, mut s1, mut s2) = (buf.clone(), Vec::new(), Vec::new());
                            fast += usize::from(browser_block(cfg, *max_headers, &buf[2..]).is_some());
                            let got = parse_block(cfg, *max_headers, &mut buf, 2, 100, 3, &mut s1);
                            let meta = PartMeta { index: 3, block_len: v.len(), ..PartMeta::default() };
                            let want = parse_any_block(cfg, *max_headers, &mut buf2, 2, 100, meta, &mut s2);
                            let what = String::from_utf8_lossy(&v);
                            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{what:?}");
                            assert_eq!(format!("{s1:?}"), format!("{s2:?}"), "{what:?}");
                            assert_eq!(buf, buf2, "{what:?}");
                        }
                    }
                }
            }
        }
        assert!(fast > 1000, "{fast}");
    }

    #[test]
    fn raw_offset_maps_unfolded_bytes_back() {
        let raw = b"ab;\r\n \t cd\r\n\te";
        // Unfolded: "ab; cd e" (the whitespace before a fold goes with it).
        let unfolded: Vec<u8> = springbok_parser::unfold(raw).collect::<Vec<_>>().join(&b' ');
        assert_eq!(unfolded, b"ab; cd e");
        let want = [0, 1, 2, 3, 8, 9, 10, 13, 14];
        for (k, &w) in want.iter().enumerate() {
            assert_eq!(raw_offset(raw, k), w, "byte {k}");
            if k < unfolded.len() && unfolded[k] != b' ' {
                assert_eq!(raw[w], unfolded[k]);
            }
        }
        assert_eq!(raw_offset(b"plain", 3), 3);
        assert_eq!(raw_offset(b"", 0), 0);
    }
}
