//! The fast path against the general grammar: every input, every
//! configuration, the same result (including errors and partial
//! results, and the headers pushed before them). The whole suite runs
//! again under every backend (`simd::tests`), so this covers each
//! finder (`finders.rs`).

use super::*;
use crate::config::ObsFold;
use crate::grammar::{RequestLine, StatusLine};
use crate::Header;
use proptest::prelude::*;
use std::string::ToString;
use std::vec::Vec;

type Lines<'b> = (Result<Option<usize>, Error>, Vec<Header<'b>>);

fn fast_lines<'b>(buf: &'b [u8], pos: usize, config: &ParserConfig, cap: usize) -> Lines<'b> {
    let mut storage = std::vec![crate::EMPTY_HEADER; cap];
    let mut headers = Storage::new(&mut storage);
    let r = header_lines(buf, pos, config, &mut headers);
    (r, headers.into_filled().to_vec())
}

fn general_lines<'b>(buf: &'b [u8], pos: usize, config: &ParserConfig, cap: usize) -> Lines<'b> {
    let mut storage = std::vec![crate::EMPTY_HEADER; cap];
    let mut headers = Storage::new(&mut storage);
    let r = grammar::header_lines(buf, pos, config, &mut headers, true);
    (r, headers.into_filled().to_vec())
}

/// A start line as a value tests can compare.
trait Key<'b>: StartLine<'b> {
    type K: PartialEq + core::fmt::Debug;
    fn key(&self) -> Self::K;
}

impl<'b> Key<'b> for RequestLine<'b> {
    type K = (&'b [u8], &'b [u8], u8);
    fn key(&self) -> Self::K {
        (self.method, self.target, self.minor_version)
    }
}

impl<'b> Key<'b> for StatusLine<'b> {
    type K = (u8, u16, &'b [u8]);
    fn key(&self) -> Self::K {
        (self.minor_version, self.code, self.reason)
    }
}

impl Key<'_> for NoLine {
    type K = ();
    fn key(&self) -> Self::K {}
}

type Line<K> = Result<Option<(K, usize)>, Error>;

/// A kind of start line, for tests generic over it at every lifetime.
trait Kind {
    type Line<'b>: Key<'b>;
}

/// Request heads.
struct Requests;

impl Kind for Requests {
    type Line<'b> = RequestLine<'b>;
}

/// Response heads.
struct Responses;

impl Kind for Responses {
    type Line<'b> = StatusLine<'b>;
}

fn flatten<'b, L: Key<'b>>(r: Step<(L, usize)>) -> Line<L::K> {
    r.map(|o| o.map(|(l, p)| (l.key(), p)))
}

/// The configurations compared: strict, lenient, and tight limits.
fn configs() -> Vec<ParserConfig> {
    let mut lenient = ParserConfig::picohttpparser_compatible();
    lenient.allow_bare_lf = true;
    lenient.allow_whitespace_before_first_header = true;
    let mut skipping = ParserConfig::new();
    skipping.ignore_invalid_headers = true;
    skipping.obs_fold = ObsFold::Continuation;
    let mut loose = ParserConfig::new();
    loose.allow_loose_target = true;
    loose.allow_multiple_spaces = true;
    let mut span = ParserConfig::new();
    span.obs_fold = ObsFold::Span;
    let mut tight = ParserConfig::new();
    tight.max_name_len = 4;
    tight.max_value_len = 6;
    tight.max_target_len = 5;
    std::vec![ParserConfig::new(), lenient, skipping, loose, span, tight]
}

/// The start line alone, through the fast path of the active backend.
struct LineOnly<L>(PhantomData<L>);

impl<'b, L: StartLine<'b>> Routine<'b> for LineOnly<L> {
    type Storage = ();
    type Answer = ();
    type Output = Step<(L, usize)>;

    fn run<B: Cpu>(cpu: B, config: &ParserConfig, buf: &'b [u8], _: usize, _: (), (): ()) -> Self::Output {
        match L::parse_common(cpu, buf, config) {
            Some(line) => Ok(Some(line)),
            None => L::parse_general(buf, config),
        }
    }
}

/// The whole head through [`super::fast_head`] with the active backend.
struct WholeHead<'s, 'h, T, L>(PhantomData<(&'s mut Storage<'h, T>, L)>);

impl<'b, 's, 'h, T: Slot<'b>, L: StartLine<'b>> Routine<'b> for WholeHead<'s, 'h, T, L> {
    type Storage = &'s mut Storage<'h, T>;
    type Answer = ();
    type Output = Step<(L, usize)>;

    fn run<B: Cpu>(
        cpu: B,
        config: &ParserConfig,
        buf: &'b [u8],
        _: usize,
        headers: Self::Storage,
        (): (),
    ) -> Self::Output {
        let so_far = super::fast_head::<B, L, T>(cpu, buf, config, headers);
        general_head(buf, config, headers, so_far)
    }
}

type Head<'b, K> = (Line<K>, Vec<Header<'b>>);

fn fast_head<'b, L: Key<'b>>(buf: &'b [u8], config: &ParserConfig, cap: usize) -> Head<'b, L::K> {
    let mut storage = std::vec![crate::EMPTY_HEADER; cap];
    let mut headers = Storage::new(&mut storage);
    let r = flatten(dispatch::run::<WholeHead<'_, '_, _, L>>(config, buf, 0, &mut headers, ()));
    (r, headers.into_filled().to_vec())
}

fn grammar_head<'b, L: Key<'b>>(buf: &'b [u8], config: &ParserConfig, cap: usize) -> Head<'b, L::K> {
    let mut storage = std::vec![crate::EMPTY_HEADER; cap];
    let mut headers = Storage::new(&mut storage);
    let r = L::parse_general(buf, config).and_then(|line| match line {
        Some((line, pos)) => Ok(grammar::header_lines(buf, pos, config, &mut headers, true)?.map(|end| (line, end))),
        None => Ok(None),
    });
    (flatten(r), headers.into_filled().to_vec())
}

/// `buf` as a head with an `F` start line, through the fast path and
/// through the grammar alone, under every configuration: the start
/// line alone, the whole head, and the header lines from the start and
/// after the start line.
fn check_as<F: Kind>(buf: &[u8]) {
    for config in configs() {
        let fast = flatten(dispatch::run::<LineOnly<F::Line<'_>>>(&config, buf, 0, (), ()));
        let general = flatten(<F::Line<'_>>::parse_general(buf, &config));
        assert_eq!(fast, general, "start line of {:?}", buf.escape_ascii().to_string());
        for cap in [2, 64] {
            assert_eq!(
                fast_head::<F::Line<'_>>(buf, &config, cap),
                grammar_head::<F::Line<'_>>(buf, &config, cap),
                "head {:?}, capacity {cap}",
                buf.escape_ascii().to_string()
            );
        }
        // The input as a header block, through the whole-head path
        // `parse_headers` takes.
        for cap in [2, 64] {
            assert_eq!(
                fast_head::<NoLine>(buf, &config, cap),
                grammar_head::<NoLine>(buf, &config, cap),
                "header block {:?}, capacity {cap}",
                buf.escape_ascii().to_string()
            );
        }
        // Header lines from the start (a header block) and after the
        // start line when there is one.
        let mut starts = std::vec![0];
        if let Ok(Some((.., p))) = general {
            starts.push(p);
        }
        for pos in starts {
            for cap in [2, 64] {
                assert_eq!(
                    fast_lines(buf, pos, &config, cap),
                    general_lines(buf, pos, &config, cap),
                    "header lines of {:?} from {pos}, capacity {cap}",
                    buf.escape_ascii().to_string()
                );
            }
        }
    }
}

/// `buf` as a request head ([`check_as`]).
fn check(buf: &[u8]) {
    check_as::<Requests>(buf);
}

/// `buf` as a response head ([`check_as`]).
fn check_response(buf: &[u8]) {
    check_as::<Responses>(buf);
}

/// Pieces of heads, good and bad, that random concatenations are made of.
const PIECES: &[&[u8]] = &[
    b"GET",
    b"POST",
    b" ",
    b"  ",
    b"/",
    b"/a/b.html",
    b"?q=1&r",
    b"%2F",
    b"%zz",
    b"%2",
    b"HTTP/1.1",
    b"HTTP/1.0",
    b"HTTP/2.0",
    b"\r\n",
    b"\r\n\r\n",
    b"\n",
    b"\r",
    b"\t",
    b":",
    b": ",
    b"Host",
    b"Content-Length",
    b"a",
    b"x-y-z",
    b"value with spaces",
    b"\xc3\xa9",
    b"\x7f",
    b"\x00",
    b"\x0b",
    b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop",
];

/// Request-line parts, good and bad.
const METHODS: &[&[u8]] = &[b"GET", b"POST", b"", b"G T", b"OPTIONS", b"\r\nGET"];
const SEPARATORS: &[&[u8]] = &[b" ", b" ", b"  ", b"", b"\t"];
const TARGET_PIECES: &[&[u8]] =
    &[b"/", b"a", b"%2F", b"%zz", b"%2", b"%", b"?x=1", b"\x7f", b"\t", b"\xc3\xa9", b"*", b"\""];
const VERSIONS: &[&[u8]] = &[b"HTTP/1.1", b"HTTP/1.0", b"HTTP/1.2", b"HTTP/2.0", b"HTTP/1.", b"HTTX/1.1", b"http/1.1"];
/// Status-line parts, good and bad.
const CODES: &[&[u8]] = &[b"200", b"404", b"100", b"999", b"099", b"000", b"20", b"2000", b"abc", b"1a0"];
const REASON_PIECES: &[&[u8]] = &[b"OK", b"Not Found", b" ", b"\t", b"\x7f", b"\x00", b"\xc3\xa9", b"a b"];
const LINE_ENDS: &[&[u8]] = &[b"\r\n", b"\r\n", b"\n", b"\r", b" \r\n", b"", b"\r\r"];

#[test]
fn common_heads_agree() {
    check(b"GET / HTTP/1.1\r\n\r\n");
    check(b"GET /a%20b?c HTTP/1.0\r\nHost: x\r\na:b\r\nc:  d \r\ne:\r\nf: \r\n\r\n");
    check(b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n");
    check(b"GET / HTTP/1.1\r\nA: \tb\t\r\n\r\n");
    check(b"GET / HTTP/1.1\r\nA: b\r\nB: c\r\nC: d\r\n\r\n");
    // Values at the tight configuration's limit (6) with OWS around
    // them: the limit counts trailing OWS but not leading OWS.
    for value in
        [&b"bcdefg"[..], b"bcdef ", b"bcdef  ", b"bcd   ", b"bcd\t\t\t\t", b"  bcdefg", b" \tbcdef ", b"\tb c d"]
    {
        check(&[b"GET / HTTP/1.1\r\nAbc:".as_slice(), value, b"\r\n\r\n"].concat());
        check(&[b"GET / HTTP/1.1\r\nAbc: ".as_slice(), value, b"\r\nB: c\r\n\r\n"].concat());
    }
    let long: Vec<u8> =
        [b"GET / HTTP/1.1\r\n".as_slice(), &[b"Name: value\r\n".as_slice(); 20].concat(), b"\r\n"].concat();
    for k in 0..=long.len() {
        check(&long[..k]);
    }
}

#[test]
fn common_responses_agree() {
    check_response(b"HTTP/1.1 200 OK\r\n\r\n");
    check_response(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    check_response(b"HTTP/1.1 204 \r\n\r\n");
    check_response(b"HTTP/1.1 204\r\n\r\n");
    check_response(b"HTTP/1.1 200  OK\r\n\r\n");
    check_response(b"HTTP/1.1  200 OK\r\n\r\n");
    check_response(b"HTTP/1.1 200 OK \r\nA: b\r\n\r\n");
    check_response(b"HTTP/1.1 200 \tOK\t\r\n\r\n");
    check_response(b"HTTP/1.1 099 Low\r\n\r\n");
    check_response(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    check_response(b"HTTP/1.1 999 \xc3\xa9\r\n\r\n");
    check_response(b"HTTP/1.1 200 OK\nA: b\n\n");
    check_response(b"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n");
    check_response(b"HTTP/1.2 200 OK\r\n\r\n");
    check_response(b"HTTP/1.1 200 a reason phrase long enough to cross a block of sixty-four bytes\r\nA: b\r\n\r\n");
    let long: Vec<u8> =
        [b"HTTP/1.1 200 OK\r\n".as_slice(), &[b"Name: value\r\n".as_slice(); 20].concat(), b"\r\n"].concat();
    for k in 0..=long.len() {
        check_response(&long[..k]);
    }
    // Every byte the status line's fast path must refuse, at every
    // position of the line.
    let line = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
    for stop in [0x00, 0x7f, b'\r', b'\n', b'\t', b' ', b'0', b'9', b'a', 0xc3] {
        for at in 0..17 {
            let mut buf = line.to_vec();
            buf[at] = stop;
            check_response(&buf);
        }
    }
}

/// A byte the fast path must stop at (or hand over), at every position
/// of a head whose names and values cross 64-byte block boundaries at
/// many offsets: no stop may be skipped where a search moves on to the
/// next block.
#[test]
fn a_stop_at_every_position_across_blocks() {
    let mut head = b"GET / HTTP/1.1\r\n".to_vec();
    for (name_len, value_len) in [(1, 1), (7, 50), (30, 64), (3, 100), (61, 2), (12, 130)] {
        head.extend(core::iter::repeat(b'n').take(name_len));
        head.extend_from_slice(b": ");
        head.extend(core::iter::repeat(b'v').take(value_len));
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    for stop in [0x00, 0x7f, b'\r', b'\n', b'\t', 0x0b, b':', b' '] {
        for at in 16..head.len() - 2 {
            let mut buf = head.clone();
            buf[at] = stop;
            check(&buf);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fast_path_agrees_with_the_grammar(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let buf: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
        check(&buf);
    }

    #[test]
    fn request_lines_agree(
        method in prop::sample::select(METHODS),
        sep1 in prop::sample::select(SEPARATORS),
        target in proptest::collection::vec(prop::sample::select(TARGET_PIECES), 0..6),
        sep2 in prop::sample::select(SEPARATORS),
        version in prop::sample::select(VERSIONS),
        eol in prop::sample::select(LINE_ENDS),
        cut in any::<prop::sample::Index>(),
    ) {
        let buf = [method, sep1, &target.concat(), sep2, version, eol, b"Host: a\r\n\r\n"].concat();
        check(&buf);
        check(&buf[..cut.index(buf.len() + 1)]);
    }

    #[test]
    fn status_lines_agree(
        version in prop::sample::select(VERSIONS),
        sep1 in prop::sample::select(SEPARATORS),
        code in prop::sample::select(CODES),
        sep2 in prop::sample::select(SEPARATORS),
        reason in proptest::collection::vec(prop::sample::select(REASON_PIECES), 0..5),
        eol in prop::sample::select(LINE_ENDS),
        cut in any::<prop::sample::Index>(),
    ) {
        let buf = [version, sep1, code, sep2, &reason.concat(), eol, b"Content-Length: 0\r\n\r\n"].concat();
        check_response(&buf);
        check_response(&buf[..cut.index(buf.len() + 1)]);
    }

    #[test]
    fn fast_path_agrees_on_well_formed_heads(
        names in proptest::collection::vec("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,70}", 0..12),
        values in proptest::collection::vec("[ -~\t]{0,90}", 12),
        response in any::<bool>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let start: &[u8] = if response { b"HTTP/1.1 200 OK\r\n" } else { b"GET /index.html HTTP/1.1\r\n" };
        let mut buf = start.to_vec();
        for (n, v) in names.iter().zip(&values) {
            buf.extend_from_slice(n.as_bytes());
            buf.extend_from_slice(b": ");
            buf.extend_from_slice(v.as_bytes());
            buf.extend_from_slice(b"\r\n");
        }
        buf.extend_from_slice(b"\r\n");
        let check = if response { check_response } else { check };
        check(&buf);
        check(&buf[..cut.index(buf.len() + 1)]);
    }
}
