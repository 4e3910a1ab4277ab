//! `sb_multipart_parser`: the `springbok-multipart` push parser as an
//! event-poll API (see ffi/README.md for why not callbacks).

use std::borrow::Cow;
use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_multipart::{boundary, Error, ErrorKind, Event, Limits, Options, Parser};

use crate::error::{sb_error, sb_result};
use crate::pico::sb_header;
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_out_opt, try_ref, try_slice};

/// Limit id for `sb_multipart_config_set_limit`: most parts in a body
/// (default 4096).
pub const SB_MULTIPART_MAX_PARTS: u32 = 0;
/// Limit id: most bytes in one part's header block (default 16 KiB).
pub const SB_MULTIPART_MAX_HEADER_BYTES: u32 = 1;
/// Limit id: most header lines in one part (default 16).
pub const SB_MULTIPART_MAX_HEADERS: u32 = 2;
/// Limit id: most bytes before the first boundary (default 32 KiB).
pub const SB_MULTIPART_MAX_PREAMBLE_BYTES: u32 = 3;
/// Limit id: most bytes after the close delimiter (default 32 KiB).
pub const SB_MULTIPART_MAX_EPILOGUE_BYTES: u32 = 4;
/// Limit id: most data bytes in one non-file part (default 1 MiB).
pub const SB_MULTIPART_MAX_FIELD_BYTES: u32 = 5;
/// Limit id: most bytes in the whole body (default 64 MiB).
pub const SB_MULTIPART_MAX_TOTAL_BYTES: u32 = 6;
/// Limit id: most data bytes in one file part, one with `filename` or
/// `filename*` (default: none of its own, `UINT64_MAX`; the body limit
/// bounds it). Exceeding it is `SB_RESULT_FILE_TOO_LARGE` (413).
pub const SB_MULTIPART_MAX_FILE_BYTES: u32 = 7;
/// Limit id: most file parts in a body (default 128, Rack's
/// `multipart_file_limit`). Exceeding it is `SB_RESULT_TOO_MANY_FILES`.
pub const SB_MULTIPART_MAX_FILES: u32 = 8;
/// Limit id: most non-file parts (fields) in a body (default 4096).
/// Exceeding it is `SB_RESULT_TOO_MANY_FIELDS`.
pub const SB_MULTIPART_MAX_FIELDS: u32 = 9;

/// Flag for `sb_multipart_config_set_flags`: accept folded part header
/// lines (obs-fold, which MIME allows and browsers never send) and replace
/// each fold with one SP in the event's header values, name, filename and
/// content type; without it a fold is `SB_RESULT_INVALID_PART_HEADERS`.
pub const SB_MULTIPART_UNFOLD_HEADERS: u32 = 1;

/// Every `SB_MULTIPART_*` flag bit.
const ALL_FLAGS: u32 = SB_MULTIPART_UNFOLD_HEADERS;

/// Limits and flags for multipart parsers. Opaque; made by
/// `sb_multipart_config_new` with the defaults (no flags), changed with
/// `sb_multipart_config_set_limit` and `sb_multipart_config_set_flags`,
/// freed with `sb_multipart_config_free`. A parser copies the settings when
/// it is made, so the config may be freed or changed afterwards.
pub struct sb_multipart_config {
    limits: Limits,
    options: Options,
}

/// What `sb_multipart_parser_feed` found.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sb_multipart_event_kind {
    /// All of the input was consumed (or held back, at most the boundary's
    /// length + 4 bytes) without completing an event: feed more.
    NeedMore = 0,
    /// A part begins; the event's part fields are set.
    PartStart = 1,
    /// A piece of the current part's data: `data`/`data_len`.
    Data = 2,
    /// The current part ended.
    PartEnd = 3,
    /// The close delimiter was seen: the body is complete. Reported once,
    /// before any epilogue byte is consumed; later feeds consume (and bound)
    /// the epilogue and report `NEED_MORE`.
    End = 4,
}

/// One event, written by `sb_multipart_parser_feed` on `SB_RESULT_OK`.
/// Fields that do not apply to `kind` are NULL/0. Every span is valid until
/// the next `sb_multipart_parser_feed` or `sb_multipart_parser_free` on the
/// same parser (and, for `data`, as long as the input buffer too).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_multipart_event {
    /// The event.
    pub kind: sb_multipart_event_kind,
    /// `DATA`: the bytes (in the input buffer, or in the parser for bytes
    /// it held back across feeds). A part's data may come in any number of
    /// pieces, including none.
    pub data: *const c_char,
    /// `DATA`: length of `data`.
    pub data_len: usize,
    /// `PART_START`: the part's position in the body, from 0.
    pub part_index: usize,
    /// `PART_START`: the part's headers, in order (names as sent, values
    /// trimmed), in memory owned by the parser.
    pub headers: *const sb_header,
    /// `PART_START`: number of entries in `headers`.
    pub num_headers: usize,
    /// `PART_START`: the `Content-Disposition` `name` parameter, HTML escapes
    /// (`%22`, `%0D`, `%0A`) decoded; NULL when absent.
    pub name: *const c_char,
    /// Length of `name`.
    pub name_len: usize,
    /// `PART_START`: the `filename` parameter, escapes decoded, directories
    /// not stripped (`sb_multipart_basename` strips them); NULL when
    /// absent. `filename*` is never merged into it: ask
    /// `sb_multipart_parser_filename_star` for that.
    pub filename: *const c_char,
    /// Length of `filename`.
    pub filename_len: usize,
    /// `PART_START`: the part's `Content-Type` as sent; NULL when absent
    /// (RFC 7578: then `text/plain`).
    pub content_type: *const c_char,
    /// Length of `content_type`.
    pub content_type_len: usize,
    /// `PART_START`: whether the part is a file (`filename` or `filename*`
    /// present: bounded by `SB_MULTIPART_MAX_FILE_BYTES` and counted against
    /// `SB_MULTIPART_MAX_FILES`); other parts are fields, bounded by
    /// `SB_MULTIPART_MAX_FIELD_BYTES` and `SB_MULTIPART_MAX_FIELDS`.
    pub is_file: bool,
}

impl sb_multipart_event {
    const EMPTY: sb_multipart_event = sb_multipart_event {
        kind: sb_multipart_event_kind::NeedMore,
        data: std::ptr::null(),
        data_len: 0,
        part_index: 0,
        headers: std::ptr::null(),
        num_headers: 0,
        name: std::ptr::null(),
        name_len: 0,
        filename: std::ptr::null(),
        filename_len: 0,
        content_type: std::ptr::null(),
        content_type_len: 0,
        is_file: false,
    };
}

/// A streaming `multipart/form-data` parser. Opaque; made by
/// `sb_multipart_parser_new`, driven by `sb_multipart_parser_feed`, freed by
/// `sb_multipart_parser_free`. One parser per body, one thread at a time.
pub struct sb_multipart_parser {
    parser: Parser,
    /// The current part's headers, as spans into the parser's header buffer.
    headers: Vec<sb_header>,
    /// The current part's name and filename when decoding escapes made a copy.
    name: Vec<u8>,
    filename: Vec<u8>,
    /// Whether the last feed returned `PART_START`: only then do the
    /// current part's spans exist.
    pub(crate) at_part_start: bool,
    /// The current part's decoded `filename*`, if it has one.
    pub(crate) filename_star: Option<FilenameStar>,
}

/// The current part's decoded `filename*`: the value is a copy (decoded and
/// converted to UTF-8), the charset and language point into the parser's
/// header buffer.
pub(crate) struct FilenameStar {
    pub(crate) value: Vec<u8>,
    pub(crate) charset: (*const c_char, usize),
    pub(crate) language: (*const c_char, usize),
}

pub(crate) fn code(kind: ErrorKind) -> sb_result {
    use ErrorKind as K;
    match kind {
        K::ContentTypeTooLong => sb_result::ContentTypeTooLong,
        K::NotMultipart => sb_result::NotMultipart,
        K::MalformedContentType => sb_result::MalformedContentType,
        K::MissingBoundary => sb_result::MissingBoundary,
        K::DuplicateBoundary => sb_result::DuplicateBoundary,
        K::InvalidBoundary => sb_result::InvalidBoundary,
        K::PreambleTooLarge => sb_result::PreambleTooLarge,
        K::EpilogueTooLarge => sb_result::EpilogueTooLarge,
        K::TooManyParts => sb_result::TooManyParts,
        K::HeaderTooLarge => sb_result::PartHeaderTooLarge,
        K::TooManyHeaders => sb_result::TooManyPartHeaders,
        K::FieldTooLarge => sb_result::FieldTooLarge,
        K::BodyTooLarge => sb_result::MultipartBodyTooLarge,
        K::MalformedDelimiter => sb_result::MalformedDelimiter,
        K::PartHeaders => sb_result::InvalidPartHeaders,
        K::DuplicatePartHeader => sb_result::DuplicatePartHeader,
        K::MalformedContentDisposition => sb_result::MalformedContentDisposition,
        K::Truncated => sb_result::MultipartTruncated,
        K::FileTooLarge => sb_result::FileTooLarge,
        K::TooManyFiles => sb_result::TooManyFiles,
        K::TooManyFields => sb_result::TooManyFields,
        #[allow(unreachable_patterns)]
        _ => sb_result::InvalidMultipart,
    }
}

fn detail(e: &Error) -> sb_error {
    sb_error::new(code(e.kind()), usize::try_from(e.offset()).unwrap_or(usize::MAX), e.status())
}

pub(crate) fn fail(e: &Error, out_error: Option<&mut std::mem::MaybeUninit<sb_error>>) -> sb_result {
    detail(e).report(out_error)
}

/// Finds the boundary parameter of a `Content-Type` value (a `multipart` type,
/// parameter name case-insensitive, quoted or not) and writes it to
/// `*out_boundary`/`*out_boundary_len` — a span of `content_type`, without
/// the leading `--`. Errors (not multipart: 415; malformed, missing,
/// duplicate or invalid boundary, value over 4 KiB: 400) return a code in
/// 400–499 and fill `*out_error` when it is not NULL.
///
/// # Safety
/// `content_type` NULL (only with `len` 0) or `len` readable bytes; the
/// outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_boundary(
    content_type: *const c_char,
    len: usize,
    out_boundary: *mut *const c_char,
    out_boundary_len: *mut usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_slice::<u8>(content_type.cast(), len),
                try_out(out_boundary),
                try_out(out_boundary_len),
                try_out_opt(out_error),
            )
        };
        let (ct, ob, obl, oe) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return e.into(),
        };
        match boundary(ct) {
            Ok(b) => {
                ob.write(b.as_ptr().cast());
                obl.write(b.len());
                sb_result::Ok
            }
            Err(e) => fail(&e, oe),
        }
    })
}

/// Creates a multipart config with the default limits; free it with
/// `sb_multipart_config_free`. NULL only if a panic was caught.
#[no_mangle]
pub extern "C" fn sb_multipart_config_new() -> *mut sb_multipart_config {
    guard(std::ptr::null_mut(), || to_raw(sb_multipart_config { limits: Limits::DEFAULT, options: Options::default() }))
}

/// Frees a config; NULL is a no-op.
///
/// # Safety
/// `config` NULL or a config from `sb_multipart_config_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_config_free(config: *mut sb_multipart_config) {
    // SAFETY: the export's contract.
    guard((), || unsafe { free_raw(config) })
}

/// Sets one limit (`SB_MULTIPART_MAX_*`) to `value`. 0 is allowed (for
/// instance no preamble at all); an unknown id is
/// `SB_RESULT_INVALID_ARGUMENT`. Values too large for `size_t` saturate.
///
/// # Safety
/// `config` NULL or a live config not used by another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_config_set_limit(
    config: *mut sb_multipart_config,
    limit: u32,
    value: u64,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let config = match unsafe { try_mut(config) } {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        let size = usize::try_from(value).unwrap_or(usize::MAX);
        let l = &mut config.limits;
        match limit {
            SB_MULTIPART_MAX_PARTS => l.max_parts = size,
            SB_MULTIPART_MAX_HEADER_BYTES => l.max_header_bytes = size,
            SB_MULTIPART_MAX_HEADERS => l.max_headers = size,
            SB_MULTIPART_MAX_PREAMBLE_BYTES => l.max_preamble_bytes = value,
            SB_MULTIPART_MAX_EPILOGUE_BYTES => l.max_epilogue_bytes = value,
            SB_MULTIPART_MAX_FIELD_BYTES => l.max_field_bytes = value,
            SB_MULTIPART_MAX_TOTAL_BYTES => l.max_total_bytes = value,
            SB_MULTIPART_MAX_FILE_BYTES => l.max_file_bytes = value,
            SB_MULTIPART_MAX_FILES => l.max_files = size,
            SB_MULTIPART_MAX_FIELDS => l.max_fields = size,
            _ => return sb_result::InvalidArgument,
        }
        sb_result::Ok
    })
}

/// Replaces the config's flags with `flags`, a bitwise OR of
/// `SB_MULTIPART_*` flag constants (0, the default, is strict RFC 7578).
/// An unknown bit is `SB_RESULT_INVALID_ARGUMENT` and changes nothing.
///
/// # Safety
/// `config` NULL or a live config not used by another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_config_set_flags(config: *mut sb_multipart_config, flags: u32) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let config = match unsafe { try_mut(config) } {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        if flags & !ALL_FLAGS != 0 {
            return sb_result::InvalidArgument;
        }
        config.options.unfold_headers = flags & SB_MULTIPART_UNFOLD_HEADERS != 0;
        sb_result::Ok
    })
}

/// Writes the config's current flags to `*out_flags`.
///
/// # Safety
/// `config` NULL or a live config; `out_flags` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_config_flags(
    config: *const sb_multipart_config,
    out_flags: *mut u32,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (config, out) = match unsafe { (try_ref(config), try_out(out_flags)) } {
            (Ok(c), Ok(o)) => (c, o),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        out.write(if config.options.unfold_headers { SB_MULTIPART_UNFOLD_HEADERS } else { 0 });
        sb_result::Ok
    })
}

/// Creates a parser for a body delimited by `boundary` (as found by
/// `sb_multipart_boundary`: 1–70 RFC 2046 characters, without `--`) with
/// the limits and flags of `config` (copied), written to `*out_parser`. An invalid
/// boundary is `SB_RESULT_INVALID_BOUNDARY` (with `*out_error`).
///
/// # Safety
/// `config` NULL or live; `boundary` NULL (only with `boundary_len` 0) or
/// `boundary_len` readable bytes (copied); the outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_parser_new(
    config: *const sb_multipart_config,
    boundary: *const c_char,
    boundary_len: usize,
    out_parser: *mut *mut sb_multipart_parser,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_ref(config),
                try_slice::<u8>(boundary.cast(), boundary_len),
                try_out(out_parser),
                try_out_opt(out_error),
            )
        };
        let (config, b, out, oe) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return e.into(),
        };
        match Parser::with_options(b, config.limits, config.options) {
            Ok(parser) => {
                out.write(to_raw(sb_multipart_parser {
                    parser,
                    headers: Vec::new(),
                    name: Vec::new(),
                    filename: Vec::new(),
                    at_part_start: false,
                    filename_star: None,
                }));
                sb_result::Ok
            }
            Err(e) => fail(&e, oe),
        }
    })
}

/// Frees a parser; NULL is a no-op. Spans from its events become invalid.
///
/// # Safety
/// `parser` NULL or a parser from `sb_multipart_parser_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_parser_free(parser: *mut sb_multipart_parser) {
    // SAFETY: the export's contract.
    guard((), || unsafe { free_raw(parser) })
}

impl sb_multipart_parser {
    /// One step of the parser: writes the event `sb_multipart_parser_feed`
    /// returns to `slot` (only on success) and returns the bytes consumed
    /// and the event. The spans it sets live until the next call.
    #[inline]
    pub(crate) fn next_event<'s>(
        &mut self,
        input: &[u8],
        slot: &'s mut MaybeUninit<sb_multipart_event>,
    ) -> Result<(usize, &'s sb_multipart_event), Error> {
        let sb_multipart_parser { parser, headers, name, filename, at_part_start, filename_star } = self;
        // The previous part's spans end with this call.
        *at_part_start = false;
        let (consumed, event) = parser.feed(input)?;
        // Written in place: the event is most of what a small part costs here.
        let ev = slot.write(sb_multipart_event::EMPTY);
        match event {
            Event::NeedMore => {}
            Event::PartStart(part) => {
                headers.clear();
                headers.extend(part.headers().map(|(n, v)| sb_header {
                    name: n.as_ptr().cast(),
                    name_len: n.len(),
                    value: v.as_ptr().cast(),
                    value_len: v.len(),
                }));
                ev.kind = sb_multipart_event_kind::PartStart;
                ev.part_index = part.index();
                ev.headers = headers.as_ptr();
                ev.num_headers = headers.len();
                (ev.name, ev.name_len) = span(keep(part.name(), name));
                (ev.filename, ev.filename_len) = span(keep(part.filename(), filename));
                (ev.content_type, ev.content_type_len) = span(part.content_type());
                ev.is_file = part.is_file();
                *at_part_start = true;
                // Decoded now (rarely sent), so that the spans
                // `sb_multipart_parser_filename_star` hands out stay put
                // until the next feed however often it is called.
                *filename_star = part.filename_star().map(|f| FilenameStar {
                    value: f.value.into_bytes(),
                    charset: span(Some(f.charset)),
                    language: span(Some(f.language)),
                });
            }
            Event::Data(d) => {
                ev.kind = sb_multipart_event_kind::Data;
                (ev.data, ev.data_len) = span(Some(d));
            }
            Event::PartEnd => ev.kind = sb_multipart_event_kind::PartEnd,
            Event::End => ev.kind = sb_multipart_event_kind::End,
        }
        Ok((consumed, ev))
    }
}

fn span(b: Option<&[u8]>) -> (*const c_char, usize) {
    b.map_or((std::ptr::null(), 0), |b| (b.as_ptr().cast(), b.len()))
}

/// Keeps a decoded parameter in `store` when decoding made a copy.
fn keep<'a>(value: Option<Cow<'a, [u8]>>, store: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    match value? {
        Cow::Borrowed(b) => Some(b),
        Cow::Owned(v) => {
            *store = v;
            Some(store.as_slice())
        }
    }
}

/// Parses from the start of `buf`/`len` (the bytes not consumed yet) up to
/// the next event. Returns `SB_RESULT_OK` and writes `*out_consumed` (bytes
/// of `buf` consumed) and `*out_event`; call again with `buf + consumed`
/// until the event is `SB_MULTIPART_EVENT_KIND_NEED_MORE`, which means all
/// of `buf` was consumed: read more. Every call consumes at least one byte
/// or returns another event, so the loop always progresses; consumed bytes
/// need not be kept. On an invalid body or a broken limit returns a code in
/// 400–499 and fills `*out_error` (status 400 or 413; offset from the start
/// of the body, the same however the body was split into feeds: for a size
/// limit the first byte past it, for a count limit the start of the part
/// one too many); every later call returns the same error. The events
/// before an error are the same at every split too: a part's data up to
/// the first byte past its size limit comes as `DATA`, then the error.
///
/// # Safety
/// `parser` NULL or a live parser; `buf` NULL (only with `len` 0) or `len`
/// readable bytes; the outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_parser_feed(
    parser: *mut sb_multipart_parser,
    buf: *const c_char,
    len: usize,
    out_consumed: *mut usize,
    out_event: *mut sb_multipart_event,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_mut(parser),
                try_slice::<u8>(buf.cast(), len),
                try_out(out_consumed),
                try_out(out_event),
                try_out_opt(out_error),
            )
        };
        let (w, input, oc, oe, oerr) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), ..) | (_, _, _, Err(e), _) | (.., Err(e)) => {
                return e.into()
            }
        };
        match w.next_event(input, oe) {
            Ok((consumed, _)) => {
                oc.write(consumed);
                sb_result::Ok
            }
            Err(e) => fail(&e, oerr),
        }
    })
}

/// Tells the parser the body has ended: `SB_RESULT_OK` if the close
/// delimiter was seen, otherwise `SB_RESULT_MULTIPART_TRUNCATED` (or the
/// earlier error), with `*out_error` when it is not NULL.
///
/// # Safety
/// `parser` NULL or a live parser; `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_parser_finish(
    parser: *const sb_multipart_parser,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (w, oe) = match unsafe { (try_ref(parser), try_out_opt(out_error)) } {
            (Ok(w), Ok(o)) => (w, o),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        match w.parser.finish() {
            Ok(()) => sb_result::Ok,
            Err(e) => fail(&e, oe),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_a_code_with_the_crates_status() {
        use ErrorKind as K;
        let kinds = [
            K::ContentTypeTooLong,
            K::NotMultipart,
            K::MalformedContentType,
            K::MissingBoundary,
            K::DuplicateBoundary,
            K::InvalidBoundary,
            K::PreambleTooLarge,
            K::EpilogueTooLarge,
            K::TooManyParts,
            K::HeaderTooLarge,
            K::TooManyHeaders,
            K::FieldTooLarge,
            K::BodyTooLarge,
            K::MalformedDelimiter,
            K::PartHeaders,
            K::DuplicatePartHeader,
            K::MalformedContentDisposition,
            K::Truncated,
            K::FileTooLarge,
            K::TooManyFiles,
            K::TooManyFields,
        ];
        for kind in kinds {
            let c = code(kind);
            assert_ne!(c, sb_result::InvalidMultipart, "{kind:?}");
            assert_eq!(crate::error::sb_result_http_status(c as u32), kind.status(), "{kind:?}");
            let msg = crate::error::sb_result_message(c as u32);
            // SAFETY: a static NUL-terminated string.
            let msg = unsafe { std::ffi::CStr::from_ptr(msg) }.to_str().unwrap();
            assert_eq!(msg, kind.description(), "{kind:?}");
        }
    }
}
