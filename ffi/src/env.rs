//! CGI-style env flattening (`springbok_parser::env`): one call fills the
//! caller's array of key/value spans for a PSGI or Rack env, with generated
//! names, joined duplicates and the decoded PSGI `PATH_INFO` in a caller
//! arena.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_parser::env::{EnvConfig, EnvError, EnvPair, EnvSizes, Flavor, Underscores, EMPTY_PAIR};
use springbok_parser::Request;

use crate::error::{sb_error, sb_result};
use crate::input::{self, HeaderStore};
use crate::parse::sb_request;
use crate::pico::sb_header;
use crate::ptr::{guard, try_out, try_out_opt, try_out_slice, try_ref, zeroed, ArgError};

/// PSGI env (HTTP::Parser::XS's `%env`, the default): `PATH_INFO`
/// percent-decoded, fragment stripped.
pub const SB_ENV_PSGI: u32 = 0;
/// Rack env (as Puma builds it): `PATH_INFO` raw, plus `REQUEST_PATH`,
/// `FRAGMENT` (when the target has one) and `HTTP_VERSION`.
pub const SB_ENV_RACK: u32 = 1 << 0;
/// Fail with `SB_RESULT_ENV_UNDERSCORE_HEADER` when a header name contains
/// `_` (the default drops such headers, as nginx does: `X_Forwarded_For`
/// would otherwise spoof `X-Forwarded-For`). Exclusive with
/// `SB_ENV_UNDERSCORES_ALLOW`.
pub const SB_ENV_UNDERSCORES_REJECT: u32 = 1 << 1;
/// Map `_` in header names like `-`, as HTTP::Parser::XS does (`X_Foo` and
/// `X-Foo` are joined into `HTTP_X_FOO`). Exclusive with
/// `SB_ENV_UNDERSCORES_REJECT`.
pub const SB_ENV_UNDERSCORES_ALLOW: u32 = 1 << 2;
/// With `SB_ENV_RACK`: no `HTTP_VERSION` key (Rack 3.1 and later; Puma
/// adds it only for older Rack). Invalid without `SB_ENV_RACK`.
pub const SB_ENV_RACK_NO_HTTP_VERSION: u32 = 1 << 3;
/// The most pairs an env has that do not come from a header: size the pair
/// array `SB_ENV_MAX_FIXED_PAIRS + num_headers` to never see
/// `SB_RESULT_BUFFER_TOO_SMALL` for pairs.
pub const SB_ENV_MAX_FIXED_PAIRS: usize = 9;

const ALL_FLAGS: u32 = SB_ENV_RACK | SB_ENV_UNDERSCORES_REJECT | SB_ENV_UNDERSCORES_ALLOW | SB_ENV_RACK_NO_HTTP_VERSION;

/// One env entry, written by `sb_env_flatten`. Each span points into the
/// request's input buffer (values, the target's parts, header values used
/// as they are), into Springbok's static memory (fixed and common keys,
/// `"HTTP/1.1"`, `""`) or into the caller's arena (generated `HTTP_*`
/// names, joined duplicate values, the decoded PSGI `PATH_INFO`): valid as
/// long as both the input buffer and the arena are unchanged. Bytes, not
/// strings: no NUL terminator. Never NULL, even when empty.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_env_pair {
    /// The key, e.g. `REQUEST_METHOD` or `HTTP_USER_AGENT`.
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// The value.
    pub value: *const c_char,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// The storage an env needs (from `sb_env_size`, or from `sb_env_flatten`
/// when it returns `SB_RESULT_BUFFER_TOO_SMALL`) or used (from
/// `sb_env_flatten` on success).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sb_env_sizes {
    /// Number of pairs.
    pub pairs: usize,
    /// Bytes of arena.
    pub arena: usize,
}

impl From<EnvSizes> for sb_env_sizes {
    fn from(s: EnvSizes) -> sb_env_sizes {
        sb_env_sizes { pairs: s.pairs, arena: s.arena }
    }
}

/// The configuration `flags` ask for.
fn config(flags: u32) -> Result<EnvConfig, ArgError> {
    if flags & !ALL_FLAGS != 0 {
        return Err(ArgError::Invalid);
    }
    let rack = flags & SB_ENV_RACK != 0;
    let mut config = if rack { EnvConfig::rack() } else { EnvConfig::psgi() };
    config.underscores = match (flags & SB_ENV_UNDERSCORES_REJECT != 0, flags & SB_ENV_UNDERSCORES_ALLOW != 0) {
        (false, false) => Underscores::Drop,
        (true, false) => Underscores::Reject,
        (false, true) => Underscores::Allow,
        (true, true) => return Err(ArgError::Invalid),
    };
    if flags & SB_ENV_RACK_NO_HTTP_VERSION != 0 {
        if !rack {
            return Err(ArgError::Invalid);
        }
        config.rack_http_version = false;
    }
    debug_assert_eq!(config.flavor == Flavor::Rack, rack);
    Ok(config)
}

/// Why an env call produced no result.
enum Failure {
    Arg(ArgError),
    Env(EnvError),
    /// The caller's storage is smaller than these sizes.
    TooSmall(sb_env_sizes),
}

impl From<ArgError> for Failure {
    fn from(e: ArgError) -> Failure {
        Failure::Arg(e)
    }
}

impl From<EnvError> for Failure {
    fn from(e: EnvError) -> Failure {
        Failure::Env(e)
    }
}

fn detail(e: EnvError) -> sb_error {
    match e {
        EnvError::BadPercentEncoding { offset } => sb_error::new(sb_result::EnvBadPercentEncoding, offset, 400),
        EnvError::UnderscoreHeader { index } => {
            sb_error { kind: sb_result::EnvUnderscoreHeader, offset: index, status: 400, header: index }
        }
        _ => sb_error::new(sb_result::InvalidEnv, 0, 400),
    }
}

/// Turns an outcome into a result code: `*out_sizes` on success and on
/// `SB_RESULT_BUFFER_TOO_SMALL`, `*out_error` on an env error.
fn finish(
    r: Result<sb_env_sizes, Failure>,
    out_sizes: &mut MaybeUninit<sb_env_sizes>,
    out_error: Option<&mut MaybeUninit<sb_error>>,
) -> sb_result {
    match r {
        Ok(s) => {
            out_sizes.write(s);
            sb_result::Ok
        }
        Err(Failure::TooSmall(s)) => {
            out_sizes.write(s);
            sb_result::BufferTooSmall
        }
        Err(Failure::Arg(e)) => e.into(),
        Err(Failure::Env(e)) => detail(e).report(out_error),
    }
}

/// Env pairs flattened on the stack up to this many, on the heap beyond.
const STACK_PAIRS: usize = 80;

/// Says how much storage `sb_env_flatten` needs for this request with
/// these `flags`: writes `*out_sizes` (pairs and arena bytes) and returns
/// `SB_RESULT_OK`. Fails as `sb_env_flatten` would for a bad request
/// (`SB_RESULT_ENV_BAD_PERCENT_ENCODING`, `SB_RESULT_ENV_UNDERSCORE_HEADER`,
/// with `*out_error`), or with `SB_RESULT_NULL_ARGUMENT` /
/// `SB_RESULT_INVALID_ARGUMENT` (unknown or contradictory flags, a
/// `minor_version` other than 0 or 1).
///
/// # Safety
/// As `sb_env_flatten`, without the storage.
#[no_mangle]
pub unsafe extern "C" fn sb_env_size(
    flags: u32,
    request: *const sb_request,
    headers: *const sb_header,
    out_sizes: *mut sb_env_sizes,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (req, out, out_error) = match unsafe { (try_ref(request), try_out(out_sizes), try_out_opt(out_error)) } {
            (Ok(r), Ok(o), Ok(e)) => (r, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure> {
            let config = config(flags)?;
            // SAFETY: the export's contract: readable spans and headers.
            let req = unsafe { input::request(req, headers, &mut store) }?;
            Ok(config.sizes(&req)?.into())
        })();
        finish(r, out, out_error)
    })
}

/// Flattens a parsed request into env pairs: `request` (from
/// `sb_parser_config_parse_request`) gives the method, target, version and
/// `num_headers`, `headers[0, request->num_headers)` the headers, `flags`
/// the flavour (`SB_ENV_PSGI` / `SB_ENV_RACK`) and options
/// (`SB_ENV_UNDERSCORES_*`, `SB_ENV_RACK_NO_HTTP_VERSION`).
///
/// `pairs`/`pairs_len` is caller storage for the pairs
/// (`SB_ENV_MAX_FIXED_PAIRS + request->num_headers` always suffices) and
/// `arena`/`arena_len` caller storage for the bytes that are not in the
/// input buffer (any content; only the bytes used are written). Either may
/// be NULL when its length is 0.
///
/// Returns `SB_RESULT_OK`, fills `pairs[0, out_sizes->pairs)` and
/// `arena[0, out_sizes->arena)` and writes `*out_sizes`; or
/// `SB_RESULT_BUFFER_TOO_SMALL` and writes the sizes needed to `*out_sizes`
/// (nothing else: grow the storage and call again); or
/// `SB_RESULT_ENV_BAD_PERCENT_ENCODING` (PSGI: the offset of the bad `%` in
/// the target) / `SB_RESULT_ENV_UNDERSCORE_HEADER` (the header's index) and
/// `*out_error` if not NULL; or `SB_RESULT_NULL_ARGUMENT` /
/// `SB_RESULT_INVALID_ARGUMENT`. No output but `*out_sizes` is written
/// unless the result is `SB_RESULT_OK`.
///
/// Keys come in this order: the fixed keys (`REQUEST_METHOD`,
/// `REQUEST_URI`, `SCRIPT_NAME`, `PATH_INFO`, `QUERY_STRING`,
/// `SERVER_PROTOCOL`, then for Rack `REQUEST_PATH`, `FRAGMENT`,
/// `HTTP_VERSION`), then one pair per distinct header key in first-seen
/// order (`CONTENT_TYPE`, `CONTENT_LENGTH`, `HTTP_*`; repeated headers
/// joined with `", "`). Every key appears once.
///
/// # Safety
/// `request` must be NULL or a valid `sb_request` whose spans are readable;
/// `headers` NULL (only with `request->num_headers` 0) or
/// `request->num_headers` readable entries whose spans are readable;
/// `pairs` NULL or `pairs_len` writable entries; `arena` NULL or
/// `arena_len` writable bytes; outputs NULL or writable; the outputs must
/// not overlap each other or the inputs.
#[no_mangle]
pub unsafe extern "C" fn sb_env_flatten(
    flags: u32,
    request: *const sb_request,
    headers: *const sb_header,
    pairs: *mut sb_env_pair,
    pairs_len: usize,
    arena: *mut c_char,
    arena_len: usize,
    out_sizes: *mut sb_env_sizes,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_ref(request),
                try_out_slice(pairs, pairs_len),
                try_out_slice(arena.cast::<u8>(), arena_len),
                try_out(out_sizes),
                try_out_opt(out_error),
            )
        };
        let (req, pairs, arena, out, out_error) = match args {
            (Ok(r), Ok(p), Ok(a), Ok(o), Ok(e)) => (r, p, a, o, e),
            (Err(e), _, _, _, _)
            | (_, Err(e), _, _, _)
            | (_, _, Err(e), _, _)
            | (_, _, _, Err(e), _)
            | (_, _, _, _, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure> {
            let config = config(flags)?;
            // SAFETY: the export's contract: readable spans and headers.
            let req = unsafe { input::request(req, headers, &mut store) }?;
            flatten(&config, &req, pairs, arena)
        })();
        finish(r, out, out_error)
    })
}

/// Checks the sizes first, so that nothing is written unless the whole env
/// fits, then flattens into scratch pairs and copies them out.
/// The storage certainly suffices: flatten once into stack scratch, then
/// copy the pairs and the used arena bytes out (the caller's storage is
/// written only on success), moving the spans that point into the scratch
/// arena to the caller's. `None` (never expected) falls back to sizing.
/// `A` and `P` are the scratch sizes (two tiers, so that small requests
/// do not pay for zeroing the large scratch).
fn flatten_direct<'a, const A: usize, const P: usize>(
    config: &EnvConfig,
    req: &Request<'a, '_>,
    out: &mut [MaybeUninit<sb_env_pair>],
    arena: &'a mut [MaybeUninit<u8>],
) -> Option<Result<sb_env_sizes, Failure>> {
    let mut scratch = [0u8; A];
    let mut stack = [EMPTY_PAIR; P];
    let scratch_range = scratch.as_ptr_range();
    let env = match config.flatten(req, &mut stack, &mut scratch) {
        Ok(env) => env,
        Err(EnvError::PairsTooSmall { .. } | EnvError::ArenaTooSmall { .. }) => return None,
        Err(e) => return Some(Err(Failure::Env(e))),
    };
    // Offset in the scratch arena of a span built there.
    let offset =
        |s: &[u8]| scratch_range.contains(&s.as_ptr()).then(|| s.as_ptr() as usize - scratch_range.start as usize);
    let used =
        env.iter().flat_map(|p| [p.key, p.value]).filter_map(|s| offset(s).map(|o| o + s.len())).max().unwrap_or(0);
    if used > arena.len() || env.len() > out.len() {
        return None;
    }
    // The arena bytes are copied from the spans that use them.
    for s in env.iter().flat_map(|p| [p.key, p.value]) {
        if let Some(o) = offset(s) {
            for (&b, slot) in s.iter().zip(arena[o..].iter_mut()) {
                slot.write(b);
            }
        }
    }
    let to = arena.as_ptr().cast::<c_char>();
    let place = |s: &[u8]| -> *const c_char {
        match offset(s) {
            // SAFETY: o <= used <= arena.len(): within (or one past) the arena.
            Some(o) => unsafe { to.add(o) },
            None => s.as_ptr().cast(),
        }
    };
    for (p, slot) in env.iter().zip(out.iter_mut()) {
        slot.write(sb_env_pair {
            key: place(p.key),
            key_len: p.key.len(),
            value: place(p.value),
            value_len: p.value.len(),
        });
    }
    Some(Ok(sb_env_sizes { pairs: env.len(), arena: used }))
}

/// Scratch arena of the fast path: requests whose arena bound fits are
/// flattened in one walk, without sizing them first.
const SCRATCH_ARENA: usize = 4096;
/// The small tier of the fast path's scratch (a request with a few headers).
const SMALL_ARENA: usize = 512;
const SMALL_PAIRS: usize = 24;
/// The large tier (a hundred-odd headers).
const LARGE_ARENA: usize = 16384;
const LARGE_PAIRS: usize = 160;

fn flatten<'a>(
    config: &EnvConfig,
    req: &Request<'a, '_>,
    out: &mut [MaybeUninit<sb_env_pair>],
    arena: &'a mut [MaybeUninit<u8>],
) -> Result<sb_env_sizes, Failure> {
    let bound = EnvConfig::arena_bound(req);
    let max_pairs = EnvConfig::max_pairs(req.headers.len());
    if bound <= arena.len() && max_pairs <= out.len() {
        let direct = if bound <= SMALL_ARENA && max_pairs <= SMALL_PAIRS {
            flatten_direct::<SMALL_ARENA, SMALL_PAIRS>(config, req, out, arena)
        } else if bound <= SCRATCH_ARENA && max_pairs <= STACK_PAIRS {
            flatten_direct::<SCRATCH_ARENA, STACK_PAIRS>(config, req, out, arena)
        } else if bound <= LARGE_ARENA && max_pairs <= LARGE_PAIRS {
            flatten_direct::<LARGE_ARENA, LARGE_PAIRS>(config, req, out, arena)
        } else {
            None
        };
        if let Some(r) = direct {
            return r;
        }
    }
    let sizes = config.sizes(req)?;
    if out.len() < sizes.pairs || arena.len() < sizes.arena {
        return Err(Failure::TooSmall(sizes.into()));
    }
    let arena = zeroed(&mut arena[..sizes.arena]);
    let mut stack = [EMPTY_PAIR; STACK_PAIRS];
    let mut heap = Vec::new();
    let scratch: &mut [EnvPair<'a>] = if sizes.pairs <= STACK_PAIRS {
        &mut stack[..sizes.pairs]
    } else {
        heap.resize(sizes.pairs, EMPTY_PAIR);
        &mut heap[..]
    };
    let env = config.flatten(req, scratch, arena).map_err(|e| match e {
        EnvError::PairsTooSmall { .. } | EnvError::ArenaTooSmall { .. } => Failure::TooSmall(sizes.into()),
        e => Failure::Env(e),
    })?;
    for (p, slot) in env.iter().zip(out.iter_mut()) {
        slot.write(sb_env_pair {
            key: p.key.as_ptr().cast(),
            key_len: p.key.len(),
            value: p.value.as_ptr().cast(),
            value_len: p.value.len(),
        });
    }
    Ok(sb_env_sizes { pairs: env.len(), arena: sizes.arena })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_fixed_pairs_is_the_crates() {
        assert_eq!(SB_ENV_MAX_FIXED_PAIRS, EnvConfig::max_pairs(0));
    }

    #[test]
    fn flags_map_to_configs() {
        assert_eq!(config(SB_ENV_PSGI), Ok(EnvConfig::psgi()));
        assert_eq!(config(SB_ENV_RACK), Ok(EnvConfig::rack()));
        let c = config(SB_ENV_RACK | SB_ENV_UNDERSCORES_ALLOW | SB_ENV_RACK_NO_HTTP_VERSION).unwrap();
        assert_eq!((c.flavor, c.underscores, c.rack_http_version), (Flavor::Rack, Underscores::Allow, false));
        assert_eq!(config(SB_ENV_UNDERSCORES_REJECT).unwrap().underscores, Underscores::Reject);
        assert_eq!(config(SB_ENV_UNDERSCORES_REJECT | SB_ENV_UNDERSCORES_ALLOW), Err(ArgError::Invalid));
        assert_eq!(config(SB_ENV_RACK_NO_HTTP_VERSION), Err(ArgError::Invalid));
        assert_eq!(config(1 << 4), Err(ArgError::Invalid));
    }

    type Owned = Vec<(Vec<u8>, Vec<u8>)>;

    /// The env as owned bytes, and the arena bytes used.
    fn run(config: &EnvConfig, req: &Request<'_, '_>, pairs: usize, arena: usize) -> (Owned, usize) {
        let mut out = vec![MaybeUninit::<sb_env_pair>::uninit(); pairs];
        let mut store = vec![MaybeUninit::<u8>::uninit(); arena];
        let sizes = match flatten(config, req, &mut out, &mut store) {
            Ok(s) => s,
            _ => panic!("flatten failed"),
        };
        let range = store.as_ptr_range();
        let env = out[..sizes.pairs]
            .iter()
            .map(|p| {
                // SAFETY: written by flatten for the first sizes.pairs entries.
                let p = unsafe { p.assume_init_ref() };
                let bytes = |ptr: *const c_char, len: usize| {
                    if len > 0 && range.contains(&ptr.cast()) {
                        assert!(
                            ptr as usize + len <= store.as_ptr() as usize + sizes.arena,
                            "span past the used arena"
                        );
                    }
                    // SAFETY: spans into the request buffer or the written arena.
                    unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }.to_vec()
                };
                (bytes(p.key, p.key_len), bytes(p.value, p.value_len))
            })
            .collect();
        (env, sizes.arena)
    }

    #[test]
    fn the_one_walk_path_gives_what_sizing_first_gives() {
        let heads: [&[u8]; 4] = [
            b"GET /caf%C3%A9?q=1 HTTP/1.1\r\nHost: h\r\nX-Rare-Name: a\r\nx-rare-name: b\r\n\r\n",
            b"POST /a HTTP/1.0\r\nContent-Type: t\r\nContent-Length: 3\r\nCookie: a\r\nCookie: b\r\n\r\n",
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: 1\r\nB: 2\r\nA: 3\r\nVersion: 9\r\nX_Under: u\r\n\r\n",
        ];
        for head in heads {
            let mut headers = [springbok_parser::EMPTY_HEADER; 16];
            let req = springbok_parser::ParserConfig::default()
                .parse_request(head, 0, &mut headers)
                .unwrap()
                .complete()
                .unwrap();
            for config in [EnvConfig::psgi(), EnvConfig::rack()] {
                let sizes = config.sizes(&req).unwrap();
                let exact = run(&config, &req, sizes.pairs, sizes.arena);
                let roomy = run(&config, &req, 200, 20_000);
                assert_eq!(exact, roomy, "{}", String::from_utf8_lossy(head));
                assert_eq!(roomy.1, sizes.arena);
            }
        }
    }
}
