"""Real uvicorn on 127.0.0.1 with `--http springbok.uvicorn:HttpProtocol`
and httptools made unimportable, driven over sockets. Each server is
stopped by its PID; every socket read has a timeout."""

import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import peer

HERE = Path(__file__).resolve().parent
TIMEOUT = 10.0

# Runs uvicorn's command line with `import httptools` failing.
LAUNCH = "import sys; sys.modules['httptools'] = None; from uvicorn.main import main; sys.exit(main())"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    peer("uvicorn")
    port = free_port()
    args = [sys.executable, "-c", LAUNCH, "asgi_app:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
            "--port", str(port), "--http", "springbok.uvicorn:HttpProtocol", "--log-level", "warning",
            "--no-access-log", "--timeout-keep-alive", "5"]
    try:
        import websockets  # noqa: F401
        args += ["--ws", "websockets"]
    except ImportError:
        args += ["--ws", "none"]
    log = open(HERE / ".uvicorn-test.log", "w+b")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=str(HERE))
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                pytest.fail("uvicorn did not start:\n" + log.read().decode(errors="replace"))
            time.sleep(0.1)
    yield port
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    log.close()
    (HERE / ".uvicorn-test.log").unlink()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


class Reader:
    """Reads HTTP/1.1 responses off a socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        self.buf += data

    def head(self):
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        headers = {}
        for line in lines[1:]:
            k, v = line.split(b":", 1)
            headers[k.strip().lower()] = v.strip()
        return status, headers

    def response(self):
        status, headers = self.head()
        n = int(headers.get(b"content-length", b"0"))
        while len(self.buf) < n:
            self.fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body

    def closed(self):
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except OSError:
            return True


def get(path, extra=b""):
    return b"GET " + path + b" HTTP/1.1\r\nHost: test\r\n" + extra + b"\r\n"


def test_httptools_is_not_used(server):
    with connect(server) as s:
        s.sendall(get(b"/httptools"))
        status, _, body = Reader(s).response()
    assert status == 200 and json.loads(body) == {"httptools": "not importable"}


def test_request_is_parsed(server):
    with connect(server) as s:
        s.sendall(b"GET /caf%C3%A9/x?q=1&r=%20 HTTP/1.1\r\nHost: test\r\nX-Trail: v  \r\nAccept: */*\r\n\r\n")
        status, _, body = Reader(s).response()
    info = json.loads(body)
    assert status == 200
    assert (info["method"], info["path"], info["raw_path"], info["query"]) == (
        "GET", "/café/x", "/caf%C3%A9/x", "q=1&r=%20")
    assert info["headers"] == [["host", "test"], ["x-trail", "v"], ["accept", "*/*"]]


def test_keep_alive(server):
    with connect(server) as s:
        r = Reader(s)
        for i in range(3):
            s.sendall(get(b"/k%d" % i))
            status, headers, body = r.response()
            assert status == 200 and json.loads(body)["path"] == f"/k{i}"
            assert headers.get(b"connection") != b"close"


def test_pipelining(server):
    with connect(server) as s:
        s.sendall(get(b"/p1") + b"POST /p2 HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello" + get(b"/p3"))
        r = Reader(s)
        got = [json.loads(r.response()[2]) for _ in range(3)]
    assert [g["path"] for g in got] == ["/p1", "/p2", "/p3"]
    assert got[1]["body_len"] == 5


def test_chunked_upload(server):
    body = os.urandom(100_000)
    chunks = b"".join(b"%x\r\n" % len(body[i:i + 7000]) + body[i:i + 7000] + b"\r\n"
                      for i in range(0, len(body), 7000))
    with connect(server) as s:
        s.sendall(b"POST /up HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(0, len(chunks), 4096):
            s.sendall(chunks[i:i + 4096])
        s.sendall(b"0\r\nX-Checksum: 1\r\n\r\n")
        status, _, out = Reader(s).response()
    info = json.loads(out)
    assert status == 200
    assert (info["body_len"], info["body_sha256"]) == (len(body), hashlib.sha256(body).hexdigest())


def test_expect_100_continue(server):
    with connect(server) as s:
        s.sendall(b"POST /e HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        r = Reader(s)
        status, _ = r.head()
        assert status == 100
        s.sendall(b"data")
        status, _, body = r.response()
    assert status == 200 and json.loads(body)["body_len"] == 4


def test_websocket_upgrade(server):
    peer("websockets")
    key = base64.b64encode(os.urandom(16))
    with connect(server) as s:
        s.sendall(b"GET /ws HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                  b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
        r = Reader(s)
        status, headers = r.head()
        assert status == 101
        accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
        assert headers[b"sec-websocket-accept"] == accept
        # A masked text frame "hi"; the app answers "echo:hi".
        mask = b"\x01\x02\x03\x04"
        s.sendall(b"\x81\x82" + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(b"hi")))
        while len(r.buf) < 2:
            r.fill()
        n = r.buf[1] & 0x7F
        while len(r.buf) < 2 + n:
            r.fill()
        assert r.buf[0] == 0x81 and r.buf[2:2 + n] == b"echo:hi"


@pytest.mark.parametrize("request_bytes", [
    b"GET /a b HTTP/1.1\r\nHost: test\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n",
    b"GET / HTTP/1.1\nHost: test\n\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
])
def test_malformed_gets_400(server, request_bytes):
    with connect(server) as s:
        s.sendall(request_bytes)
        r = Reader(s)
        status, headers, _ = r.response()
        assert status == 400 and headers[b"connection"] == b"close"
        assert r.closed()


@pytest.mark.parametrize("smuggle", [
    b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
    b"POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
])
def test_smuggling_gets_400(server, smuggle):
    with connect(server) as s:
        s.sendall(smuggle)
        r = Reader(s)
        status, _, body = r.response()
        assert status == 400
        assert r.closed()


def test_config_takes_the_class():
    uvicorn = peer("uvicorn")
    from springbok.uvicorn import HttpProtocol

    sys.path.insert(0, str(HERE))
    config = uvicorn.Config(app="asgi_app:app", http=HttpProtocol)
    config.load()
    assert config.http_protocol_class is HttpProtocol
    assert issubclass(HttpProtocol, __import__("asyncio").Protocol)


def test_response_header_checks_match_uvicorns_regexes():
    """springbok.uvicorn swaps uvicorn's two one-class regexes for byte
    tables: they must answer alike on every byte and on random headers."""
    import random
    import re

    peer("uvicorn")
    import springbok.uvicorn as su

    # uvicorn 0.55 has one-class regexes for both; older uvicorns' HEADER_RE is
    # not one class (an unescaped `]` ends it early) and must stay a regex.
    assert "HEADER_VALUE_RE" in su.REPLACED_CHECKS
    for name in {"HEADER_RE", "HEADER_VALUE_RE"} - set(su.REPLACED_CHECKS):
        assert isinstance(getattr(su._impl, name), re.Pattern)
    rng = random.Random(12)
    for name, regex in su.REPLACED_CHECKS.items():
        assert isinstance(regex, re.Pattern)
        fast = getattr(su._impl, name)
        assert type(fast).__name__ == "ByteClass"
        samples = [bytes([b]) for b in range(256)] + [b""]
        samples += [bytes(rng.getrandbits(8) if rng.random() < 0.1 else rng.choice(b"abcXYZ-09")
                          for _ in range(rng.randint(1, 30))) for _ in range(5000)]
        for s in samples:
            assert bool(fast.search(s)) == bool(regex.search(s)), (name, s)
