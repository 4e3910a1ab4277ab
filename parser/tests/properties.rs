//! Properties of the parser over generated inputs: serialise/parse
//! round-trips, split-invariance of incremental parsing, no panics under any
//! configuration, and agreement with httparse where both define the result.

use proptest::prelude::*;
use springbok_parser::{Header, ObsFold, ParserConfig, Status, EMPTY_HEADER};

const TCHAR: &[u8] = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TARGET: &[u8] = b"-._~!$&'()*+,;=:@/?0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A request as data, to serialise.
#[derive(Clone, Debug, PartialEq)]
struct Req {
    method: Vec<u8>,
    target: Vec<u8>,
    minor: u8,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Req {
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.method);
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.extend_from_slice(if self.minor == 0 { b" HTTP/1.0\r\n" } else { b" HTTP/1.1\r\n" });
        for (n, v) in &self.headers {
            out.extend_from_slice(n);
            out.extend_from_slice(b": ");
            out.extend_from_slice(v);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

fn from(set: &'static [u8], len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(set), len)
}

fn target() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => from(TARGET, 1..6),
        1 => (0u8..=255).prop_map(|b| format!("%{b:02X}").into_bytes()),
        1 => (0u8..=255).prop_map(|b| format!("%{b:02x}").into_bytes()),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|pieces| {
        let mut t = vec![b'/'];
        pieces.into_iter().for_each(|p| t.extend(p));
        t
    })
}

/// A field value: visible bytes (optionally obs-text) with inner SP/HTAB,
/// never starting or ending with whitespace.
fn value(obs_text: bool) -> impl Strategy<Value = Vec<u8>> {
    let byte = if obs_text {
        prop_oneof![8 => 0x21u8..0x7f, 1 => Just(b' '), 1 => Just(b'\t'), 1 => 0x80u8..=0xff].boxed()
    } else {
        prop_oneof![8 => 0x21u8..0x7f, 1 => Just(b' '), 1 => Just(b'\t')].boxed()
    };
    proptest::collection::vec(byte, 0..40).prop_map(|mut v| {
        while matches!(v.first(), Some(b' ' | b'\t')) {
            v.remove(0);
        }
        while matches!(v.last(), Some(b' ' | b'\t')) {
            v.pop();
        }
        v
    })
}

fn request(obs_text: bool) -> impl Strategy<Value = Req> {
    (from(TCHAR, 1..10), target(), 0u8..=1, proptest::collection::vec((from(TCHAR, 1..20), value(obs_text)), 0..20))
        .prop_map(|(method, target, minor, headers)| Req { method, target, minor, headers })
}

type Parsed = (Vec<u8>, Vec<u8>, u8, Vec<(Vec<u8>, Vec<u8>)>, usize);

fn parse(config: &ParserConfig, buf: &[u8], last_len: usize) -> Result<Status<Parsed>, springbok_parser::Error> {
    let mut headers = [EMPTY_HEADER; 32];
    Ok(match config.parse_request(buf, last_len, &mut headers)? {
        Status::Complete(r) => Status::Complete((
            r.method.to_vec(),
            r.target.to_vec(),
            r.minor_version,
            r.headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect(),
            r.head_len,
        )),
        Status::Partial => Status::Partial,
    })
}

fn httparse_parse(buf: &[u8]) -> Result<httparse::Status<Parsed>, httparse::Error> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    Ok(match req.parse(buf)? {
        httparse::Status::Complete(len) => httparse::Status::Complete((
            req.method.unwrap().as_bytes().to_vec(),
            req.path.unwrap().as_bytes().to_vec(),
            req.version.unwrap(),
            req.headers.iter().map(|h| (h.name.as_bytes().to_vec(), h.value.to_vec())).collect(),
            len,
        )),
        httparse::Status::Partial => httparse::Status::Partial,
    })
}

fn any_config() -> impl Strategy<Value = ParserConfig> {
    (
        proptest::collection::vec(any::<bool>(), 8),
        0usize..3,
        prop_oneof![Just(usize::MAX), 0usize..300],
        prop_oneof![Just(usize::MAX), 0usize..100],
        prop_oneof![Just(usize::MAX), 0usize..40],
        prop_oneof![Just(usize::MAX), 0usize..100],
    )
        .prop_map(|(flags, fold, head, target, name, value)| {
            let mut c = ParserConfig::new();
            c.allow_bare_lf = flags[0];
            c.allow_multiple_spaces = flags[1];
            c.allow_leading_empty_lines = flags[2];
            c.allow_whitespace_before_first_header = flags[3];
            c.ignore_invalid_headers = flags[4];
            c.allow_loose_target = flags[5];
            c.allow_missing_reason_space = flags[6];
            c.obs_fold = [ObsFold::Reject, ObsFold::Continuation, ObsFold::Span][fold];
            c.max_head_bytes = head;
            c.max_target_len = target;
            c.max_name_len = name;
            c.max_value_len = value;
            c
        })
}

/// Bytes that look like a head: pieces of real syntax mixed with noise, so
/// random inputs reach deep into the grammar.
fn headish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"GET".to_vec()),
        Just(b" ".to_vec()),
        Just(b"/".to_vec()),
        Just(b"HTTP/1.1".to_vec()),
        Just(b"HTTP/1.0 200 OK".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\t".to_vec()),
        Just(b":".to_vec()),
        Just(b"Host: x".to_vec()),
        Just(b"%4".to_vec()),
        from(TCHAR, 1..5),
        proptest::collection::vec(any::<u8>(), 1..4),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

fn within(buf: &[u8], s: &[u8]) -> bool {
    let r = buf.as_ptr_range();
    s.is_empty() || (r.start <= s.as_ptr() && s.as_ptr_range().end <= r.end)
}

fn check_headers(buf: &[u8], headers: &[Header<'_>], config: &ParserConfig) -> Result<(), TestCaseError> {
    for h in headers {
        prop_assert!(within(buf, h.name) && within(buf, h.value));
        prop_assert!(h.name.len() <= config.max_name_len && h.value.len() <= config.max_value_len);
        if h.name.is_empty() {
            prop_assert_eq!(config.obs_fold, ObsFold::Continuation);
        }
        prop_assert!(h.name.iter().all(|b| TCHAR.contains(b)));
        if config.obs_fold != ObsFold::Span {
            prop_assert!(h.value.iter().all(|&b| b == b'\t' || b >= 0x20 && b != 0x7f));
        }
        prop_assert!(!matches!(h.value.first(), Some(b' ' | b'\t')));
        prop_assert!(!matches!(h.value.last(), Some(b' ' | b'\t')));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn serialise_then_parse_round_trips(req in request(true), body in proptest::collection::vec(any::<u8>(), 0..8)) {
        let head = req.to_bytes();
        let mut buf = head.clone();
        buf.extend_from_slice(&body);
        let parsed = parse(&ParserConfig::new(), &buf, 0).unwrap().complete().unwrap();
        prop_assert_eq!(parsed, (req.method, req.target, req.minor, req.headers, head.len()));
    }

    #[test]
    fn any_split_gives_the_same_result(req in request(true), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 1..6)) {
        let buf = req.to_bytes();
        let config = ParserConfig::new();
        let whole = parse(&config, &buf, 0);
        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(buf.len())).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut last_len = 0;
        for &k in &cuts {
            prop_assert_eq!(parse(&config, &buf[..k], last_len), Ok(Status::Partial));
            last_len = k;
        }
        prop_assert_eq!(parse(&config, &buf, last_len), whole);
    }

    #[test]
    fn no_input_panics_and_results_are_well_formed(buf in headish(), config in any_config(), last in any::<prop::sample::Index>()) {
        let last_len = last.index(buf.len() + 1);
        let mut headers = [EMPTY_HEADER; 8];
        if let Ok(Status::Complete(r)) = config.parse_request(&buf, last_len, &mut headers) {
            prop_assert!(r.head_len <= buf.len() && r.head_len <= config.max_head_bytes);
            prop_assert!(!r.method.is_empty() && r.method.iter().all(|b| TCHAR.contains(b)));
            prop_assert!(!r.target.is_empty() && r.target.len() <= config.max_target_len);
            check_headers(&buf, r.headers, &config)?;
        }
        let mut headers = [EMPTY_HEADER; 8];
        if let Ok(Status::Complete(r)) = config.parse_response(&buf, last_len, &mut headers) {
            prop_assert!(r.head_len <= buf.len() && (100..=999).contains(&r.code));
            check_headers(&buf, r.headers, &config)?;
        }
        let mut headers = [EMPTY_HEADER; 8];
        if let Ok(Status::Complete(b)) = config.parse_headers(&buf, last_len, &mut headers) {
            prop_assert!(b.len <= buf.len());
            check_headers(&buf, b.headers, &config)?;
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(buf in proptest::collection::vec(any::<u8>(), 0..300), config in any_config()) {
        let mut headers = [EMPTY_HEADER; 8];
        let _ = config.parse_request(&buf, 0, &mut headers);
        let mut headers = [EMPTY_HEADER; 8];
        let _ = config.parse_response(&buf, 0, &mut headers);
        let mut headers = [EMPTY_HEADER; 8];
        let _ = config.parse_headers(&buf, 0, &mut headers);
    }

    /// On valid requests in the grammar both parsers share, they agree
    /// exactly: same parts, same header slices, same head length.
    #[test]
    fn agrees_with_httparse_on_valid_requests(req in request(true)) {
        let buf = req.to_bytes();
        let ours = parse(&ParserConfig::new(), &buf, 0).unwrap();
        let theirs = httparse_parse(&buf).unwrap();
        prop_assert_eq!(ours.complete(), match theirs { httparse::Status::Complete(p) => Some(p), _ => None });
    }

    /// Springbok is stricter than httparse, never looser: whatever it accepts
    /// from a corrupted request, httparse accepts with the same result. (The
    /// converse fails by design — bare LF, leading CRLF, `"` in targets…)
    /// The one exception: `HTTP/1.2` to `HTTP/1.9`, which Springbok
    /// processes as HTTP/1.1 (RFC 9110 §6.2) and httparse refuses, go to
    /// httparse written as `HTTP/1.1`.
    #[test]
    fn accepts_nothing_httparse_rejects(req in request(false),
                                        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut buf = req.to_bytes();
        for (at, b) in edits {
            let i = at.index(buf.len());
            buf[i] = b;
        }
        if let Ok(Status::Complete(ours)) = parse(&ParserConfig::new(), &buf, 0) {
            let version = ours.0.len() + ours.1.len() + 2;
            if let Some(v @ [b'H', b'T', b'T', b'P', b'/', b'1', b'.', b'2'..=b'9']) = buf.get_mut(version..version + 8) {
                v[7] = b'1';
            }
            match httparse_parse(&buf) {
                Ok(httparse::Status::Complete(theirs)) => prop_assert_eq!(ours, theirs),
                other => prop_assert!(false, "httparse said {:?} for {:?}", other, String::from_utf8_lossy(&buf)),
            }
        }
    }
}
