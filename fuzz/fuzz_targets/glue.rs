//! The Ruby and Perl bindings' call sequences over the C ABI (glue/glue.c:
//! the same calls, buffer sizes and retries as their C glue, without the
//! interpreters), against the Rust crates. The first byte picks one of:
//! * env: a request parsed and flattened as Ruby's `sbr_env_parse` (stack
//!   storage, the `len / 3 + 1` header retry, the arena retry) and as
//!   Perl's `parse_http_request` (`head_len + 8 * headers` arena, its
//!   address-keyed table of precomputed keys) gives exactly the Rust env,
//!   for any header-count limit around the glue's stack sizes, and Ruby's
//!   incremental call (`last_len`) agrees with its one-shot call. A key
//!   either glue takes for static memory (outside the arena) never lies in
//!   the request and always has the same bytes at the same address: Ruby
//!   caches such keys by address, Perl recognises them by address.
//! * urlencoded: Ruby's pair iteration and Perl's cursor batches (with its
//!   stack arena or a small one, and the fallback arena) give the Rust
//!   pairs (or fail on a limit); Perl's `build_urlencoded` sizing gives the
//!   Rust build, and its `3 * len` encode buffer (no retry) always suffices.
//! * multipart: the boundary from a Content-Type, the ten limits, pieces fed
//!   with the glue's loops: the same events, names, `filename*` and error
//!   (kind and offset) as the Rust parser.
//! * response heads: Perl's head and iovec sizing and Ruby's two attempts
//!   write exactly the Rust writer's bytes, or all refuse; and
//!   `sb_response_head_size` agrees with the Rust writer (as `sb_env_size`
//!   does with the Rust env sizes in the env check).
#![no_main]

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use springbok::multipart::{sb_multipart_event, sb_multipart_event_kind as Kind};
use springbok::multipart_names::sb_multipart_parser_filename_star;
use springbok::{sb_error, sb_header, sb_result, sb_urlencoded_pair};
use springbok_form_urlencoded::{self as form, Style};
use springbok_fuzz::{c_config, config, take};
use springbok_multipart::{boundary, Event, Limits, Options, Parser};
use springbok_parser::env::{EnvConfig, EnvPair, Flavor, Underscores};
use springbok_parser::response_head::{HttpVersion, ResponseHead, ResponseOptions};
use springbok_parser::{Header, Status, EMPTY_HEADER};

type PairFn = extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize, bool);
type EventFn = extern "C" fn(*mut c_void, *const c_void, *const sb_multipart_event);

extern "C" {
    fn glue_ruby_env(
        config: *const c_void,
        env_flags: u32,
        buf: *const c_char,
        len: usize,
        last_len: usize,
        max_headers: usize,
        emit: PairFn,
        cx: *mut c_void,
    ) -> u32;
    fn glue_perl_env(
        config: *const c_void,
        env_flags: u32,
        buf: *const c_char,
        len: usize,
        max_headers: usize,
        emit: PairFn,
        cx: *mut c_void,
    ) -> u32;
    fn glue_urlencoded_pairs(
        p: *const c_char,
        len: usize,
        mode: u32,
        max_pairs: usize,
        max_bytes: usize,
        emit: PairFn,
        cx: *mut c_void,
    ) -> u32;
    fn glue_perl_pairs(
        p: *const c_char,
        len: usize,
        max_pairs: usize,
        max_bytes: usize,
        arena_size: usize,
        emit: PairFn,
        cx: *mut c_void,
    ) -> u32;
    fn glue_perl_build(pairs: *const sb_urlencoded_pair, n: usize, out: *mut *mut c_char, out_len: *mut usize) -> u32;
    fn glue_perl_encode(p: *const c_char, len: usize, out: *mut *mut c_char, out_len: *mut usize) -> u32;
    fn glue_free(p: *mut c_char);
    fn glue_multipart(
        content_type: *const c_char,
        ct_len: usize,
        body: *const c_char,
        ends: *const usize,
        pieces: usize,
        limits: *const u64,
        flags: u32,
        emit: EventFn,
        cx: *mut c_void,
        err: *mut sb_error,
    ) -> u32;
}

type HeadFn = unsafe extern "C" fn(
    c_int,
    *const c_char,
    usize,
    *const sb_header,
    usize,
    u32,
    *mut *mut c_char,
    *mut usize,
    *mut sb_error,
) -> u32;
extern "C" {
    fn glue_perl_head(
        status: c_int,
        reason: *const c_char,
        reason_len: usize,
        headers: *const sb_header,
        n: usize,
        flags: u32,
        out: *mut *mut c_char,
        out_len: *mut usize,
        err: *mut sb_error,
    ) -> u32;
    fn glue_ruby_head(
        status: c_int,
        reason: *const c_char,
        reason_len: usize,
        headers: *const sb_header,
        n: usize,
        flags: u32,
        out: *mut *mut c_char,
        out_len: *mut usize,
        err: *mut sb_error,
    ) -> u32;
    fn glue_perl_iovecs(
        status: c_int,
        reason: *const c_char,
        reason_len: usize,
        headers: *const sb_header,
        n: usize,
        flags: u32,
        parts: usize,
        out: *mut *mut c_char,
        out_len: *mut usize,
        err: *mut sb_error,
    ) -> u32;
}

const OK: u32 = sb_result::Ok as u32;
const PARTIAL: u32 = sb_result::Partial as u32;

/// Bytes behind a span from C (a NULL span is empty).
fn bytes<'a>(p: *const c_char, len: usize) -> &'a [u8] {
    if p.is_null() {
        return &[];
    }
    // SAFETY: the glue passes spans valid for the duration of the callback,
    // which copies them.
    unsafe { std::slice::from_raw_parts(p.cast(), len) }
}

/// What a glue function emitted: (key, value, the key was taken as static
/// memory, the key's address).
type Emitted = Vec<(Vec<u8>, Vec<u8>, bool, usize)>;

extern "C" fn collect_pair(cx: *mut c_void, k: *const c_char, kl: usize, v: *const c_char, vl: usize, st: bool) {
    // SAFETY: `cx` is the `Emitted` the caller passed to the glue function.
    let out = unsafe { &mut *cx.cast::<Emitted>() };
    out.push((bytes(k, kl).to_vec(), bytes(v, vl).to_vec(), st, k as usize));
}

/// Static keys seen so far, by address: the same address must always
/// hold the same bytes.
static STATIC_KEYS: Mutex<Option<HashMap<usize, Vec<u8>>>> = Mutex::new(None);

fn check_static_keys(emitted: &Emitted, buf: &[u8]) {
    let mut map = STATIC_KEYS.lock().unwrap();
    let map = map.get_or_insert_with(HashMap::new);
    let range = buf.as_ptr_range();
    for (key, _, is_static, addr) in emitted {
        if *is_static {
            assert!(!range.contains(&(*addr as *const u8)), "a static key points into the request: {key:?}");
            let seen = map.entry(*addr).or_insert_with(|| key.clone());
            assert_eq!(seen, key, "two keys at one static address");
        }
    }
}

fn env(data: &[u8]) {
    let ([lo, hi, env_bits, max_sel, split], buf) = take::<5>(data);
    let mut rust_config = config(lo, hi);
    // The C setters refuse 0.
    rust_config.max_target_len = rust_config.max_target_len.max(1);
    rust_config.max_name_len = rust_config.max_name_len.max(1);
    rust_config.max_value_len = rust_config.max_value_len.max(1);
    let max_headers = [1, 8, 100, 127, 128, 129, 200, 1000][usize::from(max_sel % 8)];
    // Valid flag sets only (the glues build them from named options).
    let rack = env_bits & 1 != 0;
    let underscores = [Underscores::Drop, Underscores::Reject, Underscores::Allow][usize::from(env_bits >> 1) % 3];
    let no_http_version = rack && env_bits & 8 != 0;
    let env_flags = u32::from(rack)
        | match underscores {
            Underscores::Reject => 1 << 1,
            Underscores::Allow => 1 << 2,
            _ => 0,
        }
        | if no_http_version { 1 << 3 } else { 0 };

    // The Rust env, or None for a request that does not parse or flatten.
    let mut headers = vec![EMPTY_HEADER; max_headers];
    let parsed = rust_config.parse_request(buf, 0, &mut headers);
    let rust = match &parsed {
        Ok(Status::Complete(req)) => {
            let mut ec = if rack { EnvConfig::rack() } else { EnvConfig::psgi() };
            assert_eq!(ec.flavor, if rack { Flavor::Rack } else { Flavor::Psgi });
            ec.underscores = underscores;
            ec.rack_http_version = rack && !no_http_version;
            ec.sizes(req).ok().map(|sizes| {
                let mut pairs = vec![EnvPair { key: b"", value: b"" }; sizes.pairs];
                let mut arena = vec![0u8; sizes.arena];
                let env = ec.flatten(req, &mut pairs, &mut arena).expect("flatten into the queried sizes");
                env.iter().map(|p| (p.key.to_vec(), p.value.to_vec())).collect::<Vec<_>>()
            })
        }
        _ => None,
    };

    // SAFETY: a config from sb_parser_config_new, freed below; `buf` is
    // `buf.len()` readable bytes; the callbacks get an `Emitted`.
    unsafe {
        let config = c_config(&rust_config);
        let run_ruby = |len: usize, last_len: usize| {
            let mut out: Emitted = Vec::new();
            let rc = glue_ruby_env(
                config.cast(),
                env_flags,
                buf.as_ptr().cast(),
                len,
                last_len,
                max_headers,
                collect_pair,
                (&mut out as *mut Emitted).cast(),
            );
            (rc, out)
        };
        let (ruby_rc, ruby) = run_ruby(buf.len(), 0);
        let mut perl: Emitted = Vec::new();
        let perl_rc = glue_perl_env(
            config.cast(),
            env_flags,
            buf.as_ptr().cast(),
            buf.len(),
            max_headers,
            collect_pair,
            (&mut perl as *mut Emitted).cast(),
        );
        let plain = |e: &Emitted| e.iter().map(|(k, v, _, _)| (k.clone(), v.clone())).collect::<Vec<_>>();
        // sb_env_size (no binding calls it; they size from the head) on the
        // C parse gives the Rust sizes.
        if let (Some(_), Ok(Status::Complete(req))) = (&rust, &parsed) {
            let mut ec = if rack { EnvConfig::rack() } else { EnvConfig::psgi() };
            ec.underscores = underscores;
            ec.rack_http_version = rack && !no_http_version;
            let want = ec.sizes(req).unwrap();
            let mut c_headers = vec![std::mem::zeroed::<sb_header>(); max_headers];
            let mut c_req = std::mem::zeroed::<springbok::parse::sb_request>();
            let rc = springbok::parse::sb_parser_config_parse_request(
                config,
                buf.as_ptr().cast(),
                buf.len(),
                0,
                c_headers.as_mut_ptr(),
                max_headers,
                &mut c_req,
                std::ptr::null_mut(),
            );
            assert_eq!(rc, sb_result::Ok);
            let mut sizes = std::mem::zeroed::<springbok::sb_env_sizes>();
            let rc =
                springbok::env::sb_env_size(env_flags, &c_req, c_headers.as_ptr(), &mut sizes, std::ptr::null_mut());
            assert_eq!(rc, sb_result::Ok);
            assert_eq!((sizes.pairs, sizes.arena), (want.pairs, want.arena), "sb_env_size");
        }
        match &rust {
            Some(env) => {
                assert_eq!(ruby_rc, OK, "ruby glue: {:?}", sb_result_name(ruby_rc));
                assert_eq!(perl_rc, OK, "perl glue: {:?}", sb_result_name(perl_rc));
                assert_eq!(&plain(&ruby), env, "ruby glue env");
                assert_eq!(&plain(&perl), env, "perl glue env");
            }
            None => {
                assert_ne!(ruby_rc, OK);
                assert_ne!(perl_rc, OK);
                assert_eq!(ruby_rc == PARTIAL, matches!(parsed, Ok(Status::Partial)));
            }
        }
        check_static_keys(&ruby, buf);
        check_static_keys(&perl, buf);

        // Puma's incremental calls: a prefix, then all with `last_len`.
        let k = usize::from(split) * buf.len() / 256;
        if run_ruby(k, 0).0 == PARTIAL {
            let (rc, again) = run_ruby(buf.len(), k);
            if rc == PARTIAL {
                assert!(ruby_rc != OK, "incremental Partial, one-shot OK");
            } else {
                assert_eq!((rc, plain(&again)), (ruby_rc, plain(&ruby)), "incremental vs one-shot");
            }
        }
        springbok::config::sb_parser_config_free(config);
    }
}

fn sb_result_name(rc: u32) -> String {
    // SAFETY: a static NUL-terminated string for any value.
    unsafe { std::ffi::CStr::from_ptr(springbok::error::sb_result_message(rc)) }.to_string_lossy().into_owned()
}

fn urlencoded(data: &[u8]) {
    let ([mode, limit], input) = take::<2>(data);
    let perl_mode = mode & 1 != 0;
    let max_pairs = if mode & 2 != 0 { usize::from(limit) } else { 4096 };
    let max_bytes = if mode & 4 != 0 { usize::from(limit) * 4 } else { 4 << 20 };
    let options = if perl_mode { form::Options::perl() } else { form::Options::new() };
    let options = options.max_pairs(max_pairs).max_input_bytes(max_bytes);
    let rust = form::parse(input, &options).map(|p| p.collect::<Vec<_>>());
    let mut glue: Emitted = Vec::new();
    // SAFETY: `input` is readable; the callback gets an `Emitted`.
    let rc = unsafe {
        glue_urlencoded_pairs(
            input.as_ptr().cast(),
            input.len(),
            u32::from(perl_mode),
            max_pairs,
            max_bytes,
            collect_pair,
            (&mut glue as *mut Emitted).cast(),
        )
    };
    let Ok(pairs) = rust else {
        assert_ne!(rc, OK, "the glue accepted what the Rust parser refused");
        return;
    };
    assert_eq!(rc, OK);
    let glue_pairs: Vec<(&[u8], &[u8])> = glue.iter().map(|(k, v, _, _)| (&k[..], &v[..])).collect();
    let rust_pairs: Vec<(&[u8], &[u8])> = pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    assert_eq!(glue_pairs, rust_pairs);

    // Perl's parse_urlencoded: the cursor in batches, with an arena small
    // enough (the limit byte) to move to the fallback, or the binding's.
    if perl_mode {
        let arena_size = if mode & 8 != 0 { usize::from(limit) } else { usize::MAX };
        let mut perl: Emitted = Vec::new();
        // SAFETY: as above.
        let rc = unsafe {
            glue_perl_pairs(
                input.as_ptr().cast(),
                input.len(),
                max_pairs,
                max_bytes,
                arena_size,
                collect_pair,
                (&mut perl as *mut Emitted).cast(),
            )
        };
        assert_eq!(rc, OK, "perl pairs: {}", sb_result_name(rc));
        let perl_pairs: Vec<(&[u8], &[u8])> = perl.iter().map(|(k, v, _, _)| (&k[..], &v[..])).collect();
        assert_eq!(perl_pairs, rust_pairs);
    }

    // Perl's build_urlencoded of these pairs, and append_encoded of the input.
    let c_pairs: Vec<sb_urlencoded_pair> = rust_pairs
        .iter()
        .map(|(k, v)| sb_urlencoded_pair {
            key: k.as_ptr().cast(),
            key_len: k.len(),
            value: v.as_ptr().cast(),
            value_len: v.len(),
        })
        .collect();
    // SAFETY: `c_pairs` spans live in `pairs`; outputs are malloc'ed by the
    // glue and freed with glue_free.
    unsafe {
        let (mut out, mut len) = (std::ptr::null_mut(), 0);
        let rc = glue_perl_build(c_pairs.as_ptr(), c_pairs.len(), &mut out, &mut len);
        assert_eq!(rc, OK, "perl build: {}", sb_result_name(rc));
        assert_eq!(bytes(out, len), form::build(rust_pairs.iter().copied(), Style::PerlXs).as_bytes());
        glue_free(out);
        let rc = glue_perl_encode(input.as_ptr().cast(), input.len(), &mut out, &mut len);
        assert_eq!(rc, OK, "perl encode in 3 bytes a byte: {}", sb_result_name(rc));
        assert_eq!(bytes(out, len), form::encode(input, Style::PerlXs).as_bytes());
        glue_free(out);
    }
}

/// Limits from three bytes: the defaults with small preamble and epilogue
/// limits, or every limit small.
fn multipart_limits(flags: u8, a: u8, b: u8) -> (Limits, Options) {
    let mut l = Limits::default();
    l.max_preamble_bytes = 256;
    l.max_epilogue_bytes = 256;
    if flags & 2 != 0 {
        l.max_parts = usize::from(a % 8);
        l.max_files = usize::from(b % 4);
        l.max_fields = usize::from(a / 64);
        l.max_header_bytes = 16 + usize::from(b);
        l.max_headers = usize::from(a % 5);
        l.max_preamble_bytes = u64::from(a / 4);
        l.max_epilogue_bytes = u64::from(b / 4);
        l.max_field_bytes = u64::from(a % 32);
        l.max_file_bytes = u64::from(b % 32);
        l.max_total_bytes = 32 + u64::from(a) * 2;
    }
    let mut o = Options::default();
    o.unfold_headers = flags & 1 != 0;
    (l, o)
}

/// An event log line: (kind, name, filename, content type, file, filename*
/// value/charset/language, headers), data merged.
#[derive(Debug, Default)]
struct Log(Vec<String>, Vec<u8>);

impl Log {
    fn flush(&mut self) {
        if !self.1.is_empty() {
            let d = std::mem::take(&mut self.1);
            self.0.push(format!("data {d:?}"));
        }
    }
    fn line(&mut self, s: String) {
        self.flush();
        self.0.push(s);
    }
}

fn part_line(
    index: usize,
    name: Option<&[u8]>,
    filename: Option<&[u8]>,
    ct: Option<&[u8]>,
    file: bool,
    star: Option<(&[u8], &[u8], &[u8])>,
    headers: Vec<(&[u8], &[u8])>,
) -> String {
    format!("start {index} {name:?} {filename:?} {ct:?} {file} {star:?} {headers:?}")
}

extern "C" fn collect_event(cx: *mut c_void, parser: *const c_void, ev: *const sb_multipart_event) {
    // SAFETY: `cx` is the caller's `Log`; `ev` and its spans are valid
    // during the callback; `parser` is the glue's live parser.
    unsafe {
        let log = &mut *cx.cast::<Log>();
        let ev = &*ev;
        let opt = |p: *const c_char, l: usize| (!p.is_null()).then(|| bytes(p, l));
        match ev.kind {
            Kind::Data => log.1.extend_from_slice(bytes(ev.data, ev.data_len)),
            Kind::PartStart => {
                let (mut v, mut vl, mut cs, mut csl, mut lang, mut langl) =
                    (std::ptr::null(), 0, std::ptr::null(), 0, std::ptr::null(), 0);
                let star = sb_multipart_parser_filename_star(
                    parser.cast(),
                    &mut v,
                    &mut vl,
                    &mut cs,
                    &mut csl,
                    &mut lang,
                    &mut langl,
                );
                assert_eq!(star, sb_result::Ok);
                let headers = std::slice::from_raw_parts(ev.headers, ev.num_headers)
                    .iter()
                    .map(|h| (bytes(h.name, h.name_len), bytes(h.value, h.value_len)))
                    .collect();
                let line = part_line(
                    ev.part_index,
                    opt(ev.name, ev.name_len),
                    opt(ev.filename, ev.filename_len),
                    opt(ev.content_type, ev.content_type_len),
                    ev.is_file,
                    opt(v, vl).map(|v| (v, bytes(cs, csl), bytes(lang, langl))),
                    headers,
                );
                log.line(line);
            }
            Kind::PartEnd => log.line("end".into()),
            _ => log.line("finish".into()),
        }
    }
}

fn multipart(data: &[u8]) {
    let ([flags, la, lb, c1, c2, ct_len], rest) = take::<6>(data);
    let ct_len = usize::from(ct_len).min(rest.len());
    let (content_type, body) = rest.split_at(ct_len);
    let (limits, options) = multipart_limits(flags, la, lb);

    // The Rust parser, fed at once.
    let mut rust = Log::default();
    let rust_outcome = match boundary(content_type) {
        Err(e) => Err(e.kind().description().to_string()),
        Ok(b) => {
            let mut parser = Parser::with_options(b, limits, options).unwrap();
            let mut rest = body;
            loop {
                match parser.feed(rest) {
                    Err(e) => break Err(format!("{} at {}", e.kind().description(), e.offset())),
                    Ok((consumed, event)) => {
                        rest = &rest[consumed..];
                        match event {
                            Event::NeedMore => {
                                break parser
                                    .finish()
                                    .map_err(|e| format!("{} at {}", e.kind().description(), e.offset()))
                            }
                            Event::Data(d) => rust.1.extend_from_slice(d),
                            Event::PartStart(p) => {
                                let star = p.filename_star();
                                let line = part_line(
                                    p.index(),
                                    p.name().as_deref(),
                                    p.filename().as_deref(),
                                    p.content_type(),
                                    p.is_file(),
                                    star.as_ref().map(|f| (f.value.as_bytes(), f.charset, f.language)),
                                    p.headers().collect(),
                                );
                                rust.line(line);
                            }
                            Event::PartEnd => rust.line("end".into()),
                            _ => rust.line("finish".into()),
                        }
                    }
                }
            }
        }
    };
    rust.flush();

    let n = body.len();
    let mut ends = [usize::from(c1) * n / 256, usize::from(c2) * n / 256, n];
    ends.sort_unstable();
    let c_limits = [
        limits.max_parts as u64,
        limits.max_header_bytes as u64,
        limits.max_headers as u64,
        limits.max_preamble_bytes,
        limits.max_epilogue_bytes,
        limits.max_field_bytes,
        limits.max_total_bytes,
        limits.max_file_bytes,
        limits.max_files as u64,
        limits.max_fields as u64,
    ];
    let mut glue = Log::default();
    let mut err = sb_error { kind: sb_result::Ok, offset: 0, status: 0, header: 0 };
    // SAFETY: every buffer is readable for its length; the callback gets
    // a `Log`.
    let rc = unsafe {
        glue_multipart(
            content_type.as_ptr().cast(),
            content_type.len(),
            body.as_ptr().cast(),
            ends.as_ptr(),
            ends.len(),
            c_limits.as_ptr(),
            u32::from(options.unfold_headers),
            collect_event,
            (&mut glue as *mut Log).cast(),
            &mut err,
        )
    };
    glue.flush();
    let glue_outcome = if rc == OK {
        Ok(())
    } else if content_type.is_empty() || boundary(content_type).is_err() {
        Err(sb_result_name(rc))
    } else {
        Err(format!("{} at {}", sb_result_name(rc), err.offset))
    };
    match (&rust_outcome, &glue_outcome) {
        (Err(_), Err(_)) if boundary(content_type).is_err() => {}
        _ => {
            assert_eq!(glue_outcome, rust_outcome);
            assert_eq!(glue.0, rust.0);
        }
    }
}

fn response_heads(data: &[u8]) {
    let ([s0, s1, opts, parts], rest) = take::<4>(data);
    let status = u16::from_le_bytes([s0, s1]) % 1100;
    let pieces: Vec<&[u8]> = rest.split(|&b| b == 0xff).collect();
    let reason = if opts & 1 == 0 { None } else { pieces.first().copied() };
    let headers: Vec<Header<'_>> = pieces[1.min(pieces.len())..]
        .chunks(2)
        .map(|c| Header { name: c[0], value: c.get(1).copied().unwrap_or(b"") })
        .collect();
    let mut options = if opts & 2 == 0 { ResponseOptions::new() } else { ResponseOptions::rack2() };
    let flags = if opts & 4 != 0 {
        options.version = HttpVersion::Http10;
        1
    } else {
        0
    } | if opts & 2 != 0 { 2 } else { 0 };
    let rust = ResponseHead::new(status, reason, &headers, &options).ok().map(|h| {
        let mut buf = vec![0u8; h.encoded_len()];
        h.write(&mut buf).unwrap();
        buf
    });
    let c_headers: Vec<sb_header> = headers
        .iter()
        .map(|h| sb_header {
            name: h.name.as_ptr().cast(),
            name_len: h.name.len(),
            value: h.value.as_ptr().cast(),
            value_len: h.value.len(),
        })
        .collect();
    let (rp, rl) = reason.map_or((std::ptr::null(), 0), |r| (r.as_ptr().cast(), r.len()));
    let call = |f: HeadFn| {
        let (mut out, mut len) = (std::ptr::null_mut(), 0);
        let mut err = sb_error { kind: sb_result::Ok, offset: 0, status: 0, header: 0 };
        // SAFETY: spans valid for the call; the output is freed here.
        unsafe {
            let rc = f(
                c_int::from(status),
                rp,
                rl,
                c_headers.as_ptr(),
                c_headers.len(),
                flags,
                &mut out,
                &mut len,
                &mut err,
            );
            let bytes = (rc == OK).then(|| bytes(out, len).to_vec());
            glue_free(out);
            (rc, bytes)
        }
    };
    // sb_response_head_size (what a caller sizes its buffer and iovecs
    // with) agrees with the Rust writer.
    let mut info = springbok::sb_response_head_info { len: 0, iovec_count: 0, dropped: 0 };
    // SAFETY: spans valid for the call; `info` is writable.
    let rc = unsafe {
        springbok::response_head::sb_response_head_size(
            c_int::from(status),
            rp,
            rl,
            c_headers.as_ptr(),
            c_headers.len(),
            flags,
            &mut info,
            std::ptr::null_mut(),
        )
    };
    match ResponseHead::new(status, reason, &headers, &options) {
        Ok(h) => {
            assert_eq!(rc, sb_result::Ok);
            assert_eq!((info.len, info.iovec_count, info.dropped), (h.encoded_len(), h.iovec_count(), h.dropped()));
        }
        Err(_) => assert_ne!(rc, sb_result::Ok),
    }
    for (name, f) in [("perl head", glue_perl_head as HeadFn), ("ruby head", glue_ruby_head as HeadFn)] {
        let (rc, out) = call(f);
        assert_eq!(out, rust, "{name}: {}", sb_result_name(rc));
    }
    let (mut out, mut len) = (std::ptr::null_mut(), 0);
    let mut err = sb_error { kind: sb_result::Ok, offset: 0, status: 0, header: 0 };
    // SAFETY: as above.
    unsafe {
        let rc = glue_perl_iovecs(
            c_int::from(status),
            rp,
            rl,
            c_headers.as_ptr(),
            c_headers.len(),
            flags,
            usize::from(parts),
            &mut out,
            &mut len,
            &mut err,
        );
        assert_eq!((rc == OK).then(|| bytes(out, len).to_vec()), rust, "perl iovecs: {}", sb_result_name(rc));
        glue_free(out);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    match which % 4 {
        0 => env(rest),
        1 => urlencoded(rest),
        2 => multipart(rest),
        _ => response_heads(rest),
    }
});
