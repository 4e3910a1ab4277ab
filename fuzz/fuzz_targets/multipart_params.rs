//! `Content-Type` / `Content-Disposition` parameters and file base names,
//! through Rust and the C ABI:
//! * `HeaderParams` never panics, and `sb_header_params_*` reports the same
//!   type, parameters (name, decoded value, charset, language) or error
//!   (message and offset);
//! * parsed parameters serialized again (quoted-strings with quoted-pairs,
//!   `name*` as `UTF-8''%XX`) parse back to the same parameters;
//! * it agrees with `boundary()` on a multipart `Content-Type`, and with
//!   `ContentDisposition::parse` where the form-data rule and the RFC rule
//!   coincide (no backslash, no `*` parameter);
//! * `basename` / `sb_multipart_basename` return the same suffix, with no
//!   separator in it.
#![no_main]

use std::ffi::{c_char, CStr};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::header_params::{
    sb_header_params_free, sb_header_params_new, sb_header_params_next, SB_HEADER_PARAMS_CONTENT_DISPOSITION,
    SB_HEADER_PARAMS_CONTENT_TYPE,
};
use springbok::multipart_names::sb_multipart_basename;
use springbok::{sb_error, sb_header_param, sb_result};
use springbok_multipart::{basename, boundary, ContentDisposition, ErrorKind, HeaderParams};

/// Type and (name, value, charset, language) per parameter, or the error.
type Parsed = Result<(Vec<u8>, Vec<Param>), String>;
type Param = (Vec<u8>, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>);

fn rust(value: &[u8], content_type: bool) -> Parsed {
    let h = if content_type { HeaderParams::content_type(value) } else { HeaderParams::content_disposition(value) };
    match h {
        Ok(h) => Ok((
            h.type_name().to_vec(),
            h.params()
                .map(|p| {
                    (p.name.to_vec(), p.value.to_vec(), p.charset.map(<[u8]>::to_vec), p.language.map(<[u8]>::to_vec))
                })
                .collect(),
        )),
        Err(e) => Err(format!("{} at {}", e.kind().description(), e.offset())),
    }
}

fn slice<'a>(p: *const c_char, len: usize) -> Option<&'a [u8]> {
    // SAFETY: spans from the C ABI, valid until the next call on the iterator.
    (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p.cast(), len) })
}

fn via_c(value: &[u8], content_type: bool) -> Parsed {
    let kind = if content_type { SB_HEADER_PARAMS_CONTENT_TYPE } else { SB_HEADER_PARAMS_CONTENT_DISPOSITION };
    // SAFETY: every pointer is valid for the call that takes it; `value`
    // outlives the iterator.
    unsafe {
        let (mut it, mut ty, mut ty_len) = (ptr::null_mut(), ptr::null(), 0);
        let mut err = sb_error { kind: sb_result::Ok, offset: 0, status: 0, header: 0 };
        let r = sb_header_params_new(value.as_ptr().cast(), value.len(), kind, &mut it, &mut ty, &mut ty_len, &mut err);
        if r != sb_result::Ok {
            assert!(it.is_null() && ty.is_null() && err.kind == r && err.status == 400);
            let msg = CStr::from_ptr(springbok::error::sb_result_message(r as u32));
            return Err(format!("{} at {}", msg.to_str().unwrap(), err.offset));
        }
        let mut params = Vec::new();
        let mut p: sb_header_param = std::mem::zeroed();
        loop {
            match sb_header_params_next(it, &mut p) {
                sb_result::Ok => {}
                sb_result::End => break,
                other => panic!("{other:?}"),
            }
            assert!(!p.name.is_null() && !p.value.is_null());
            params.push((
                slice(p.name, p.name_len).unwrap().to_vec(),
                slice(p.value, p.value_len).unwrap().to_vec(),
                slice(p.charset, p.charset_len).map(<[u8]>::to_vec),
                slice(p.language, p.language_len).map(<[u8]>::to_vec),
            ));
        }
        sb_header_params_free(it);
        Ok((slice(ty, ty_len).unwrap().to_vec(), params))
    }
}

/// Writes parameters back: plain values as quoted-strings (a backslash
/// before `"` and `\`), extended ones as `UTF-8''` and `%XX` for every byte
/// that is not an RFC 8187 attr-char.
fn serialize(ty: &[u8], params: &[Param]) -> Vec<u8> {
    let mut out = ty.to_vec();
    for (name, value, charset, _) in params {
        out.extend_from_slice(b"; ");
        out.extend_from_slice(name);
        out.push(b'=');
        if charset.is_some() {
            out.extend_from_slice(b"UTF-8''");
            for &b in value {
                if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("%{b:02X}").as_bytes());
                }
            }
        } else {
            out.push(b'"');
            for &b in value {
                if b == b'"' || b == b'\\' {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'"');
        }
    }
    out
}

fn check_params(value: &[u8], content_type: bool) {
    let parsed = rust(value, content_type);
    assert_eq!(via_c(value, content_type), parsed);
    let Ok((ty, params)) = parsed else { return };
    // Round trip (charsets become UTF-8, languages empty).
    let again = serialize(&ty, &params);
    if !content_type || again.len() <= springbok_multipart::MAX_CONTENT_TYPE_LEN {
        let (ty2, params2) = rust(&again, content_type).unwrap_or_else(|e| panic!("{e}: {again:?}"));
        assert_eq!(ty2, ty);
        let strip =
            |ps: &[Param]| ps.iter().map(|(n, v, c, _)| (n.clone(), v.clone(), c.is_some())).collect::<Vec<_>>();
        assert_eq!(strip(&params2), strip(&params));
    }
    let named = |n: &[u8]| params.iter().filter(|p| p.0.eq_ignore_ascii_case(n)).map(|p| &p.1).collect::<Vec<_>>();
    if content_type && ty.len() > 10 && ty[..10].eq_ignore_ascii_case(b"multipart/") {
        let bs = named(b"boundary");
        match boundary(value) {
            Ok(b) => assert!(bs.len() == 1 && bs[0] == b),
            Err(e) => match e.kind() {
                ErrorKind::MissingBoundary => assert!(bs.is_empty()),
                ErrorKind::DuplicateBoundary => assert!(bs.len() > 1),
                // The first boundary parameter is invalid (a later one may repeat it).
                ErrorKind::InvalidBoundary => assert!(!bs.is_empty()),
                other => panic!("HeaderParams accepts what boundary() calls {other:?}"),
            },
        }
    }
    if !content_type && !value.contains(&b'\\') && !value.contains(&b'*') {
        if let Ok(cd) = ContentDisposition::parse(value) {
            assert!(cd.disposition().eq_ignore_ascii_case(&ty));
            for (raw, n) in [(cd.name_raw(), &b"name"[..]), (cd.filename_raw(), b"filename")] {
                match raw {
                    Some(raw) => assert_eq!(named(n), [raw]),
                    None => assert!(named(n).is_empty()),
                }
            }
        }
    }
}

fn check_basename(name: &[u8]) {
    let base = basename(name);
    assert!(name.ends_with(base) && !base.contains(&b'/') && !base.contains(&b'\\'));
    let (mut out, mut out_len) = (ptr::null(), usize::MAX);
    // SAFETY: `name` is `name.len()` readable bytes; the outputs are writable.
    let r = unsafe { sb_multipart_basename(name.as_ptr().cast(), name.len(), &mut out, &mut out_len) };
    assert_eq!(r, sb_result::Ok);
    assert_eq!((out.cast::<u8>(), out_len), (base.as_ptr(), base.len()));
}

fuzz_target!(|data: &[u8]| {
    check_params(data, true);
    check_params(data, false);
    check_basename(data);
});
