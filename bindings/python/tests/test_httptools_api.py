"""springbok.httptools: the interface, errors, leniencies and bad input."""

import array
import gc
import random
import weakref

import pytest

import springbok.httptools as sb
from conftest import Recorder, peer, run_parser

GET = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"


def parser(rec=None, cls=sb.HttpRequestParser):
    rec = rec or Recorder()
    p = cls(rec)
    rec.parser = p
    return p, rec


def test_exception_family():
    assert issubclass(sb.HttpParserCallbackError, sb.HttpParserError)
    assert issubclass(sb.HttpParserInvalidStatusError, sb.HttpParserError)
    assert issubclass(sb.HttpParserInvalidMethodError, sb.HttpParserError)
    assert issubclass(sb.HttpParserInvalidURLError, sb.HttpParserError)
    assert issubclass(sb.HttpParserError, Exception)
    assert not issubclass(sb.HttpParserUpgrade, sb.HttpParserError)


def test_getters_before_and_after():
    p, rec = parser()
    assert (p.get_http_version(), p.should_keep_alive(), p.should_upgrade(), p.get_method()) == ("0.0", False, False, b"")
    p.feed_data(b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx")
    assert (p.get_http_version(), p.should_keep_alive(), p.get_method()) == ("1.0", True, b"POST")
    r, _ = parser(cls=sb.HttpResponseParser)
    assert r.get_status_code() == 0
    r.feed_data(b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n")
    assert r.get_status_code() == 418
    assert not hasattr(r, "get_method") and not hasattr(p, "get_status_code")


def test_bytes_like_inputs_and_str():
    for data in (GET, bytearray(GET), memoryview(GET), array.array("B", GET)):
        p, rec = parser()
        p.feed_data(data)
        assert ("url", b"/") in rec.events
    p, _ = parser()
    with pytest.raises(TypeError, match="bytes-like object is required, not 'str'"):
        p.feed_data(GET.decode())
    with pytest.raises(TypeError):
        sb.HttpRequestParser()


def test_protocol_without_callbacks():
    p = sb.HttpRequestParser(object())
    p.feed_data(GET + b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")
    assert p.get_method() == b"POST"


def test_upgrade_offset_and_resume():
    p, rec = parser()
    head = b"GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
    with pytest.raises(sb.HttpParserUpgrade) as e:
        p.feed_data(head + b"\x81\x00")
    assert e.value.args == (len(head),)
    assert p.should_upgrade()
    assert rec.events[-1] == ("message_complete",)
    # Split: the offset counts in the data of the call that completed the head.
    p, _ = parser()
    p.feed_data(head[:10])
    with pytest.raises(sb.HttpParserUpgrade) as e:
        p.feed_data(head[10:] + b"xyz")
    assert e.value.args == (len(head) - 10,)
    # As httptools does, the parser goes on with a new message afterwards.
    p.feed_data(GET)
    assert not p.should_upgrade()


class Raiser(Recorder):
    def __init__(self, where):
        super().__init__()
        self.where = where

    def __getattribute__(self, name):
        if name == object.__getattribute__(self, "where"):
            def boom(*args):
                raise KeyError(name)
            return boom
        return object.__getattribute__(self, name)


CALLBACKS = ["on_message_begin", "on_url", "on_header", "on_headers_complete", "on_body",
             "on_message_complete", "on_chunk_header", "on_chunk_complete"]
CHUNKED = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"


@pytest.mark.parametrize("where", CALLBACKS)
def test_callback_error_context_and_clean_state(where):
    rec = Raiser(where)
    p = sb.HttpRequestParser(rec)
    rec.parser = p
    with pytest.raises(sb.HttpParserCallbackError) as e:
        p.feed_data(CHUNKED)
    assert isinstance(e.value.__context__, KeyError)
    assert e.value.__context__.args == (where,)
    assert where in str(e.value)
    n = len(rec.events)
    # The failure sticks, as in httptools: every later call raises again and
    # calls nothing.
    with pytest.raises(sb.HttpParserCallbackError) as again:
        p.feed_data(GET)
    assert again.value.__context__ is None
    assert len(rec.events) == n
    p.get_http_version(), p.should_keep_alive()


def test_status_callback_error():
    rec = Raiser("on_status")
    p = sb.HttpResponseParser(rec)
    with pytest.raises(sb.HttpParserCallbackError) as e:
        p.feed_data(b"HTTP/1.1 200 OK\r\n\r\n")
    assert isinstance(e.value.__context__, KeyError)


def test_reentrant_feed_is_an_error():
    class Reenter(Recorder):
        def on_headers_complete(self):
            self.parser.feed_data(GET)

    rec = Reenter()
    p = sb.HttpRequestParser(rec)
    rec.parser = p
    with pytest.raises(sb.HttpParserCallbackError) as e:
        p.feed_data(GET)
    assert isinstance(e.value.__context__, RuntimeError)


@pytest.mark.parametrize("data,cls", [
    (b"G@T / HTTP/1.1\r\n\r\n", sb.HttpParserInvalidMethodError),
    (b"GET /a\x01 HTTP/1.1\r\n\r\n", sb.HttpParserInvalidURLError),
    (b"GET /#frag HTTP/1.1\r\n\r\n", sb.HttpParserInvalidURLError),
    (b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", sb.HttpParserError),
    (b"GET / HTTP/1.1\nHost: a\n\n", sb.HttpParserError),
    (b"GET / HTTP/2.0\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX", sb.HttpParserError),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n", sb.HttpParserError),
])
def test_bad_requests(data, cls):
    p, rec = parser()
    with pytest.raises(cls) as e:
        p.feed_data(data)
    assert type(e.value) is cls
    with pytest.raises(cls):  # sticky
        p.feed_data(GET)


def test_invalid_status():
    p, _ = parser(cls=sb.HttpResponseParser)
    with pytest.raises(sb.HttpParserInvalidStatusError):
        p.feed_data(b"HTTP/1.1 2x0 OK\r\n\r\n")


def test_data_after_close():
    p, rec = parser()
    with pytest.raises(sb.HttpParserError):
        p.feed_data(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n" + GET)
    p, rec = parser()
    p.set_dangerous_leniencies(lenient_data_after_close=True)
    p.feed_data(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n" + GET)
    assert [e[0] for e in rec.events].count("begin") == 1


def test_leniencies_map_to_springbok_flags():
    p, rec = parser()
    p.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)
    p.feed_data(b"GET / HTTP/1.1\nHost: a\n\n")
    assert ("header", b"Host", b"a") in rec.events
    p, rec = parser()
    p.set_dangerous_leniencies(lenient_headers=True)
    p.feed_data(b"GET / HTTP/1.1\r\nBad Name: x\r\nHost: a\r\n\r\n")
    assert [e for e in rec.events if e[0] == "header"] == [("header", b"Host", b"a")]
    # Leniencies without a Springbok counterpart are accepted and change
    # nothing: the parser stays strict.
    p, _ = parser()
    p.set_dangerous_leniencies(lenient_chunked_length=True, lenient_transfer_encoding=True,
                               lenient_version=True, lenient_keep_alive=True,
                               lenient_optional_lf_after_cr=True,
                               lenient_optional_crlf_after_chunk=True,
                               lenient_spaces_after_chunk_size=True)
    with pytest.raises(sb.HttpParserError):
        p.feed_data(b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")


def test_chunk_callbacks_and_trailers():
    events, outcome = run_parser(sb, [b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                      b"2;x=y\r\nab\r\n1\r\nc\r\n0\r\nT: 1\r\nU: 2\r\n\r\n"])
    kinds = [e[0] for e in events]
    assert kinds[kinds.index("headers_complete") + 1:] == [
        "chunk_header", "body", "chunk_complete", "chunk_header", "body", "chunk_complete",
        "chunk_header", "header", "header", "chunk_complete", "message_complete"]
    assert outcome is None


def test_huge_inputs():
    body = b"x" * (64 << 20)
    p, rec = parser()
    p.feed_data(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    assert sum(len(e[1]) for e in rec.events if e[0] == "body") == len(body)
    p, _ = parser()
    with pytest.raises(sb.HttpParserError, match="header value too long"):
        p.feed_data(b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * (200 << 10) + b"\r\n\r\n")
    p, _ = parser()
    with pytest.raises(sb.HttpParserError, match="head too large"):
        p.feed_data(b"GET / HTTP/1.1\r\n")
        for _ in range(200):
            p.feed_data(b"X-Long: " + b"b" * 1000 + b"\r\n")
    p, _ = parser()
    with pytest.raises(sb.HttpParserError, match="too many headers"):
        p.feed_data(b"GET / HTTP/1.1\r\n" + b"A: b\r\n" * 300 + b"\r\n")


def test_random_bytes_never_crash():
    rng = random.Random(7)
    for _ in range(2000):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200)))
        for cls in (sb.HttpRequestParser, sb.HttpResponseParser):
            p = cls(Recorder())
            try:
                for i in range(0, len(data), 17):
                    p.feed_data(data[i:i + 17])
            except (sb.HttpParserError, sb.HttpParserUpgrade):
                pass


def test_parser_is_collected_with_its_protocol():
    class Proto(Recorder):
        pass

    rec = Proto()
    rec.parser = sb.HttpRequestParser(rec)  # a cycle through bound methods
    ref = weakref.ref(rec)
    del rec
    gc.collect()
    assert ref() is None


URLS = [b"/a/b?c=d#e", b"http://u:p@h:8080/x?y#z", b"*", b"h:80", b"", b"http://[::1]:80/", b"/a b",
        b"http://h:99999/", b"/\xff", b"/a\tb", b"http://a_b/", b"/a%zz", b"/a?b?c#d#e", b"http://u@h@x/",
        b"HTTP://H/", b"http://h:/", b"http://h", b"ab", b"http://[fe80::1%25eth0]/", b"/a\x7f",
        b"//x", b"http:///p", b"https://example.com:443", b"a:b", b"http://[::1", b"http://@h/",
        b"/?", b"/#", b"?q", b"#f", b"http://h?q", b"ws://h:0/", b"http://h:65535/"]


def url_tuple(mod, u):
    try:
        x = mod.parse_url(u)
    except mod.HttpParserInvalidURLError:
        return "invalid"
    return (x.schema, x.host, x.port, x.path, x.query, x.fragment, x.userinfo)


def test_parse_url_matches_httptools():
    ht = peer("httptools")
    rng = random.Random(3)
    alphabet = b"/:@?#[]%.-_~!*'();=+$,&aZ09 \t\x80"
    corpus = list(URLS) + [bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    corpus += [b"http://" + bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for u in corpus:
        assert url_tuple(sb, u) == url_tuple(ht, u), u
    with pytest.raises(sb.HttpParserInvalidURLError, match="too long"):
        sb.parse_url(b"/" * 70000)
    with pytest.raises(TypeError):
        sb.parse_url("/str")
    assert repr(sb.parse_url(b"/p?q")) == repr(ht.parse_url(b"/p?q"))


def test_on_headers_extension():
    """Springbok's extension: with on_headers, every header of a head comes
    in one call, names lower-cased, instead of on_header per header."""
    class Bulk(Recorder):
        def on_headers(self, headers):
            self.events.append(("headers", headers))

    rec = Bulk()
    p = sb.HttpRequestParser(rec)
    rec.parser = p
    p.feed_data(b"POST / HTTP/1.1\r\nHost: a\r\nX-Some-Very-Long-Header-Name-That-Is-Not-Interned-At-All-Really: v \r\n"
                b"Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTrailer-One: t\r\n\r\n")
    bulk = [e for e in rec.events if e[0] == "headers"]
    assert bulk == [
        ("headers", [(b"host", b"a"),
                     (b"x-some-very-long-header-name-that-is-not-interned-at-all-really", b"v"),
                     (b"expect", b"100-continue"), (b"transfer-encoding", b"chunked")]),
        ("headers", [(b"trailer-one", b"t")]),
    ]
    assert not [e for e in rec.events if e[0] == "header"]
    assert p.expect_continue()
    p.feed_data(b"GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\nGET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
    assert not p.expect_continue()  # ignored in HTTP/1.0 (RFC 9110 §10.1.1)


def test_parse_url_fast_path_agrees_with_the_state_machine():
    from springbok import _native

    rng = random.Random(9)
    alphabet = b"/?#%aZ09-._~!$&'()*+,;=:@[]\x7f \x80"
    for _ in range(20000):
        u = b"/" + bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert _native._url_split(u) == _native._url_split_general(u), u


def test_header_names_are_shared_across_requests():
    """Names a connection sent before come back as the same bytes object
    (interned or cached); values are new each time. More distinct names
    than the cache holds, and long names, still come through intact."""
    names = [b"X-Trace-%d" % i for i in range(300)] + [b"X-" + b"L" * 100]
    head = b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(n + b": v\r\n" for n in names[:200]) + b"\r\n"
    seen = []

    class Keep(Recorder):
        def on_header(self, name, value):
            seen.append((name, value))

    rec = Keep()
    p = rec.parser = sb.HttpRequestParser(rec)
    p.feed_data(head)
    first = list(seen)
    seen.clear()
    p.feed_data(head)
    assert [n for n, _ in seen] == [n for n, _ in first] == [b"Host"] + names[:200]
    assert seen[0][0] is first[0][0]  # interned
    assert seen[1][0] is first[1][0]  # cached for this connection
    head2 = b"GET / HTTP/1.1\r\n" + b"".join(n + b": v\r\n" for n in names[200:]) + b"\r\n"
    seen.clear()
    p.feed_data(head2)
    assert [n for n, _ in seen] == names[200:]
