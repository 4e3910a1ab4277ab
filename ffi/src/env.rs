//! CGI-style env flattening (`springbok_parser::env`): one call fills the
//! caller's array of key/value spans for a PSGI or Rack env, with generated
//! names, joined duplicates and the decoded PSGI `PATH_INFO` in a caller
//! arena.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_parser::env::{EnvConfig, EnvError, EnvPair, EnvSizes, Flavor, Underscores, EMPTY_PAIR};
use springbok_parser::Request;

use crate::error::{sb_error, sb_result};
use crate::failure::{finish, Detail, Failure};
use crate::input::{self, HeaderStore};
use crate::parse::sb_request;
use crate::pico::sb_header;
use crate::ptr::{guard, try_out, try_out_opt, try_out_slice, try_ref, zeroed, ArgError};
use crate::scratch::Scratch;

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
pub(crate) fn config(flags: u32) -> Result<EnvConfig, ArgError> {
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

impl Detail for EnvError {
    fn detail(&self) -> sb_error {
        match *self {
            EnvError::BadPercentEncoding { offset } => sb_error::new(sb_result::EnvBadPercentEncoding, offset, 400),
            EnvError::UnderscoreHeader { index } => {
                sb_error { kind: sb_result::EnvUnderscoreHeader, offset: index, status: 400, header: index }
            }
            _ => sb_error::new(sb_result::InvalidEnv, 0, 400),
        }
    }
}

/// Why an env call produced no result; on `TooSmall`, the sizes it needs.
pub(crate) type EnvFailure = Failure<EnvError, sb_env_sizes>;

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
        let r = (|| -> Result<_, EnvFailure> {
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
        let r = (|| -> Result<_, EnvFailure> {
            let config = config(flags)?;
            // SAFETY: the export's contract: readable spans and headers.
            let req = unsafe { input::request(req, headers, &mut store) }?;
            flatten(&config, &req, pairs, arena)
        })();
        finish(r, out, out_error)
    })
}

/// Writes the env of `req` into `out` and `arena` only when the whole env
/// fits. A usual request (one header a key, no fold, no `_` in a name) is
/// planned, its sizes known without a walk, then written straight into the
/// caller's storage; any other is flattened in one walk into scratch
/// storage and copied out (`flatten_once`), sized first only when the
/// scratch guess was short.
pub(crate) fn flatten<'a>(
    config: &EnvConfig,
    req: &Request<'a, '_>,
    out: &mut [MaybeUninit<sb_env_pair>],
    arena: &'a mut [MaybeUninit<u8>],
) -> Result<sb_env_sizes, EnvFailure> {
    let plan = config.plan(req)?;
    if plan.is_usual() {
        let sizes = plan.sizes();
        if out.len() < sizes.pairs || arena.len() < sizes.arena {
            return Err(Failure::TooSmall(sizes.into()));
        }
        let arena = zeroed(&mut arena[..sizes.arena]);
        let mut slots = out.iter_mut();
        plan.write(arena, |p| {
            if let Some(slot) = slots.next() {
                slot.write(pair(p.key, p.value));
            }
        })?;
        return Ok(sizes.into());
    }
    if out.len() >= EnvConfig::max_pairs(req.headers.len()) && arena.len() >= arena_guess(req) {
        if let Some(done) = flatten_once(config, req, out, arena) {
            return done;
        }
    }
    let sizes = config.sizes(req)?;
    if out.len() < sizes.pairs || arena.len() < sizes.arena {
        return Err(Failure::TooSmall(sizes.into()));
    }
    let arena = zeroed(&mut arena[..sizes.arena]);
    let mut scratch = Scratch::<EnvPair<'a>, STACK_PAIRS>::new();
    let env = config.flatten(req, scratch.filled(sizes.pairs, EMPTY_PAIR), arena).map_err(|e| match e {
        EnvError::PairsTooSmall { .. } | EnvError::ArenaTooSmall { .. } => Failure::TooSmall(sizes.into()),
        e => Failure::Invalid(e),
    })?;
    for (p, slot) in env.iter().zip(out.iter_mut()) {
        slot.write(pair(p.key, p.value));
    }
    Ok(sb_env_sizes { pairs: env.len(), arena: sizes.arena })
}

fn pair(key: &[u8], value: &[u8]) -> sb_env_pair {
    sb_env_pair { key: key.as_ptr().cast(), key_len: key.len(), value: value.as_ptr().cast(), value_len: value.len() }
}

/// What an env of `req` needs when no value is joined: the generated names
/// and the decoded path. `flatten_once` tries this much scratch first.
fn arena_guess(req: &Request<'_, '_>) -> usize {
    req.headers.iter().fold(req.target.len(), |n, h| n.saturating_add(h.name.len() + 5))
}

/// Env pairs sized first on the stack up to this many, on the heap beyond.
const STACK_PAIRS: usize = 80;

/// Scratch arena kept on the stack (uninitialised but for the bytes a
/// request may use); larger envs use the heap.
const STACK_ARENA: usize = 16 * 1024;

/// Scratch pairs kept on the stack by `flatten_once` (the env of 128
/// headers); more use the heap.
const STACK_ONCE_PAIRS: usize = 137;

/// One walk into scratch pairs and a scratch arena, then the used arena
/// bytes are copied to the caller's and the spans that point into the
/// scratch arena are moved with them. The scratch arena is `arena_guess`
/// bytes; `None` when that was not enough (joined values), and the caller
/// sizes the env first instead.
fn flatten_once(
    config: &EnvConfig,
    req: &Request<'_, '_>,
    out: &mut [MaybeUninit<sb_env_pair>],
    arena: &mut [MaybeUninit<u8>],
) -> Option<Result<sb_env_sizes, EnvFailure>> {
    let guess = arena_guess(req);
    // Only the bytes this request may use are initialised (zeroed), not the
    // whole stack buffer.
    let mut arena_scratch = Scratch::<u8, STACK_ARENA>::new();
    let scratch_arena = arena_scratch.filled(guess, 0);
    let base = scratch_arena.as_ptr() as usize;
    let end = base + scratch_arena.len();
    let n = EnvConfig::max_pairs(req.headers.len());
    let mut pairs = Scratch::<EnvPair<'_>, STACK_ONCE_PAIRS>::new();
    let env = match config.try_flatten(req, pairs.filled(n, EMPTY_PAIR), scratch_arena) {
        Ok(Some(env)) => env,
        Ok(None) => return None,
        Err(e) => return Some(Err(Failure::Invalid(e))),
    };
    // Spans inside the scratch arena move to the same offset in the
    // caller's (empty ones may sit at its very end and move too). Each arena
    // byte belongs to one span and the arena is filled from its start, so
    // the furthest end is the used length.
    let dest = arena.as_mut_ptr() as usize;
    let mut used = 0;
    let mut moved = |s: &[u8]| -> *const c_char {
        let at = (s.as_ptr() as usize).wrapping_sub(base);
        if at > end - base {
            return s.as_ptr().cast();
        }
        let target = &mut arena[at..at + s.len()];
        // SAFETY: `target` is `s.len()` writable bytes of the caller's arena
        // (bounds checked by the slicing), `s` is readable, and they cannot
        // overlap (one is Springbok's scratch storage, the other the
        // caller's).
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), target.as_mut_ptr().cast::<u8>(), s.len()) };
        used = used.max(at + s.len());
        (dest + at) as *const c_char
    };
    for (p, slot) in env.iter().zip(out.iter_mut()) {
        let (key, value) = (moved(p.key), moved(p.value));
        slot.write(sb_env_pair { key, key_len: p.key.len(), value, value_len: p.value.len() });
    }
    Some(Ok(sb_env_sizes { pairs: env.len(), arena: used }))
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

    /// What `env_with` saw: the result, the pairs, the sizes, the arena after its used bytes.
    type Flattened = (sb_result, Vec<(Vec<u8>, Vec<u8>)>, sb_env_sizes, Vec<u8>);

    /// The env of `buf` through `sb_env_flatten` with `pairs_len` pairs and
    /// an arena of `arena_len` bytes preset to 0xAA: the result, the pairs
    /// as bytes, the sizes, and the arena bytes after the used ones.
    fn env_with(buf: &[u8], flags: u32, pairs_len: usize, arena_len: usize) -> Flattened {
        use crate::config::{
            sb_parser_config_free, sb_parser_config_new, sb_parser_config_set_flags, SB_PARSER_OBS_FOLD_CONTINUATION,
        };
        use crate::parse::sb_parser_config_parse_request;
        let mut headers =
            [sb_header { name: std::ptr::null(), name_len: 0, value: std::ptr::null(), value_len: 0 }; 64];
        let mut req = std::mem::MaybeUninit::<sb_request>::uninit();
        let mut pairs =
            vec![sb_env_pair { key: std::ptr::null(), key_len: 0, value: std::ptr::null(), value_len: 0 }; pairs_len];
        let mut arena = vec![0xAAu8; arena_len];
        let mut sizes = sb_env_sizes { pairs: 0, arena: 0 };
        // SAFETY: every pointer is valid for its length; the config is freed once.
        unsafe {
            let config = sb_parser_config_new();
            assert_eq!(sb_parser_config_set_flags(config, SB_PARSER_OBS_FOLD_CONTINUATION), sb_result::Ok);
            let rc = sb_parser_config_parse_request(
                config,
                buf.as_ptr().cast(),
                buf.len(),
                0,
                headers.as_mut_ptr(),
                64,
                req.as_mut_ptr(),
                std::ptr::null_mut(),
            );
            sb_parser_config_free(config);
            assert_eq!(rc, sb_result::Ok);
            let rc = sb_env_flatten(
                flags,
                req.as_ptr(),
                headers.as_ptr(),
                pairs.as_mut_ptr(),
                pairs_len,
                arena.as_mut_ptr().cast(),
                arena_len,
                &mut sizes,
                std::ptr::null_mut(),
            );
            let got = if rc == sb_result::Ok {
                pairs[..sizes.pairs]
                    .iter()
                    .map(|p| {
                        (
                            std::slice::from_raw_parts(p.key.cast::<u8>(), p.key_len).to_vec(),
                            std::slice::from_raw_parts(p.value.cast::<u8>(), p.value_len).to_vec(),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let rest = if rc == sb_result::Ok { arena[sizes.arena..].to_vec() } else { arena.clone() };
            (rc, got, sizes, rest)
        }
    }

    #[test]
    fn one_walk_and_sized_paths_agree() {
        let requests: [&[u8]; 6] = [
            b"GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nX-Custom-Thing: 1\r\nUser-Agent: u\r\n\r\n",
            b"GET / HTTP/1.1\r\nX-Dup: 1\r\nx-dup: 2\r\nX-Other: 3\r\nX-DUP: 4\r\n\r\n",
            b"GET / HTTP/1.1\r\nX-Fold: a\r\n  b\r\nX-Long-Value-Header: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\r\n\r\n",
            b"GET /%E2%82%AC HTTP/1.1\r\nX_Under: 1\r\nX-Under: 2\r\nContent-Type: t\r\ncontent-type: u\r\n\r\n",
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nA: \r\na: \r\n\r\n",
        ];
        for buf in requests {
            for flags in [SB_ENV_PSGI, SB_ENV_UNDERSCORES_ALLOW, SB_ENV_RACK] {
                // Exact storage: the sized path (the one walk needs room to guess).
                let (rc, _, need, _) = env_with(buf, flags, 0, 0);
                assert_eq!(rc, sb_result::BufferTooSmall);
                let (rc, exact, sizes, _) = env_with(buf, flags, need.pairs, need.arena);
                assert_eq!(rc, sb_result::Ok);
                assert_eq!((sizes.pairs, sizes.arena), (need.pairs, need.arena));
                // Generous storage: the one walk, falling back when values are joined.
                let (rc, once, sizes, rest) = env_with(buf, flags, 200, 4096);
                assert_eq!(rc, sb_result::Ok);
                assert_eq!(once, exact, "{:?}", String::from_utf8_lossy(buf));
                assert_eq!((sizes.pairs, sizes.arena), (need.pairs, need.arena));
                assert!(rest.iter().all(|&b| b == 0xAA), "arena written past its used bytes");
            }
        }
    }
}
