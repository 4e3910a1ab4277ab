"""springbok.httptools against httptools: the same corpus through both,
compared callback by callback (getters at on_headers_complete included),
whole, split at every byte, byte by byte, and corrupted."""

import random
import re
import sys
from pathlib import Path

import pytest

import springbok.httptools as sb
from conftest import peer, run_parser
from http_corpus import REQUESTS, RESPONSES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import inputs  # noqa: E402

ALL_REQUESTS = REQUESTS + [inputs.PICO_BENCH_REQUEST] + [inputs.realistic_request(n) for n in inputs.HEADER_COUNTS]


@pytest.fixture(scope="module")
def ht():
    return peer("httptools")


def splits(data):
    """The input whole, in two pieces at every byte, and byte by byte."""
    yield [data]
    for i in range(1, len(data)):
        yield [data[:i], data[i:]]
    yield [data[i:i + 1] for i in range(len(data))]


@pytest.mark.parametrize("data", ALL_REQUESTS, ids=range(len(ALL_REQUESTS)))
def test_requests_match_httptools(ht, data):
    expected = run_parser(ht, [data])
    assert expected[1] is None or expected[1][0] == "upgrade", expected
    for pieces in splits(data):
        assert run_parser(sb, pieces) == expected, pieces


@pytest.mark.parametrize("data", RESPONSES, ids=range(len(RESPONSES)))
def test_responses_match_httptools(ht, data):
    expected = run_parser(ht, [data], response=True)
    for pieces in splits(data):
        assert run_parser(sb, pieces, response=True) == expected, pieces


# What each parser rejects that the other accepts, as the README lists it.
# Each entry: (test on the input or Springbok's error, explanation).
SPRINGBOK_STRICTER = (
    "unsupported HTTP version",  # llhttp accepts any HTTP/d.d
    "invalid request-target",  # RFC 3986 characters and %XX only
    "invalid header value",  # control bytes llhttp lets through
    "invalid header name",
    "line ends with LF without CR",  # llhttp accepts bare LF in places
    "obsolete line folding",
    "whitespace between header name and colon",
    "unsupported transfer coding",  # TE codings other than chunked
    "final transfer coding is not chunked",
    "chunked applied more than once",
    "invalid Transfer-Encoding",
    "Transfer-Encoding in HTTP/1.0",
    "chunk extension",  # strict extension grammar
    "invalid chunk size",  # e.g. "5 " with spaces then junk
    "CR not followed by LF",
    "malformed HTTP version",
    "empty line before the start line",
    "too many headers",
    "invalid trailer section",
    "unexpected space in start line",
    "invalid reason phrase",
    "invalid method",
    "invalid status code",  # includes a status line without the SP before an empty reason
    "request-target form does not fit the method",  # RFC 9112 §3.2: `GET a/b`, `DELETE *`
    "more than one Host header",  # RFC 9112 §3.2
    "invalid Host value",
    "CONNECT request with a body",  # RFC 9110 §9.3.6
)

LLHTTP_METHODS = {
    b"DELETE", b"GET", b"HEAD", b"POST", b"PUT", b"CONNECT", b"OPTIONS", b"TRACE", b"COPY", b"LOCK",
    b"MKCOL", b"MOVE", b"PROPFIND", b"PROPPATCH", b"SEARCH", b"UNLOCK", b"BIND", b"REBIND", b"UNBIND",
    b"ACL", b"REPORT", b"MKACTIVITY", b"CHECKOUT", b"MERGE", b"M-SEARCH", b"NOTIFY", b"SUBSCRIBE",
    b"UNSUBSCRIBE", b"PATCH", b"PURGE", b"MKCALENDAR", b"LINK", b"UNLINK", b"SOURCE", b"QUERY",
}


def springbok_error(pieces, response):
    p = (sb.HttpResponseParser if response else sb.HttpRequestParser)(object())
    try:
        for piece in pieces:
            p.feed_data(piece)
    except sb.HttpParserError as e:
        return str(e)
    except sb.HttpParserUpgrade:
        return None
    return None


def httptools_accepts_only(data, events):
    """Why httptools may reject what Springbok accepts (README's list)."""
    first = data.split(b" ", 1)[0].lstrip(b"\r\n")
    if first not in LLHTTP_METHODS and not first.startswith(b"HTTP/"):
        return "method outside llhttp's list"
    return "llhttp-specific rejection"


def corrupt(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        i = rng.randrange(len(b))
        if op < 0.4:
            b[i] = rng.choice(b"\x00\t\n\r !\"#%&'()*+,-./:;<=>?@[\\]^_`{|}~\x7f\x80\xffAz09")
        elif op < 0.7:
            del b[i]
        else:
            b.insert(i, rng.choice(b"\r\n :;\t\"%x0"))
    return bytes(b)


@pytest.mark.parametrize("response", [False, True], ids=["requests", "responses"])
def test_corrupted_inputs(ht, response):
    """Corrupted messages: where both accept, the callbacks are equal; where
    they disagree, the reason is one the README lists."""
    rng = random.Random(31)
    corpus = RESPONSES if response else REQUESTS + [inputs.PICO_BENCH_REQUEST]
    agree = disagree = 0
    reasons = {}
    for _ in range(3000):
        data = corrupt(rng, rng.choice(corpus))
        theirs = run_parser(ht, [data], response=response)
        ours = run_parser(sb, [data], response=response)
        t_ok = theirs[1] is None or theirs[1][0] == "upgrade"
        o_ok = ours[1] is None or ours[1][0] == "upgrade"
        if t_ok and o_ok:
            if ours != theirs:
                # Same acceptance, different callbacks: only the documented
                # differences in what a message contains may explain it.
                why = explain_both_accept(data, theirs, ours)
                assert why, (data, theirs, ours)
                reasons[why] = reasons.get(why, 0) + 1
            agree += 1
        elif t_ok and not o_ok:
            err = springbok_error([data], response)
            assert err and any(r in err for r in SPRINGBOK_STRICTER), (data, err, theirs)
            disagree += 1
        elif o_ok and not t_ok:
            why = explain_springbok_accepts(data, theirs, ours)
            assert why, (data, theirs, ours)
            reasons[why] = reasons.get(why, 0) + 1
            disagree += 1
    assert agree > 100


def explain_both_accept(data, theirs, ours):
    """Documented differences in the callbacks of a message both accept."""
    t, o = theirs[0], ours[0]
    if t[:len(o)] == o and all(e[0] in ("url", "status", "header") for e in t[len(o):]):
        return "head callbacks come when the head is complete"
    if b"Content-Length" in data or b"Transfer-Encoding" in data or b"Connection" in data:
        return "framing header interpreted differently (see README)"
    return None


def explain_springbok_accepts(data, theirs, ours):
    """Documented reasons llhttp rejects a message Springbok accepts."""
    methods = [e[4] for e in ours[0] if e[0] == "headers_complete" and isinstance(e[4], bytes)]
    if any(m not in LLHTTP_METHODS for m in methods):
        return "method outside llhttp's list"
    head = data.split(b"\r\n\r\n", 1)[0]
    if re.search(rb"HTTP/1\.[2-9]", head.split(b"\n", 1)[0]):
        return "HTTP/1.2 to HTTP/1.9 processed as HTTP/1.1 (RFC 9110 §6.2)"
    if b"Content-Length" in head:
        return "Content-Length list of one value (5, 5) / duplicate equal values"
    if theirs[1] == ("error", "HttpParserInvalidURLError"):
        return "request-target grammar: llhttp's URL states vs RFC 3986"
    if theirs[1][0] == "error" and ours[0][-1:] and ours[0][-1][0] != "message_complete":
        return "llhttp rejects bytes Springbok has not reached yet (incomplete message)"
    return None
