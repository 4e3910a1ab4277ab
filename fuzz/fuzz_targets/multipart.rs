//! The multipart parser fed at random splits yields the same events (and
//! the same error, at the same offset) as when fed the whole body at once,
//! with limits (all ten) and the unfold option drawn from the input; and the
//! C ABI (`sb_multipart_parser_feed`, `sb_multipart_parser_feed_batch` at a
//! capacity drawn from the input, `sb_multipart_parser_filename_star`)
//! reports exactly what the Rust parser does. Along the way, the parser's
//! documented bounds hold after every call: what it buffers stays under
//! `boundary + 4 + max_header_bytes + 2` (twice the header bytes when
//! unfolding), the delimiter search examines each input byte once plus at
//! most one delimiter length per call, `position` counts what was consumed
//! and `part_count` the parts started (at most one whose header block is
//! still arriving); and a part's accessors agree with
//! its header list and its `Content-Disposition`.
#![no_main]

use std::ffi::{c_char, CStr};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::multipart::{self as c, sb_multipart_event, sb_multipart_event_kind as Kind};
use springbok::multipart_batch::sb_multipart_parser_feed_batch;
use springbok::multipart_names::sb_multipart_parser_filename_star;
use springbok::{sb_error, sb_result};
use springbok_fuzz::take;
use springbok_multipart::{basename, Event, Limits, Options, Parser, Part};

const BOUNDARY: &[u8] = b"boundary";

/// Limits and options from three bytes: the defaults (with small preamble
/// and epilogue limits) or, for half the inputs, every limit small.
fn settings(flags: u8, a: u8, b: u8) -> (Limits, Options) {
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

/// A part start as both drivers log it.
fn part_line(
    index: usize,
    headers: Vec<(&[u8], &[u8])>,
    name: Option<&[u8]>,
    filename: Option<&[u8]>,
    content_type: Option<&[u8]>,
    is_file: bool,
    star: Option<(&[u8], &[u8], &[u8])>,
) -> String {
    format!(
        "start {index} {headers:?} name={name:?} filename={filename:?} base={:?} type={content_type:?} \
         file={is_file} star={star:?}",
        filename.map(basename)
    )
}

/// A part's accessors agree with its headers and its Content-Disposition.
fn check_part(p: &Part<'_>) {
    for (n, _) in p.headers() {
        assert_eq!(p.header(n), p.headers().find(|(m, _)| m.eq_ignore_ascii_case(n)).map(|(_, v)| v));
    }
    assert_eq!(p.content_type(), p.header(b"content-type"));
    assert_eq!(p.content_transfer_encoding(), p.header(b"content-transfer-encoding"));
    match p.content_disposition() {
        Some(cd) => {
            let form = cd.is_form_data();
            assert_eq!(p.name(), cd.name().filter(|_| form));
            assert_eq!(p.filename(), cd.filename().filter(|_| form));
            assert_eq!(p.is_file(), cd.is_file());
            assert_eq!(p.filename_star(), cd.filename_star().filter(|_| form).cloned());
        }
        // A present header was validated when the part started.
        None => assert!(p.header(b"content-disposition").is_none() && p.name().is_none() && !p.is_file()),
    }
}

fn rust_part(p: &Part<'_>) -> String {
    let star = p.filename_star();
    let star = star.as_ref().map(|f| (f.value.as_bytes(), f.charset, f.language));
    part_line(
        p.index(),
        p.headers().collect(),
        p.name().as_deref(),
        p.filename().as_deref(),
        p.content_type(),
        p.is_file(),
        star,
    )
}

/// Feeds `body` in pieces cut at `cuts` to the Rust parser; returns a log
/// of the events, data merged, ending with the outcome.
fn run(body: &[u8], cuts: &[usize], limits: Limits, options: Options) -> Vec<String> {
    let mut parser = Parser::with_options(BOUNDARY, limits, options).unwrap();
    let held = BOUNDARY.len() + 4 + limits.max_header_bytes * if options.unfold_headers { 2 } else { 1 } + 2;
    let (mut calls, mut consumed_total, mut parts) = (0u64, 0u64, 0usize);
    // The bounds after the calls so far, with `available` input bytes given.
    let bounds = |parser: &Parser, available: usize, calls: u64, consumed_total: u64, parts: usize| {
        assert!(parser.buffered_bytes() <= held, "{} bytes held", parser.buffered_bytes());
        let delimiter = (BOUNDARY.len() + 4) as u64;
        let examined = parser.bytes_examined();
        assert!(examined <= available as u64 + 2 * calls * delimiter, "{examined} bytes examined");
        assert_eq!(parser.position(), consumed_total);
        // A part counts from its delimiter; its PartStart comes after its
        // header block.
        assert!((parts..=parts + 1).contains(&parser.part_count()), "{} parts", parser.part_count());
    };
    let mut log = Vec::new();
    let mut data = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&body.len())) {
        let end = end.clamp(start, body.len());
        let mut rest = &body[start..end];
        start = end;
        loop {
            if calls > 0 {
                bounds(&parser, end, calls, consumed_total, parts);
            }
            calls += 1;
            let result = parser.feed(rest);
            if let Ok((consumed, event)) = &result {
                consumed_total += *consumed as u64;
                parts += usize::from(matches!(event, Event::PartStart(_)));
            }
            match result {
                Err(e) => {
                    if !data.is_empty() {
                        log.push(format!("data {:?}", std::mem::take(&mut data)));
                    }
                    log.push(format!("error {} at {}", e.kind().description(), e.offset()));
                    return log;
                }
                Ok((consumed, event)) => {
                    assert!(consumed <= rest.len());
                    if let Event::PartStart(p) = &event {
                        check_part(p);
                    }
                    match event {
                        Event::Data(d) => data.extend_from_slice(d),
                        Event::NeedMore => {
                            assert_eq!(consumed, rest.len());
                            break;
                        }
                        other => {
                            if !data.is_empty() {
                                log.push(format!("data {:?}", std::mem::take(&mut data)));
                            }
                            log.push(match other {
                                Event::PartStart(p) => format!("{} raw={:?}", rust_part(&p), p.raw_headers()),
                                e => format!("{e:?}"),
                            });
                        }
                    }
                    rest = &rest[consumed..];
                }
            }
        }
    }
    bounds(&parser, body.len(), calls, consumed_total, parts);
    assert_eq!(parser.is_done(), log.iter().any(|l| l == "End"));
    if !data.is_empty() {
        log.push(format!("data {data:?}"));
    }
    log.push(match parser.finish() {
        Ok(()) => "finish ok".to_string(),
        Err(e) => format!("error {} at {}", e.kind().description(), e.offset()),
    });
    log
}

/// A span from the C ABI as a slice (NULL is `None`).
fn slice<'a>(p: *const c_char, len: usize) -> Option<&'a [u8]> {
    // SAFETY: the ABI's spans are valid for `len` bytes until the next feed,
    // and every one is read before that.
    (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p.cast(), len) })
}

fn c_error(code: sb_result, err: &sb_error) -> String {
    assert_eq!(err.kind, code);
    // SAFETY: a static NUL-terminated string.
    let msg = unsafe { CStr::from_ptr(springbok::error::sb_result_message(code as u32)) };
    format!("error {} at {}", msg.to_str().unwrap(), err.offset)
}

/// The same as [`run`] at once, through the C ABI, without the raw block:
/// one event per `sb_multipart_parser_feed` (`batch` 0) or up to `batch`
/// per `sb_multipart_parser_feed_batch`.
fn run_c(body: &[u8], limits: Limits, options: Options, batch: usize) -> Vec<String> {
    // SAFETY: every pointer below is valid for the call that takes it;
    // spans are read before the next feed.
    unsafe {
        let config = c::sb_multipart_config_new();
        let set = [
            (c::SB_MULTIPART_MAX_PARTS, limits.max_parts as u64),
            (c::SB_MULTIPART_MAX_HEADER_BYTES, limits.max_header_bytes as u64),
            (c::SB_MULTIPART_MAX_HEADERS, limits.max_headers as u64),
            (c::SB_MULTIPART_MAX_PREAMBLE_BYTES, limits.max_preamble_bytes),
            (c::SB_MULTIPART_MAX_EPILOGUE_BYTES, limits.max_epilogue_bytes),
            (c::SB_MULTIPART_MAX_FIELD_BYTES, limits.max_field_bytes),
            (c::SB_MULTIPART_MAX_TOTAL_BYTES, limits.max_total_bytes),
            (c::SB_MULTIPART_MAX_FILE_BYTES, limits.max_file_bytes),
            (c::SB_MULTIPART_MAX_FILES, limits.max_files as u64),
            (c::SB_MULTIPART_MAX_FIELDS, limits.max_fields as u64),
        ];
        for (id, value) in set {
            assert_eq!(c::sb_multipart_config_set_limit(config, id, value), sb_result::Ok);
        }
        let flags = if options.unfold_headers { c::SB_MULTIPART_UNFOLD_HEADERS } else { 0 };
        // Flags read back: 0 by default, then what was set; an unknown bit
        // is refused and changes nothing.
        let mut back = 7;
        assert_eq!(c::sb_multipart_config_flags(config, &mut back), sb_result::Ok);
        assert_eq!(back, 0);
        assert_eq!(c::sb_multipart_config_set_flags(config, flags), sb_result::Ok);
        assert_eq!(c::sb_multipart_config_set_flags(config, flags | 1 << 31), sb_result::InvalidArgument);
        assert_eq!(c::sb_multipart_config_flags(config, &mut back), sb_result::Ok);
        assert_eq!(back, flags);
        assert_eq!(c::sb_multipart_config_flags(config, ptr::null_mut()), sb_result::NullArgument);
        let mut parser = ptr::null_mut();
        let r =
            c::sb_multipart_parser_new(config, BOUNDARY.as_ptr().cast(), BOUNDARY.len(), &mut parser, ptr::null_mut());
        assert_eq!(r, sb_result::Ok);
        c::sb_multipart_config_free(config);
        let mut log = Vec::new();
        let mut data = Vec::new();
        let mut rest = body;
        let mut err = sb_error { kind: sb_result::Ok, offset: 0, status: 0, header: 0 };
        let mut evs: [sb_multipart_event; 8] = std::mem::zeroed();
        let outcome = 'feed: loop {
            let (mut consumed, mut count) = (0, 1);
            let (p, n) = (rest.as_ptr().cast(), rest.len());
            let r = if batch == 0 {
                c::sb_multipart_parser_feed(parser, p, n, &mut consumed, &mut evs[0], &mut err)
            } else {
                sb_multipart_parser_feed_batch(
                    parser,
                    p,
                    n,
                    &mut consumed,
                    evs.as_mut_ptr(),
                    batch,
                    &mut count,
                    &mut err,
                )
            };
            if r != sb_result::Ok {
                break c_error(r, &err);
            }
            assert!(count >= 1 && count <= batch.max(1));
            let fed = rest;
            rest = &rest[consumed..];
            for (i, ev) in evs[..count].iter().enumerate() {
                // Only a batch's last event may be one that ends a batch.
                let last = i + 1 == count;
                let in_fed = ev.data_len == 0 || fed.as_ptr_range().contains(&ev.data.cast());
                let ends = matches!(ev.kind, Kind::NeedMore | Kind::PartStart) || ev.kind == Kind::Data && !in_fed;
                assert!(last || !ends, "a batch went on past {:?}", ev.kind);
                // `filename*` answers for the last event only, and only for
                // a PART_START.
                let mut star = None;
                if last {
                    let (mut v, mut vl, mut cs, mut csl, mut lang, mut langl) =
                        (ptr::null(), 0, ptr::null(), 0, ptr::null(), 0);
                    let r = sb_multipart_parser_filename_star(
                        parser, &mut v, &mut vl, &mut cs, &mut csl, &mut lang, &mut langl,
                    );
                    assert_eq!(r == sb_result::Ok, ev.kind == Kind::PartStart);
                    star = slice(v, vl).map(|v| (v, slice(cs, csl).unwrap(), slice(lang, langl).unwrap()));
                }
                if ev.kind == Kind::NeedMore {
                    break 'feed "finish".to_string();
                }
                log_c_event(ev, &mut log, &mut data, star);
            }
        };
        if !data.is_empty() {
            log.push(format!("data {data:?}"));
        }
        log.push(if outcome == "finish" {
            match c::sb_multipart_parser_finish(parser, &mut err) {
                sb_result::Ok => "finish ok".to_string(),
                r => c_error(r, &err),
            }
        } else {
            outcome
        });
        c::sb_multipart_parser_free(parser);
        log
    }
}

/// Appends one C ABI event other than `NEED_MORE` to `log` (data pieces
/// merged until the next other event); `star` is the part's `filename*`.
///
/// # Safety
/// The event's spans are valid.
unsafe fn log_c_event(
    ev: &sb_multipart_event,
    log: &mut Vec<String>,
    data: &mut Vec<u8>,
    star: Option<(&[u8], &[u8], &[u8])>,
) {
    if ev.kind == Kind::Data {
        data.extend_from_slice(slice(ev.data, ev.data_len).unwrap());
        return;
    }
    if !data.is_empty() {
        log.push(format!("data {:?}", std::mem::take(data)));
    }
    log.push(match ev.kind {
        Kind::PartStart => {
            // SAFETY: the caller's contract.
            let headers = unsafe { std::slice::from_raw_parts(ev.headers, ev.num_headers) };
            part_line(
                ev.part_index,
                headers
                    .iter()
                    .map(|h| (slice(h.name, h.name_len).unwrap(), slice(h.value, h.value_len).unwrap()))
                    .collect(),
                slice(ev.name, ev.name_len),
                slice(ev.filename, ev.filename_len),
                slice(ev.content_type, ev.content_type_len),
                ev.is_file,
                star,
            )
        }
        Kind::PartEnd => "PartEnd".to_string(),
        _ => "End".to_string(),
    })
}

/// The Rust log without the raw header blocks (the C ABI does not have them).
fn without_raw(log: &[String]) -> Vec<String> {
    log.iter().map(|l| l.split(" raw=").next().unwrap().to_string()).collect()
}

fuzz_target!(|data: &[u8]| {
    let ([a, b, c, flags, la, lb], body) = take::<6>(data);
    let (limits, options) = settings(flags, la, lb);
    let n = body.len();
    let mut cuts: Vec<usize> = [a, b, c].iter().map(|&x| usize::from(x) * n / 256).collect();
    cuts.sort_unstable();
    let whole = run(body, &[], limits, options);
    assert_eq!(run(body, &cuts, limits, options), whole);
    let c_log = run_c(body, limits, options, 0);
    assert_eq!(c_log, without_raw(&whole));
    assert_eq!(run_c(body, limits, options, usize::from(a % 8) + 1), c_log);
});
