"""Springbok's Python module against its peers, in the same process.

    python bench/bench.py              # everything (about 4 minutes)
    python bench/bench.py --no-wrk     # without the uvicorn/wrk runs
    python bench/bench.py --quick      # fewer repeats, to try it out

Each row times the same input through Springbok and the peer, alternating
them within each repeat, and reports medians of the repeats and the ratio
peer time / Springbok time (above 1 means Springbok is faster). The garbage
collector is off while a batch runs. The machine's load (uptime) is printed
before and after: compare ratios from one run, not times across runs.
"""

import argparse
import gc
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402

import springbok  # noqa: E402
import springbok.httptools as sb_httptools  # noqa: E402
import springbok.multipart as sb_multipart  # noqa: E402


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime unavailable"


def timed(fn, n):
    gc.disable()
    try:
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        return (time.perf_counter_ns() - t) / n / 1000.0  # µs per call
    finally:
        gc.enable()


def compare(impls, n, repeats):
    """Median µs per call of each (name, fn), alternating within repeats."""
    samples = {name: [] for name, _ in impls}
    for _ in range(repeats):
        for name, fn in impls:
            samples[name].append(timed(fn, n))
    return {name: statistics.median(v) for name, v in samples.items()}


# --- request parsing with uvicorn's callbacks ------------------------------

def uvicorn_protocol(mod):
    """A protocol whose parser callbacks do what uvicorn 0.55's
    httptools_impl does with each (scope building, header lower-casing and
    trimming, parse_url, the getters), without the ASGI task it starts."""
    parse_url = mod.parse_url
    unquote = urllib.parse.unquote

    class Protocol:
        def __init__(self):
            self.parser = mod.HttpRequestParser(self)
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
            self.root_path = ""

        def on_message_begin(self):
            self.url = b""
            self.expect_100_continue = False
            self.headers = []
            self.scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
                          "http_version": "1.1", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
                          "scheme": "http", "root_path": self.root_path, "headers": self.headers, "state": {}}

        def on_url(self, url):
            self.url += url

        def on_header(self, name, value):
            name = name.lower()
            value = value.rstrip(b" \t")
            if name == b"expect" and value.lower() == b"100-continue":
                self.expect_100_continue = True
            self.headers.append((name, value))

        def on_headers_complete(self):
            http_version = self.parser.get_http_version()
            method = self.parser.get_method()
            self.scope["method"] = method.decode("ascii")
            if http_version != "1.1":
                self.scope["http_version"] = http_version
            if self.parser.should_upgrade():
                return
            parsed_url = parse_url(self.url)
            raw_path = parsed_url.path
            path = raw_path.decode("ascii")
            if "%" in path:
                path = unquote(path)
            self.scope["path"] = self.root_path + path
            self.scope["raw_path"] = self.root_path.encode("ascii") + raw_path
            self.scope["query_string"] = parsed_url.query or b""
            self.keep_alive = http_version != "1.0" and self.parser.should_keep_alive()

        def on_body(self, body):
            pass

        def on_message_complete(self):
            pass

    return Protocol()


def bench_requests(repeats, quick):
    import httptools

    rows = []
    workloads = [(f"realistic request, {n} headers", inputs.realistic_request(n)) for n in inputs.HEADER_COUNTS]
    workloads.append(("bench.c request (703 B, 9 headers)", inputs.PICO_BENCH_REQUEST))
    for label, data in workloads:
        ours = uvicorn_protocol(sb_httptools).parser.feed_data
        theirs = uvicorn_protocol(httptools).parser.feed_data
        n = max(200, int((20000 if not quick else 4000) / (1 + len(data) / 400)))
        t = compare([("httptools", lambda: theirs(data)), ("springbok", lambda: ours(data))], n, repeats)
        goal = "1.5×" if "703" in label else "1.3×"
        rows.append((label, "httptools", t["httptools"], t["springbok"], goal))
    return rows


# --- multipart ---------------------------------------------------------------

BOUNDARY = b"----WebKitFormBoundaryX3oP9QzT7sLm4Kd2"


def multipart_body(parts):
    out = []
    for headers, data in parts:
        out.append(b"--" + BOUNDARY + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + data + b"\r\n")
    out.append(b"--" + BOUNDARY + b"--\r\n")
    return b"".join(out)


def starlette_like_callbacks():
    """Callbacks shaped like Starlette's MultiPartParser's (collecting
    headers and field data), so both parsers do the same Python work."""
    state = {"data": [], "headers": [], "name": b"", "value": b""}

    def on_part_begin():
        state["data"] = []
        state["headers"] = []

    def on_part_data(data, start, end):
        state["data"].append(data[start:end])

    def on_header_field(data, start, end):
        state["name"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"].append((state["name"].lower(), state["value"]))
        state["name"] = state["value"] = b""

    def nothing():
        pass

    return {"on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": nothing,
            "on_header_field": on_header_field, "on_header_value": on_header_value,
            "on_header_end": on_header_end, "on_headers_finished": nothing, "on_end": nothing}


def bench_multipart(repeats, quick):
    import python_multipart

    fields = multipart_body([([b'Content-Disposition: form-data; name="field%d"' % i], b"value%d" % i)
                             for i in range(1000)])
    big = os.urandom(10 << 20)
    upload = multipart_body([([b'Content-Disposition: form-data; name="file"; filename="big.bin"',
                               b"Content-Type: application/octet-stream"], big)])
    rows = []
    for label, body, goal in [("multipart, 1,000 small fields", fields, "3×"),
                              ("multipart, 10 MiB file in 64 KiB pieces", upload, "1.5×")]:
        pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)]

        def run(cls, **kw):
            def go():
                p = cls(BOUNDARY, starlette_like_callbacks(), **kw)
                for piece in pieces:
                    p.write(piece)
                p.finalize()
            return go

        n = 3 if quick else 10
        t = compare([("python-multipart", run(python_multipart.MultipartParser)),
                     ("springbok", run(sb_multipart.MultipartParser))], n, repeats)
        rows.append((label, "python-multipart", t["python-multipart"], t["springbok"], goal))
    return rows


# --- parse_qsl ----------------------------------------------------------------

QUERY_72 = "foo=bar&bar=baz&q=HTTP%3A%3ARequest%3A%3ACommon&ie=UTF-8&sourceid=chrome"


def filler(length, seed):
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[(i * 7 + seed * 13 + i // 5) % len(alphabet)] for i in range(length))


def query_20k():
    """20,000 pairs shaped like form-urlencoded's 1,000-pair bench: words
    joined by `+`, an escaped comma or slash now and then."""
    pairs = []
    for i in range(20000):
        if i % 4 == 0:
            v = f"{filler(16, i)}+{filler(20, i + 1)}+{filler(12, i + 2)}"
        elif i % 4 == 1:
            v = f"{filler(18, i)}%2C{filler(17, i + 1)}%2F{filler(10, i + 2)}"
        else:
            v = filler(50, i)
        pairs.append(f"k{i:05}={v}")
    return "&".join(pairs)


def bench_qsl(repeats, quick):
    rows = []
    big = query_20k()
    assert springbok.parse_qsl(QUERY_72) == urllib.parse.parse_qsl(QUERY_72)
    assert springbok.parse_qsl(big) == urllib.parse.parse_qsl(big)
    for label, qs, n in [("parse_qsl, 72-byte query", QUERY_72, 20000), ("parse_qsl, 20,000 pairs", big, 5)]:
        if quick:
            n = max(2, n // 5)
        t = compare([("urllib.parse", lambda: urllib.parse.parse_qsl(qs)),
                     ("springbok", lambda: springbok.parse_qsl(qs))], n, repeats)
        rows.append((label, "urllib.parse.parse_qsl", t["urllib.parse"], t["springbok"], "3×"))
    return rows


# --- uvicorn under wrk --------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk_once(http, seconds, connections):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hello_app:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
         "--port", str(port), "--http", http, "--log-level", "error", "--no-access-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn --http {http} did not start")
                time.sleep(0.1)
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
        for line in out.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1])
        raise RuntimeError("wrk printed no Requests/sec:\n" + out)
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def bench_wrk(repeats, quick, seconds):
    protocols = [("springbok", "springbok.uvicorn:HttpProtocol"), ("httptools", "httptools"), ("zttp", "zttp")]
    samples = {name: [] for name, _ in protocols}
    for _ in range(repeats):
        for name, http in protocols:
            samples[name].append(wrk_once(http, seconds, 50))
    rps = {name: statistics.median(v) for name, v in samples.items()}
    return rps, samples


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-wrk", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--wrk-seconds", type=int, default=None)
    args = ap.parse_args()
    repeats = args.repeats or (3 if args.quick else 9)
    print(f"load before: {uptime()}")
    print(f"python {sys.version.split()[0]}, repeats {repeats}\n")
    rows = bench_requests(repeats, args.quick) + bench_multipart(repeats, args.quick) + bench_qsl(repeats, args.quick)
    print("| workload | peer | peer µs | Springbok µs | ratio | goal |")
    print("|---|---|---:|---:|---:|---:|")
    for label, peer, theirs, ours, goal in rows:
        print(f"| {label} | {peer} | {theirs:.2f} | {ours:.2f} | {theirs / ours:.2f}× | ≥ {goal} |")
    if not args.no_wrk and shutil.which("wrk"):
        seconds = args.wrk_seconds or (3 if args.quick else 8)
        wrk_repeats = 1 if args.quick else 3
        rps, samples = bench_wrk(wrk_repeats, args.quick, seconds)
        print(f"\nuvicorn hello world, wrk -t1 -c50 -d{seconds}s, median of {wrk_repeats} interleaved runs:\n")
        print("| protocol | requests/s | Springbok ratio |")
        print("|---|---:|---:|")
        for name in rps:
            print(f"| {name} | {rps[name]:.0f} | {rps['springbok'] / rps[name]:.2f}× |")
        print("\nruns: " + "; ".join(f"{k} " + ", ".join(f"{x:.0f}" for x in v) for k, v in samples.items()))
    elif not args.no_wrk:
        print("\n(wrk not found: uvicorn rows skipped)")
    print(f"\nload after: {uptime()}")


if __name__ == "__main__":
    main()
