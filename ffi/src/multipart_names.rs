//! A multipart part's file names beyond `sb_multipart_event`: the decoded
//! RFC 8187 `filename*` of the current part, and the base name of a
//! client-sent file name.

use std::ffi::c_char;

use crate::error::sb_result;
use crate::multipart::sb_multipart_parser;
use crate::ptr::{guard, try_out, try_out_opt, try_ref, try_slice};

/// An empty span's pointer: valid, never NULL (NULL means "absent").
const EMPTY: *const c_char = c"".as_ptr();

/// The decoded `filename*` parameter (RFC 8187, `charset'language'value`)
/// of the part whose `SB_MULTIPART_EVENT_KIND_PART_START` event the last
/// `sb_multipart_parser_feed` on `parser` returned (or the last
/// `sb_multipart_parser_feed_batch` ended with). RFC 7578 forbids
/// `filename*` and peers disagree (busboy prefers it, Rack and
/// python-multipart ignore it), so the event's `filename` never contains it:
/// a part may have either, both or neither, and choosing is the caller's.
///
/// On `SB_RESULT_OK` writes `*out_value`/`*out_value_len`: the value,
/// percent-decoded and converted to UTF-8 from its charset (`UTF-8` or
/// `ISO-8859-1`), directories not stripped; NULL/0 when the part has no
/// `filename*` (or its disposition is not `form-data`). When the value is
/// present and the pointers are not NULL, also writes the charset label
/// and the language tag as sent (`*out_charset`, `*out_language`; the
/// language is often empty); NULL/0 when absent. The spans live in the
/// parser and are valid as long as the event's spans: until the next
/// `sb_multipart_parser_feed` or `_free` on `parser`; calling this again
/// meanwhile returns the same spans.
///
/// Returns `SB_RESULT_INVALID_ARGUMENT`, writing nothing, when the last
/// feed did not return a `PART_START` event (or failed).
///
/// # Safety
/// `parser` NULL or a live parser not used by another thread meanwhile;
/// `out_value` and `out_value_len` NULL or writable; the charset and
/// language outputs NULL (not wanted) or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_parser_filename_star(
    parser: *const sb_multipart_parser,
    out_value: *mut *const c_char,
    out_value_len: *mut usize,
    out_charset: *mut *const c_char,
    out_charset_len: *mut usize,
    out_language: *mut *const c_char,
    out_language_len: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_ref(parser),
                try_out(out_value),
                try_out(out_value_len),
                try_out_opt(out_charset),
                try_out_opt(out_charset_len),
                try_out_opt(out_language),
                try_out_opt(out_language_len),
            )
        };
        let (p, ov, ovl, oc, ocl, ol, oll) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f), Ok(g)) => (a, b, c, d, e, f, g),
            (Err(e), ..)
            | (_, Err(e), ..)
            | (_, _, Err(e), ..)
            | (_, _, _, Err(e), ..)
            | (_, _, _, _, Err(e), ..)
            | (.., Err(e), _)
            | (.., Err(e)) => return e.into(),
        };
        if !p.at_part_start {
            return sb_result::InvalidArgument;
        }
        let none = (std::ptr::null(), 0);
        let (value, charset, language) = match &p.filename_star {
            Some(f) => {
                let value = if f.value.is_empty() { EMPTY } else { f.value.as_ptr().cast() };
                ((value, f.value.len()), f.charset, f.language)
            }
            None => (none, none, none),
        };
        ov.write(value.0);
        ovl.write(value.1);
        for ((ptr, len), (op, ol)) in [(charset, (oc, ocl)), (language, (ol, oll))] {
            if let Some(op) = op {
                op.write(ptr);
            }
            if let Some(ol) = ol {
                ol.write(len);
            }
        }
        sb_result::Ok
    })
}

/// The last path component of a client-sent file name: the part of
/// `filename`/`len` after its last `/` or `\` (all of it when it has
/// neither), written to `*out_basename`/`*out_basename_len` as a span of
/// `filename`. RFC 7578 §4.2: a recipient must not use the directory part
/// (browsers and old clients send Windows paths, with `\`). The input is
/// unchanged, so the raw name stays available; every binding strips with
/// this one call, so they agree.
///
/// Not a sanitizer: the result may be empty (`dir/`), `.`, `..`, or hold a
/// drive prefix (`C:name`), NUL or control bytes; check it before using it
/// as a path, or choose the stored name yourself.
///
/// # Safety
/// `filename` NULL (only with `len` 0) or `len` readable bytes; the outputs
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_multipart_basename(
    filename: *const c_char,
    len: usize,
    out_basename: *mut *const c_char,
    out_basename_len: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_slice::<u8>(filename.cast(), len), try_out(out_basename), try_out(out_basename_len)) };
        let (name, ob, obl) = match args {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return e.into(),
        };
        let base = springbok_multipart::basename(name);
        // A suffix of the input: the same position in the caller's pointer
        // (so that `(NULL, 0)` gives `(NULL, 0)`).
        ob.write(filename.wrapping_add(name.len() - base.len()));
        obl.write(base.len());
        sb_result::Ok
    })
}
