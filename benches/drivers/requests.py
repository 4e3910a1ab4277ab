"""The Python entry of `benches/suite`: springbok.httptools.HttpRequestParser
against httptools.HttpRequestParser, both driven by uvicorn's callbacks (the
protocol of bindings/python/bench/bench.py), on the request files of the
suite's corpus (manifest.json), in one process.

    python benches/drivers/requests.py CORPUS_DIR REPEATS SECONDS

Before timing an input, both protocols must build the same ASGI scope (method,
path, query, headers, ...) and keep-alive decision; otherwise it exits 1.
Timing is bench.py's `timed` (the garbage collector off during a batch) on the
thread's CPU time instead of the wall clock (see benches/README.md); each
repeat times one calibrated batch of each parser, the order reversed every
other repeat. Prints JSON in the format of the Rust entry
(benches/src/bin/suite.rs).
"""

import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "bench"))

import bench  # noqa: E402  (bindings/python/bench/bench.py)
import httptools  # noqa: E402

import springbok  # noqa: E402
import springbok.httptools as sb_httptools  # noqa: E402


def read_back(protocol):
    """What uvicorn would take from one parsed request."""
    scope = dict(protocol.scope)
    scope["headers"] = list(scope["headers"])
    return scope, protocol.keep_alive, protocol.expect_100_continue


def timed(fn, n):
    """µs of this thread's CPU time per call (bench.timed on another clock)."""
    gc.disable()
    try:
        t = time.thread_time_ns()
        for _ in range(n):
            fn()
        return (time.thread_time_ns() - t) / n / 1000.0
    finally:
        gc.enable()


def calibrate(fn, seconds):
    n = 1
    while True:
        us = timed(fn, n)
        if us * n / 1e6 >= seconds / 8 or n >= 1 << 30:
            return max(1, int(seconds * 1e6 / max(us, 1e-6)))
        n *= 4


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: requests.py CORPUS_DIR REPEATS SECONDS")
    corpus, repeats, seconds = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    manifest = json.loads((corpus / "manifest.json").read_text())
    rows = []
    for item in manifest["inputs"]:
        if item["kind"] != "request":
            continue
        data = (corpus / item["file"]).read_bytes()
        ours, theirs = bench.uvicorn_protocol(sb_httptools), bench.uvicorn_protocol(httptools)
        ours.parser.feed_data(data)
        theirs.parser.feed_data(data)
        a, b = read_back(ours), read_back(theirs)
        if a != b or len(a[0]["headers"]) != item["items"]:
            print(f"the parsers disagree: {item['name']}:\n  springbok {a}\n  httptools {b}", file=sys.stderr)
            sys.exit(1)
        fns = {"springbok": lambda: ours.parser.feed_data(data), "peer": lambda: theirs.parser.feed_data(data)}
        sizes = {name: calibrate(fn, seconds) for name, fn in fns.items()}
        ns = {name: [] for name in fns}
        for r in range(repeats):
            for name in (["springbok", "peer"] if r % 2 == 0 else ["peer", "springbok"]):
                ns[name].append(round(timed(fns[name], sizes[name]) * 1000.0, 3))
        rows.append({
            "group": "requests", "input": item["name"], "checked": True,
            "springbok": {"name": "springbok.httptools.HttpRequestParser (uvicorn callbacks)", "ns": ns["springbok"]},
            "peers": [{"name": "httptools (uvicorn callbacks)", "ns": ns["peer"]}],
        })
        print(f"python: {item['name']} timed", file=sys.stderr)
    versions = (f"Python {sys.version.split()[0]}; httptools {httptools.__version__}; "
                f"springbok {getattr(springbok, '__version__', '?')}")
    print(json.dumps({"language": "python", "versions": versions, "repeats": repeats, "rows": rows}))


if __name__ == "__main__":
    main()
