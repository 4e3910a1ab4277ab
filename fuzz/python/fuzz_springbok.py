#!/usr/bin/env python3
"""atheris harness over the Python binding (bindings/python), with the
binding's Rust code built with SanitizerCoverage (python/run does that), so
libFuzzer is guided by the coverage of the Rust crates and the pyo3 glue,
not only of this file.

The first byte of an input picks a check:
0. springbok.httptools.HttpRequestParser: the same bytes fed whole and in
   pieces give the same callbacks, getters and outcome; and every message
   Springbok completes that httptools also completes has the same method,
   URL, headers (values right-trimmed: README difference 3) and body.
1. HttpResponseParser: the same split invariance.
2. springbok.multipart.MultipartParser: python-multipart's callbacks, the
   same for the body written whole and in pieces, and the same error.
3. parse_qsl / parse_qs: urllib.parse's results, for str input and for
   ASCII bytes, under both keep_blank_values settings and max_num_fields.
4. springbok.wsgi.environ: a head it accepts gives the same environ when it
   is the whole buffer, and is incomplete (None) one byte shorter; the
   environ agrees with HttpRequestParser's method, URL and version.

Run through python/run (fuzz/run python), which passes libFuzzer's flags.
"""

import ctypes
import glob
import os
import sys
import urllib.parse

import atheris

sb = None  # springbok modules, imported on the first input (see load())


def load():
    """Imports springbok once libFuzzer is loaded. The instrumented module
    needs libFuzzer's __sanitizer_cov_* symbols, which atheris loads (at
    Fuzz()) into a library without global scope: give it global scope
    first."""
    global sb
    core = glob.glob(os.path.join(os.path.dirname(atheris.__file__), "core_with_libfuzzer*.so"))[0]
    ctypes.CDLL(core, mode=os.RTLD_GLOBAL | os.RTLD_NOLOAD)
    import httptools as peer_httptools
    import springbok
    import springbok.httptools
    import springbok.multipart
    import springbok.wsgi

    sb = springbok
    sb.peer_httptools = peer_httptools


class Recorder:
    """A protocol logging every callback; consecutive URL and body pieces
    are merged (httptools may split them, Springbok does not)."""

    def __init__(self, parser_cls):
        self.log = []
        self.parser = parser_cls(self)

    def add(self, kind, value=None):
        if kind in ("url", "body", "status") and self.log and self.log[-1][0] == kind:
            self.log[-1] = (kind, self.log[-1][1] + value)
        else:
            self.log.append((kind, value))

    def on_message_begin(self):
        self.add("begin")

    def on_url(self, url):
        self.add("url", bytes(url))

    def on_status(self, status):
        self.add("status", bytes(status))

    def on_header(self, name, value):
        self.add("header", (bytes(name), bytes(value)))

    def on_headers_complete(self):
        p = self.parser
        extra = p.get_method() if hasattr(p, "get_method") else p.get_status_code()
        self.add("headers_complete", (extra, p.get_http_version(), p.should_keep_alive(), p.should_upgrade()))

    def on_body(self, body):
        self.add("body", bytes(body))

    def on_message_complete(self):
        self.add("complete")


def feed(parser_cls, pieces, module=None):
    """(callback log, outcome) of feeding `pieces` to a parser of `module`
    (springbok.httptools or httptools): outcome is None (all taken),
    ("upgrade", absolute offset) or the error class name."""
    module = module or sb.httptools
    r = Recorder(parser_cls)
    done = 0
    for piece in pieces:
        try:
            r.parser.feed_data(piece)
        except module.HttpParserUpgrade as e:
            return r.log, ("upgrade", done + e.args[0])
        except module.HttpParserError as e:
            return r.log, type(e).__name__
        done += len(piece)
    return r.log, None


def cut(data, a, b):
    n = len(data)
    i, j = sorted((a * n // 256, b * n // 256))
    return [data[:i], data[i:j], data[j:]]


def strip_begin(log):
    return log[:-1] if log[-1:] == [("begin", None)] else log


def same_feeds(whole, split):
    # An invalid head that has not ended when the input ends is an error
    # in one piece but may still be waiting for its end in several (the
    # parser's last_len contract): then only the outcome differs.
    # When both fail, on_message_begin may precede the error in one and not
    # the other: it comes with the first byte that is not CR or LF, and a
    # bare LF before it fails as soon as it arrives in a piece of its own.
    (log_w, out_w), (log_s, out_s) = whole, split
    if isinstance(out_w, str) and isinstance(out_s, str):
        log_w, log_s = strip_begin(log_w), strip_begin(log_s)
    assert log_w == log_s, (log_w, log_s)
    assert out_w == out_s or None in (out_w, out_s), (out_w, out_s)


def messages(log):
    """The complete messages of a request log: (method, url, headers, body)."""
    out, cur = [], None
    for kind, value in log:
        if kind == "begin":
            cur = {"url": b"", "headers": [], "body": b"", "method": None}
        elif cur is None:
            continue
        elif kind == "url":
            cur["url"] += value
        elif kind == "header":
            cur["headers"].append((value[0].lower(), value[1].rstrip(b" \t")))
        elif kind == "headers_complete":
            cur["method"] = value[0]
        elif kind == "body":
            cur["body"] += value
        elif kind == "complete":
            out.append(cur)
            cur = None
    return out


def check_request(data):
    a, b, rest = data[0], data[1], data[2:]
    whole = feed(sb.httptools.HttpRequestParser, [rest])
    same_feeds(whole, feed(sb.httptools.HttpRequestParser, cut(rest, a, b)))
    ours = messages(whole[0])
    if not ours:
        return
    theirs = messages(feed(sb.peer_httptools.HttpRequestParser, [rest], sb.peer_httptools)[0])
    # httptools stops earlier on what only Springbok accepts (README
    # difference 5: methods outside llhttp's list, `5, 5` lengths, some
    # absolute-form targets); where both completed a message they agree.
    for o, t in zip(ours, theirs):
        assert o == t, (o, t)


def check_response(data):
    a, b, rest = data[0], data[1], data[2:]
    whole = feed(sb.httptools.HttpResponseParser, [rest])
    same_feeds(whole, feed(sb.httptools.HttpResponseParser, cut(rest, a, b)))


def multipart_log(body_pieces, boundary, small):
    log = []

    def cb(name):
        def f(*args):
            if args:
                data, start, end = args
                value = bytes(data[start:end])
                if log and log[-1][0] == name:
                    log[-1] = (name, log[-1][1] + value)
                    return
                log.append((name, value))
            else:
                log.append((name, None))

        return f

    names = ["on_part_begin", "on_part_data", "on_part_end", "on_header_begin", "on_header_field",
             "on_header_value", "on_header_end", "on_headers_finished", "on_end"]
    limits = dict(max_parts=3, max_headers=2, max_header_bytes=64, max_field_bytes=16) if small else {}
    try:
        parser = sb.multipart.MultipartParser(boundary, {n: cb(n) for n in names}, **limits)
        for piece in body_pieces:
            parser.write(piece)
        parser.finalize()
    except sb.multipart.FormParserError as e:
        return log, (type(e).__name__, getattr(e, "limit", None))
    except ValueError as e:  # an invalid boundary
        return log, ("boundary", str(e))
    return log, None


def check_multipart(data):
    a, b, flags, blen, rest = data[0], data[1], data[2], data[3], data[4:]
    boundary, body = rest[: blen % 72], rest[blen % 72 :]
    whole = multipart_log([body], boundary, flags & 1)
    split = multipart_log(cut(body, a, b), boundary, flags & 1)
    assert whole == split, (whole, split)


def check_qsl(data):
    flags, rest = data[0], data[1:]
    keep = bool(flags & 1)
    max_fields = (flags >> 1) % 8 or None
    text = rest.decode("utf-8", "replace")

    def both(f, g, qs):
        try:
            ours = ("ok", f(qs, keep_blank_values=keep, max_num_fields=max_fields))
        except ValueError as e:
            ours = ("error", type(e))
        try:
            theirs = ("ok", g(qs, keep_blank_values=keep, max_num_fields=max_fields))
        except UnicodeError:
            # README difference 1: before Python 3.13 urllib cannot return
            # a decoded non-ASCII byte of a bytes query; Springbok does.
            assert isinstance(qs, bytes) and sys.version_info < (3, 13)
            return
        except ValueError as e:
            theirs = ("error", type(e))
        assert ours == theirs, (qs, ours, theirs)

    both(sb.parse_qsl, urllib.parse.parse_qsl, text)
    both(sb.parse_qs, urllib.parse.parse_qs, text)
    ascii_bytes = bytes(c & 0x7F for c in rest)
    both(sb.parse_qsl, urllib.parse.parse_qsl, ascii_bytes)


def check_wsgi(data):
    buf = data
    try:
        got = sb.wsgi.environ(buf)
    except sb.wsgi.BadRequest:
        return
    if got is None:
        return
    env, n = got
    assert 0 < n <= len(buf)
    assert sb.wsgi.environ(buf[:n]) == (env, n)
    assert sb.wsgi.environ(buf[: n - 1]) is None
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
    log, _ = feed(sb.httptools.HttpRequestParser, [buf[:n]])
    heads = [v for k, v in log if k == "headers_complete"]
    urls = [v for k, v in log if k == "url"]
    if heads:
        method, version = heads[0][0], heads[0][1]
        assert env["REQUEST_METHOD"] == method.decode("latin-1")
        assert env["REQUEST_URI"] == urls[0].decode("latin-1")
        assert env["SERVER_PROTOCOL"] == "HTTP/" + version


CHECKS = [check_request, check_response, check_multipart, check_qsl, check_wsgi]


def test_one_input(data):
    if sb is None:
        load()
    if len(data) < 5:
        return
    CHECKS[data[0] % len(CHECKS)](data[1:])


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
