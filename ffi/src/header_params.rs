//! `sb_header_params`: a `Content-Type` or `Content-Disposition` value split
//! into its type and parameters by the RFC rules, from `springbok-multipart`'s
//! `HeaderParams` (python-multipart's `parse_options_header`, Rack's
//! media-type parameters).

use std::ffi::c_char;

use springbok_multipart::{HeaderParams, Param, Params};

use crate::error::{sb_error, sb_result};
use crate::multipart::fail;
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_out_opt, try_slice};

/// `sb_header_params_new` kind: a `Content-Type` value, `type/subtype` and
/// RFC 9110 parameters (no whitespace around `=`; at most 4 KiB, as for
/// `sb_multipart_boundary`). Errors: `SB_RESULT_MALFORMED_CONTENT_TYPE`,
/// `SB_RESULT_CONTENT_TYPE_TOO_LONG`.
pub const SB_HEADER_PARAMS_CONTENT_TYPE: u32 = 0;
/// `sb_header_params_new` kind: a `Content-Disposition` value, a
/// disposition type and RFC 6266 parameters (whitespace allowed around
/// `=`). Errors: `SB_RESULT_MALFORMED_CONTENT_DISPOSITION`.
pub const SB_HEADER_PARAMS_CONTENT_DISPOSITION: u32 = 1;

/// An iterator over the parameters of one header value. Opaque; made by
/// `sb_header_params_new`, advanced by `sb_header_params_next`, freed by
/// `sb_header_params_free`. It borrows the value, which must outlive it
/// unchanged.
pub struct sb_header_params {
    /// Borrows the caller's value, which outlives the iterator (the
    /// contract of `sb_header_params_new`), hence `'static`.
    params: Params<'static>,
    /// The last parameter handed out, kept for its decoded value.
    current: Option<Param<'static>>,
}

/// One parameter, written by `sb_header_params_next`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_header_param {
    /// The name as sent (compare it case-insensitively), `*` included for
    /// an RFC 8187 extended parameter; a span of the value.
    pub name: *const c_char,
    /// Length of `name`.
    pub name_len: usize,
    /// The value: a token as sent; a quoted-string without its quotes and
    /// with quoted-pairs (`\x`) unescaped (RFC 9110 §5.6.6); for an
    /// extended parameter, percent-decoded and converted to UTF-8 (RFC
    /// 8187). Never NULL (an empty value has length 0).
    pub value: *const c_char,
    /// Length of `value`.
    pub value_len: usize,
    /// For an extended (`name*`) parameter, the charset label as sent
    /// (`UTF-8` or `ISO-8859-1`, any case); NULL otherwise.
    pub charset: *const c_char,
    /// Length of `charset`.
    pub charset_len: usize,
    /// For an extended parameter, the language tag as sent (often empty,
    /// then length 0 but not NULL); NULL otherwise.
    pub language: *const c_char,
    /// Length of `language`.
    pub language_len: usize,
}

/// Parses a `Content-Type` (`kind` `SB_HEADER_PARAMS_CONTENT_TYPE`) or
/// `Content-Disposition` (`SB_HEADER_PARAMS_CONTENT_DISPOSITION`) header
/// value. On `SB_RESULT_OK` writes `*out_type`/`*out_type_len` (the media
/// type `type/subtype` or the disposition type, as sent; a span of `value`)
/// and `*out_params`, an iterator over the parameters in order (repeats
/// included: which of `title` and `title*` wins is the caller's choice).
/// The whole value is checked here, so `sb_header_params_next` cannot fail.
/// A malformed value returns its code (400–499, status 400) and fills
/// `*out_error` (offset from the value's start) when it is not NULL; an
/// unknown `kind` is `SB_RESULT_INVALID_ARGUMENT`.
///
/// This is the RFC rule, for `charset` and other `Content-Type` parameters
/// and for `Content-Disposition` outside form-data. It is **not** the rule
/// for a form-data part's `name` and `filename`: browsers send backslashes
/// raw and escape `"`, CR and LF as `%22`, `%0D`, `%0A`, so take those from
/// `sb_multipart_event` (`filename="C:\dir\a.txt"` is `C:\dir\a.txt`
/// there and `C:dira.txt` here).
///
/// # Safety
/// `value` NULL (only with `len` 0) or `len` readable bytes that stay valid
/// and unchanged until `sb_header_params_free`; the outputs NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sb_header_params_new(
    value: *const c_char,
    len: usize,
    kind: u32,
    out_params: *mut *mut sb_header_params,
    out_type: *mut *const c_char,
    out_type_len: *mut usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract: `value` outlives the iterator
        // (hence `'static`, see `sb_header_params::params`), the outputs
        // are writable.
        let args = unsafe {
            (
                try_slice::<u8>(value.cast(), len),
                try_out(out_params),
                try_out(out_type),
                try_out(out_type_len),
                try_out_opt(out_error),
            )
        };
        let (input, op, ot, otl, oe) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), ..) | (_, _, _, Err(e), _) | (.., Err(e)) => {
                return e.into()
            }
        };
        let parsed = match kind {
            SB_HEADER_PARAMS_CONTENT_TYPE => HeaderParams::content_type(input),
            SB_HEADER_PARAMS_CONTENT_DISPOSITION => HeaderParams::content_disposition(input),
            _ => return sb_result::InvalidArgument,
        };
        match parsed {
            Ok(h) => {
                let ty = h.type_name();
                ot.write(ty.as_ptr().cast());
                otl.write(ty.len());
                op.write(to_raw(sb_header_params { params: h.params(), current: None }));
                sb_result::Ok
            }
            Err(e) => fail(&e, oe),
        }
    })
}

/// An empty span's pointer: valid, never NULL.
const EMPTY: *const c_char = c"".as_ptr();

fn span(b: &[u8]) -> (*const c_char, usize) {
    (if b.is_empty() { EMPTY } else { b.as_ptr().cast() }, b.len())
}

fn opt_span(b: Option<&[u8]>) -> (*const c_char, usize) {
    b.map_or((std::ptr::null(), 0), span)
}

/// Writes the next parameter to `*out_param` and returns `SB_RESULT_OK`, or
/// returns `SB_RESULT_END` when there is none (writing nothing). The
/// name, charset and language point into the value; the value points into
/// it too unless it was decoded, then into the iterator: every span is
/// valid until the next `sb_header_params_next` or `sb_header_params_free`
/// on this iterator (and as long as the value).
///
/// # Safety
/// `params` NULL or a live iterator not used by another thread meanwhile;
/// `out_param` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_header_params_next(
    params: *mut sb_header_params,
    out_param: *mut sb_header_param,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (it, out) = match unsafe { (try_mut(params), try_out(out_param)) } {
            (Ok(p), Ok(o)) => (p, o),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        let Some(p) = it.params.next() else {
            return sb_result::End;
        };
        let p = it.current.insert(p);
        let (name, name_len) = span(p.name);
        let (value, value_len) = span(&p.value);
        let (charset, charset_len) = opt_span(p.charset);
        let (language, language_len) = opt_span(p.language);
        out.write(sb_header_param { name, name_len, value, value_len, charset, charset_len, language, language_len });
        sb_result::Ok
    })
}

/// Frees an iterator; NULL is a no-op. Spans it handed out become invalid.
///
/// # Safety
/// `params` NULL or an iterator from `sb_header_params_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sb_header_params_free(params: *mut sb_header_params) {
    // SAFETY: the export's contract.
    guard((), || unsafe { free_raw(params) })
}
