//! `sb_parser_config`: leniency flags and limits for the head parsers.

use springbok_parser::{ObsFold, ParserConfig};

use crate::error::sb_result;
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_ref};

/// Accept a line ending of LF alone (picohttpparser, httparse). A CR not
/// followed by LF is always an error.
pub const SB_PARSER_ALLOW_BARE_LF: u32 = 1 << 0;
/// Report each obs-fold continuation line as its own header with a NULL
/// name and the line's trimmed content as value (picohttpparser's
/// `name == NULL` entries). Exclusive with `SB_PARSER_OBS_FOLD_SPAN`.
pub const SB_PARSER_OBS_FOLD_CONTINUATION: u32 = 1 << 1;
/// Keep a folded header as one header whose value spans the continuation
/// lines, raw folds included (httparse's response option). Exclusive with
/// `SB_PARSER_OBS_FOLD_CONTINUATION`.
pub const SB_PARSER_OBS_FOLD_SPAN: u32 = 1 << 2;
/// Accept runs of SP between start-line parts (picohttpparser, httparse
/// option).
pub const SB_PARSER_ALLOW_MULTIPLE_SPACES: u32 = 1 << 3;
/// Skip up to 8 empty lines before the request line (RFC 9112 §2.2,
/// httparse, llhttp). See `SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES`
/// for status lines.
pub const SB_PARSER_ALLOW_LEADING_EMPTY_LINES: u32 = 1 << 4;
/// Skip whitespace-led lines between the start line and the first header
/// (RFC 9112 §2.2's second option).
pub const SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER: u32 = 1 << 5;
/// Skip header lines with an invalid name or value instead of failing
/// (httparse option, nginx `ignore_invalid_headers`).
pub const SB_PARSER_IGNORE_INVALID_HEADERS: u32 = 1 << 6;
/// Accept any VCHAR or obs-text byte in the request-target, without `%XX`
/// checks (picohttpparser).
pub const SB_PARSER_ALLOW_LOOSE_TARGET: u32 = 1 << 7;
/// Accept `HTTP/1.1 200\r\n` with no SP before an empty reason phrase
/// (picohttpparser, httparse).
pub const SB_PARSER_ALLOW_MISSING_REASON_SPACE: u32 = 1 << 8;
/// Skip up to 8 empty lines before a status line (httparse, llhttp: a
/// server may send a stray CRLF after `100 Continue`). Responses only;
/// `SB_PARSER_ALLOW_LEADING_EMPTY_LINES` is the request flag.
pub const SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES: u32 = 1 << 9;
/// Accept whitespace between a header name and its colon in a response,
/// leaving it out of the name (httparse's
/// `allow_spaces_after_header_name_in_responses`). Requests and header
/// blocks are always rejected (`SB_RESULT_SPACE_BEFORE_COLON`).
pub const SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES: u32 = 1 << 10;
/// Accept the asterisk-form target `*` with any method, not only OPTIONS
/// (SSDP's `M-SEARCH * HTTP/1.1`, `NOTIFY *`). Without it, `*` with another
/// method is `SB_RESULT_TARGET_FORM`.
pub const SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD: u32 = 1 << 11;
/// The leniencies picohttpparser has built in: bare LF, obs-fold as
/// continuation headers, runs of spaces, the loose target set and a missing
/// reason space.
pub const SB_PARSER_PICOHTTPPARSER: u32 = SB_PARSER_ALLOW_BARE_LF
    | SB_PARSER_OBS_FOLD_CONTINUATION
    | SB_PARSER_ALLOW_MULTIPLE_SPACES
    | SB_PARSER_ALLOW_LOOSE_TARGET
    | SB_PARSER_ALLOW_MISSING_REASON_SPACE;

const ALL_FLAGS: u32 = (1 << 12) - 1;

/// How to parse a head: leniency flags and limits. Opaque.
///
/// Create it with `sb_parser_config_new` (strict RFC 9112, default limits),
/// adjust it with the `sb_parser_config_set_*` calls, use it for any number
/// of parses, free it with `sb_parser_config_free`. A config that is no
/// longer being changed may be shared by any number of threads parsing at
/// once; changing it while another thread parses with it is a data race.
pub struct sb_parser_config {
    pub(crate) inner: ParserConfig,
}

fn flags_of(c: &ParserConfig) -> u32 {
    let mut f = 0;
    let mut set = |on: bool, bit: u32| {
        if on {
            f |= bit;
        }
    };
    set(c.allow_bare_lf, SB_PARSER_ALLOW_BARE_LF);
    set(c.obs_fold == ObsFold::Continuation, SB_PARSER_OBS_FOLD_CONTINUATION);
    set(c.obs_fold == ObsFold::Span, SB_PARSER_OBS_FOLD_SPAN);
    set(c.allow_multiple_spaces, SB_PARSER_ALLOW_MULTIPLE_SPACES);
    set(c.allow_leading_empty_lines, SB_PARSER_ALLOW_LEADING_EMPTY_LINES);
    set(c.allow_whitespace_before_first_header, SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER);
    set(c.ignore_invalid_headers, SB_PARSER_IGNORE_INVALID_HEADERS);
    set(c.allow_loose_target, SB_PARSER_ALLOW_LOOSE_TARGET);
    set(c.allow_missing_reason_space, SB_PARSER_ALLOW_MISSING_REASON_SPACE);
    set(c.allow_leading_empty_lines_in_responses, SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES);
    set(c.allow_space_before_colon_in_responses, SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES);
    set(c.allow_asterisk_form_any_method, SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD);
    f
}

fn apply_flags(c: &mut ParserConfig, f: u32) -> Result<(), sb_result> {
    let fold = (f & SB_PARSER_OBS_FOLD_CONTINUATION != 0, f & SB_PARSER_OBS_FOLD_SPAN != 0);
    if f & !ALL_FLAGS != 0 || fold == (true, true) {
        return Err(sb_result::InvalidArgument);
    }
    let on = |bit: u32| f & bit != 0;
    c.allow_bare_lf = on(SB_PARSER_ALLOW_BARE_LF);
    c.obs_fold = match fold {
        (true, _) => ObsFold::Continuation,
        (_, true) => ObsFold::Span,
        _ => ObsFold::Reject,
    };
    c.allow_multiple_spaces = on(SB_PARSER_ALLOW_MULTIPLE_SPACES);
    c.allow_leading_empty_lines = on(SB_PARSER_ALLOW_LEADING_EMPTY_LINES);
    c.allow_whitespace_before_first_header = on(SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER);
    c.ignore_invalid_headers = on(SB_PARSER_IGNORE_INVALID_HEADERS);
    c.allow_loose_target = on(SB_PARSER_ALLOW_LOOSE_TARGET);
    c.allow_missing_reason_space = on(SB_PARSER_ALLOW_MISSING_REASON_SPACE);
    c.allow_leading_empty_lines_in_responses = on(SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES);
    c.allow_space_before_colon_in_responses = on(SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES);
    c.allow_asterisk_form_any_method = on(SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD);
    Ok(())
}

/// Creates a parser config: strict RFC 9112 (no flags) with the default
/// limits (head 112 KiB, target 12 KiB, name 256 B, value 80 KiB). The
/// caller owns it and frees it with `sb_parser_config_free`. Returns NULL
/// only if a panic was caught.
#[no_mangle]
pub extern "C" fn sb_parser_config_new() -> *mut sb_parser_config {
    guard(std::ptr::null_mut(), || to_raw(sb_parser_config { inner: ParserConfig::new() }))
}

/// Frees a config made by `sb_parser_config_new`. NULL is a no-op; freeing
/// the same config twice is undefined behaviour. Spans produced by parses
/// with this config stay valid: they point into the caller's buffers.
///
/// # Safety
/// `config` must be NULL or a config from `sb_parser_config_new` that has not
/// been freed; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_free(config: *mut sb_parser_config) {
    guard((), || {
        // SAFETY: the caller passes NULL or a pointer from
        // `sb_parser_config_new` that it has not freed yet.
        unsafe { free_raw(config) }
    })
}

/// Replaces the config's leniency flags with `flags`, a bitwise OR of
/// `SB_PARSER_*` constants (0 is strict RFC 9112). Returns
/// `SB_RESULT_INVALID_ARGUMENT`, changing nothing, for an unknown bit or for
/// both obs-fold flags at once.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_set_flags(config: *mut sb_parser_config, flags: u32) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: `config` is NULL or a live config from `sb_parser_config_new`
        // that no other thread is using during this call.
        let config = match unsafe { try_mut(config) } {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        let mut next = config.inner;
        match apply_flags(&mut next, flags) {
            Ok(()) => {
                config.inner = next;
                sb_result::Ok
            }
            Err(e) => e,
        }
    })
}

/// Writes the config's current leniency flags to `*out_flags`.
///
/// # Safety
/// `config` must be NULL or a live config; `out_flags` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_flags(config: *const sb_parser_config, out_flags: *mut u32) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: `config` is NULL or a live config; `out_flags` is NULL or
        // writable.
        let (config, out) = match unsafe { (try_ref(config), try_out(out_flags)) } {
            (Ok(c), Ok(o)) => (c, o),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        out.write(flags_of(&config.inner));
        sb_result::Ok
    })
}

/// Which limit `set_limit` changes.
#[derive(Clone, Copy)]
enum Limit {
    HeadBytes,
    TargetLen,
    NameLen,
    ValueLen,
}

fn set_limit(config: *mut sb_parser_config, limit: Limit, value: usize) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: `config` is NULL or a live config from `sb_parser_config_new`
        // that no other thread is using during this call.
        let config = match unsafe { try_mut(config) } {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        if value == 0 {
            return sb_result::InvalidArgument;
        }
        let c = &mut config.inner;
        match limit {
            Limit::HeadBytes => c.max_head_bytes = value,
            Limit::TargetLen => c.max_target_len = value,
            Limit::NameLen => c.max_name_len = value,
            Limit::ValueLen => c.max_value_len = value,
        }
        sb_result::Ok
    })
}

/// Sets the largest head (start line, headers and the empty line that ends
/// them) in bytes; a longer one fails with `SB_RESULT_HEAD_TOO_LARGE`.
/// Default 112 KiB. 0 is refused with `SB_RESULT_INVALID_ARGUMENT` (use
/// `SIZE_MAX` for "no limit").
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_set_max_head_bytes(config: *mut sb_parser_config, value: usize) -> sb_result {
    set_limit(config, Limit::HeadBytes, value)
}

/// Sets the longest request-target in bytes; a longer one fails with
/// `SB_RESULT_TARGET_TOO_LONG`. Default 12 KiB. 0 is refused.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_set_max_target_len(config: *mut sb_parser_config, value: usize) -> sb_result {
    set_limit(config, Limit::TargetLen, value)
}

/// Sets the longest header name in bytes; a longer one fails with
/// `SB_RESULT_HEADER_NAME_TOO_LONG`. Default 256. 0 is refused.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_set_max_name_len(config: *mut sb_parser_config, value: usize) -> sb_result {
    set_limit(config, Limit::NameLen, value)
}

/// Sets the longest header value (after trimming) in bytes; a longer one
/// fails with `SB_RESULT_HEADER_VALUE_TOO_LONG`. Default 80 KiB. 0 is
/// refused.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_set_max_value_len(config: *mut sb_parser_config, value: usize) -> sb_result {
    set_limit(config, Limit::ValueLen, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picohttpparser_flag_set_is_the_parser_crate_preset() {
        assert_eq!(flags_of(&ParserConfig::picohttpparser_compatible()), SB_PARSER_PICOHTTPPARSER);
        let mut c = ParserConfig::new();
        apply_flags(&mut c, SB_PARSER_PICOHTTPPARSER).unwrap();
        assert_eq!(c, ParserConfig::picohttpparser_compatible());
    }

    #[test]
    fn flags_round_trip_and_bad_sets_are_refused() {
        for bit in 0..12 {
            let f = 1u32 << bit;
            let mut c = ParserConfig::new();
            apply_flags(&mut c, f).unwrap();
            assert_eq!(flags_of(&c), f);
        }
        let mut c = ParserConfig::new();
        assert!(apply_flags(&mut c, 1 << 12).is_err());
        assert!(apply_flags(&mut c, SB_PARSER_OBS_FOLD_CONTINUATION | SB_PARSER_OBS_FOLD_SPAN).is_err());
        let all = ALL_FLAGS & !SB_PARSER_OBS_FOLD_SPAN;
        apply_flags(&mut c, all).unwrap();
        assert_eq!(flags_of(&c), all);
        apply_flags(&mut c, 0).unwrap();
        assert_eq!(c, ParserConfig::new());
    }

    #[test]
    fn exports_check_their_arguments() {
        // SAFETY: `c` is a live config until freed at the end; every other
        // pointer is NULL or a live local.
        unsafe {
            let c = sb_parser_config_new();
            assert_eq!(sb_parser_config_set_flags(c, 1 << 20), sb_result::InvalidArgument);
            assert_eq!(sb_parser_config_set_flags(std::ptr::null_mut(), 0), sb_result::NullArgument);
            assert_eq!(sb_parser_config_set_flags(c, SB_PARSER_ALLOW_BARE_LF), sb_result::Ok);
            let mut f = 0;
            assert_eq!(sb_parser_config_flags(c, &mut f), sb_result::Ok);
            assert_eq!(f, SB_PARSER_ALLOW_BARE_LF);
            assert_eq!(sb_parser_config_flags(c, std::ptr::null_mut()), sb_result::NullArgument);
            assert_eq!(sb_parser_config_set_max_head_bytes(c, 0), sb_result::InvalidArgument);
            assert_eq!(sb_parser_config_set_max_name_len(std::ptr::null_mut(), 1), sb_result::NullArgument);
            assert_eq!(sb_parser_config_set_max_value_len(c, 10), sb_result::Ok);
            assert_eq!(sb_parser_config_set_max_target_len(c, 10), sb_result::Ok);
            sb_parser_config_free(c);
            sb_parser_config_free(std::ptr::null_mut());
        }
    }
}
