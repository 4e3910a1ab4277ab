//! The reference server's connection loop fed from bytes, with no socket
//! (`springbok_server::fuzzing`): heads, bodies (Content-Length, chunked,
//! urlencoded and multipart uploads into the demo app), pipelining,
//! keep-alive, `Expect: 100-continue`, small limits, a client that reads
//! slowly (a small socket buffer), a worker that drains, a deadline that
//! passes. Whatever arrives:
//! * the loop ends (no spinning) and never panics;
//! * the output is a sequence of whole, strictly valid responses, each with
//!   a Content-Length that frames its body, and nothing follows one that
//!   says `Connection: close`; an `/echo` body is valid JSON;
//! * the response-head writer never refused the server's own head (the
//!   fixed 500 fallback);
//! * the same bytes in other pieces, or read through a small window, give
//!   the same responses (Date aside, `100 Continue` aside, and except for a
//!   final error response, which depends on how much of a bad head had
//!   arrived: see `same_responses`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_parser::{ParserConfig, Status, EMPTY_HEADER};
use springbok_server::fuzzing::{serve, Setup};

/// One response of a transcript: status code, headers (Date's value
/// blanked) and body.
#[derive(Debug, PartialEq, Eq)]
struct Response {
    code: u16,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &[u8]) -> Option<&[u8]> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| &v[..])
    }

    fn closes(&self) -> bool {
        self.header(b"connection").is_some_and(|v| v.eq_ignore_ascii_case(b"close"))
    }
}

/// Splits the server's output into responses, checking each.
///
/// A reply to HEAD has no body, so a head followed by another response or,
/// when `head_sent` (the input holds `HEAD `), by the end of the output is
/// taken to be one.
fn responses(output: &[u8], head_sent: bool) -> Vec<Response> {
    let parser = ParserConfig::new();
    let mut rest = output;
    let mut list: Vec<Response> = Vec::new();
    while !rest.is_empty() {
        if let Some(prev) = list.last() {
            assert!(!prev.closes(), "output after a `Connection: close` response");
        }
        let mut headers = [EMPTY_HEADER; 16];
        let head = match parser.parse_response(rest, 0, &mut headers) {
            Ok(Status::Complete(head)) => head,
            other => panic!("not a whole, valid response head ({other:?}): {:?}", String::from_utf8_lossy(rest)),
        };
        let code = head.code;
        let headers: Vec<(Vec<u8>, Vec<u8>)> = head
            .headers
            .iter()
            .map(|h| {
                let value = if h.name.eq_ignore_ascii_case(b"date") { &b""[..] } else { h.value };
                (h.name.to_vec(), value.to_vec())
            })
            .collect();
        let head_len = head.head_len;
        rest = &rest[head_len..];
        let mut r = Response { code, headers, body: Vec::new() };
        if code == 100 {
            assert_eq!(head_len, b"HTTP/1.1 100 Continue\r\n\r\n".len());
            list.push(r);
            continue;
        }
        assert!(
            !(code == 500 && r.header(b"content-length") == Some(b"0")),
            "the response-head writer refused the server's own head"
        );
        let len: usize = std::str::from_utf8(r.header(b"content-length").expect("every response has a Content-Length"))
            .unwrap()
            .parse()
            .unwrap();
        // A reply to HEAD has the head only: what follows is the next
        // response (no body the demo app writes starts like a status line),
        // or nothing when it was the last.
        let head_reply = rest.starts_with(b"HTTP/1.") || (head_sent && rest.is_empty());
        if !head_reply {
            assert!(rest.len() >= len, "a response body was cut short");
            r.body = rest[..len].to_vec();
            rest = &rest[len..];
            if r.code == 200 && r.header(b"content-type") == Some(b"application/json") {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&r.body) {
                    panic!("/echo wrote invalid JSON ({e}): {:?}", String::from_utf8_lossy(&r.body));
                }
            }
        }
        list.push(r);
    }
    list
}

/// The final responses (no `100 Continue`) of two runs of the same bytes
/// agree. The last one may differ when it is an error: a head that is
/// invalid and also incomplete when the input ends is answered 400 when it
/// arrives in one piece, but waits for its end (the parser's `last_len`
/// contract) when it arrives in several, and a head that outgrows the limit
/// gets 431 or the error of its first bad byte depending on which the
/// parser saw first.
fn same_responses(a: &[Response], b: &[Response], what: &str) {
    fn finals(l: &[Response]) -> Vec<&Response> {
        l.iter().filter(|r| r.code != 100).collect()
    }
    let (a, b) = (finals(a), finals(b));
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail_ok = |l: &[&Response]| l.len() <= common + 1 && l[common..].iter().all(|r| r.code >= 400 && r.closes());
    assert!(tail_ok(&a) && tail_ok(&b), "{what}: {a:#?}\nvs\n{b:#?}");
}

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, window, c1, c2, c3], input) = take::<6>(data);
    let mut setup = Setup::default();
    if flags & 1 != 0 {
        let a = usize::from(limits);
        setup.max_head_bytes = 32 + a * 8;
        setup.max_headers = 1 + a % 16;
        setup.max_body_bytes = (a * 4) as u64;
        setup.max_form_bytes = a * 2;
    }
    setup.draining = flags & 2 != 0;
    let head_sent = input.windows(5).any(|w| w == b"HEAD ");
    let n = input.len();
    let mut cuts: Vec<usize> = [c1, c2, c3].iter().map(|&x| usize::from(x) * n / 256).collect();
    cuts.sort_unstable();
    let pieces: Vec<&[u8]> =
        [0, cuts[0], cuts[1], cuts[2]].iter().zip([cuts[0], cuts[1], cuts[2], n]).map(|(&s, e)| &input[s..e]).collect();
    if flags & 4 != 0 {
        // The client stalls after piece `limits % 4`: whatever was in
        // progress gets 408 or the connection closes.
        setup.expire_after = Some(usize::from(limits % 4));
        let t = serve(&pieces, &setup);
        responses(&t.output, head_sent);
        return;
    }

    let whole = serve(&[input], &setup);
    let reference = responses(&whole.output, head_sent);
    let split = serve(&pieces, &setup);
    same_responses(&responses(&split.output, head_sent), &reference, "in pieces");
    if window != 0 {
        let slow = Setup { window: usize::from(window), ..setup };
        let t = serve(&pieces, &slow);
        same_responses(&responses(&t.output, head_sent), &reference, "through a small window");
    }
});
