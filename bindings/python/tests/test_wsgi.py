"""springbok.wsgi.environ: PEP 3333 keys from a request head."""

import pytest

from springbok.wsgi import BadRequest, environ


def test_environ():
    head = (b"POST /caf%C3%A9/a%2Fb?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 4\r\nX-Custom: a\r\nx-custom: b\r\nAccept: \xe9\r\n\r\nbody")
    env, n = environ(head)
    assert n == len(head) - 4
    assert env["REQUEST_METHOD"] == "POST"
    assert env["SCRIPT_NAME"] == ""
    assert env["PATH_INFO"] == "/caf\u00c3\u00a9/a/b"  # decoded bytes as latin-1 (PEP 3333)
    assert env["QUERY_STRING"] == "x=1&y=%20"
    assert env["REQUEST_URI"] == "/caf%C3%A9/a%2Fb?x=1&y=%20"
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert (env["CONTENT_TYPE"], env["CONTENT_LENGTH"]) == ("text/plain", "4")
    assert "HTTP_CONTENT_TYPE" not in env and "HTTP_CONTENT_LENGTH" not in env
    assert env["HTTP_HOST"] == "example.com"
    assert env["HTTP_X_CUSTOM"] == "a, b"
    assert env["HTTP_ACCEPT"] == "\u00e9"
    assert all(type(k) is str and type(v) is str for k, v in env.items())


def test_incomplete_and_bytes_like():
    assert environ(b"GET / HTTP/1.1\r\nHost: a\r\n") is None
    assert environ(bytearray(b"GET / HTTP/1.0\r\n\r\n"))[0]["SERVER_PROTOCOL"] == "HTTP/1.0"
    with pytest.raises(TypeError):
        environ("GET / HTTP/1.1\r\n\r\n")


def test_underscores():
    head = b"GET / HTTP/1.1\r\nX_Forwarded_For: evil\r\nX-Forwarded-For: good\r\n\r\n"
    assert environ(head)[0]["HTTP_X_FORWARDED_FOR"] == "good"
    assert environ(head, underscores="allow")[0]["HTTP_X_FORWARDED_FOR"] == "evil, good"
    with pytest.raises(BadRequest):
        environ(head, underscores="reject")
    with pytest.raises(ValueError):
        environ(head, underscores="maybe")


@pytest.mark.parametrize("head,status", [
    (b"GET /a b HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nX: \x01\r\n\r\n", 400),
    (b"GET /%zz HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/3.0\r\n\r\n", 505),
    (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
])
def test_bad_heads(head, status):
    with pytest.raises(BadRequest) as e:
        environ(head)
    assert e.value.status == status
