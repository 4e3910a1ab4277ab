//! Parse and env in one call (`sb_parser_config_parse_request_env`): for
//! bindings that turn every request into an env hash and never look at the
//! header array. The headers stay in Rust's layout inside the call, so
//! nothing is converted between the two layouts, and the env walk knows
//! from the parser config whether values can hold raw folds.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use springbok_parser::{Header, Status};

use crate::config::sb_parser_config;
use crate::env::{config as env_config, flatten, sb_env_pair, sb_env_sizes};
use crate::error::{sb_error, sb_result};
use crate::failure::{finish, Detail};
use crate::parse::sb_request;
use crate::ptr::{
    guard, misaligned, out_slice_unchecked, out_unchecked, oversized, slice_unchecked, try_out, try_out_opt,
    try_out_slice, try_ref, try_slice, unusable, ArgError,
};
use crate::scratch::Scratch;

/// Headers kept on the stack; more use the heap.
const STACK_HEADERS: usize = 128;

/// Parses a request head from `buf`/`len` with `config`, as
/// `sb_parser_config_parse_request` does with a header array of
/// `max_headers` entries, and flattens it into env pairs as `sb_env_flatten`
/// does with `flags`, `pairs`/`pairs_len` and `arena`/`arena_len`.
///
/// Returns `SB_RESULT_OK` and writes `*out_request` (its `num_headers`
/// counts the header lines; the headers themselves are not returned),
/// `pairs[0, out_sizes->pairs)`, `arena[0, out_sizes->arena)` and
/// `*out_sizes`; or the results of the parse (`SB_RESULT_PARTIAL`, a parse
/// error with `*out_error`), then those of the flattening
/// (`SB_RESULT_BUFFER_TOO_SMALL` with the sizes needed in `*out_sizes`: grow
/// the storage and call again; `SB_RESULT_ENV_*` with `*out_error`); or
/// `SB_RESULT_NULL_ARGUMENT` / `SB_RESULT_INVALID_ARGUMENT`. Nothing but
/// `*out_error` (on an error) or `*out_sizes` (`SB_RESULT_BUFFER_TOO_SMALL`)
/// is written unless the result is `SB_RESULT_OK`.
///
/// `max_headers` bounds the header lines as a header array of that size
/// does (more is `SB_RESULT_TOO_MANY_HEADERS`); storage for them is
/// Springbok's, on the stack up to 128 and on the heap beyond, never more
/// than the input could need.
///
/// # Safety
/// `config` must be NULL or a live config; `buf` NULL or `len` readable
/// bytes; `pairs` NULL or `pairs_len` writable entries; `arena` NULL or
/// `arena_len` writable bytes; the outputs NULL (`out_error` may be) or
/// writable; none may overlap another or the input.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sb_parser_config_parse_request_env(
    config: *const sb_parser_config,
    flags: u32,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    max_headers: usize,
    pairs: *mut sb_env_pair,
    pairs_len: usize,
    arena: *mut c_char,
    arena_len: usize,
    out_request: *mut sb_request,
    out_sizes: *mut sb_env_sizes,
    out_error: *mut sb_error,
) -> sb_result {
    let refused = unusable(config)
        | unusable(buf)
        | unusable(pairs)
        | unusable(arena)
        | unusable(out_request)
        | unusable(out_sizes)
        | misaligned(out_error)
        | oversized::<u8>(len)
        | oversized::<sb_env_pair>(pairs_len)
        | oversized::<u8>(arena_len)
        | usize::from(last_len > len);
    if refused != 0 {
        // SAFETY: forwarded from the caller.
        return unsafe {
            parse_request_env_checked(
                config,
                flags,
                buf,
                len,
                last_len,
                max_headers,
                pairs,
                pairs_len,
                arena,
                arena_len,
                out_request,
                out_sizes,
                out_error,
            )
        };
    }
    guard(sb_result::Panic, || {
        // SAFETY: every pointer is non-NULL (`out_error` may be NULL) and
        // aligned and every length fits a slice (checked above); the caller
        // guarantees the rest: a live config, readable input, writable
        // storage and outputs, no overlap.
        unsafe {
            run(
                &*config,
                flags,
                slice_unchecked(buf.cast::<u8>(), len),
                last_len,
                max_headers,
                out_slice_unchecked(pairs, pairs_len),
                out_slice_unchecked(arena.cast::<u8>(), arena_len),
                out_unchecked(out_request),
                out_unchecked(out_sizes),
                if out_error.is_null() { None } else { Some(out_unchecked(out_error)) },
            )
        }
    })
}

/// [`sb_parser_config_parse_request_env`] for a call its first test sent
/// here: each argument checked in turn, and the code of the first one
/// refused, or the call.
///
/// # Safety
/// As [`sb_parser_config_parse_request_env`].
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn parse_request_env_checked(
    config: *const sb_parser_config,
    flags: u32,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    max_headers: usize,
    pairs: *mut sb_env_pair,
    pairs_len: usize,
    arena: *mut c_char,
    arena_len: usize,
    out_request: *mut sb_request,
    out_sizes: *mut sb_env_sizes,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_ref(config),
                try_slice(buf.cast::<u8>(), len),
                try_out_slice(pairs, pairs_len),
                try_out_slice(arena.cast::<u8>(), arena_len),
                try_out(out_request),
                try_out(out_sizes),
                try_out_opt(out_error),
            )
        };
        match args {
            (Ok(c), Ok(b), Ok(p), Ok(a), Ok(r), Ok(s), Ok(e)) => run(c, flags, b, last_len, max_headers, p, a, r, s, e),
            (Err(e), ..)
            | (_, Err(e), ..)
            | (_, _, Err(e), ..)
            | (_, _, _, Err(e), ..)
            | (_, _, _, _, Err(e), ..)
            | (_, _, _, _, _, Err(e), _)
            | (.., Err(e)) => e.into(),
        }
    })
}

/// The call on checked arguments.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn run<'b>(
    config: &sb_parser_config,
    flags: u32,
    buf: &'b [u8],
    last_len: usize,
    max_headers: usize,
    pairs: &mut [MaybeUninit<sb_env_pair>],
    arena: &'b mut [MaybeUninit<u8>],
    out_request: &mut MaybeUninit<sb_request>,
    out_sizes: &mut MaybeUninit<sb_env_sizes>,
    out_error: Option<&mut MaybeUninit<sb_error>>,
) -> sb_result {
    let env = match env_config(flags) {
        Ok(env) => env.for_parser(&config.inner),
        Err(e) => return e.into(),
    };
    if last_len > buf.len() {
        return ArgError::Invalid.into();
    }
    // A header line takes at least 2 bytes (a lenient obs-fold line: a
    // space and a line feed), so storage beyond that is never used; this
    // also bounds the heap.
    let room = max_headers.min(buf.len() / 2 + 1);
    let mut store = Scratch::<Header<'_>, STACK_HEADERS>::new();
    let req = match config.inner.parse_request_uninit(buf, last_len, store.uninit(room)) {
        Ok(Status::Complete(req)) => req,
        Ok(Status::Partial) => return sb_result::Partial,
        Err(e) => return e.detail().report(out_error),
    };
    let flattened = flatten(&env, &req, pairs, arena).inspect(|_| {
        out_request.write(sb_request {
            method: req.method.as_ptr().cast(),
            method_len: req.method.len(),
            target: req.target.as_ptr().cast(),
            target_len: req.target.len(),
            minor_version: c_int::from(req.minor_version),
            num_headers: req.headers.len(),
            head_len: req.head_len,
        });
    });
    finish(flattened, out_sizes, out_error)
}
