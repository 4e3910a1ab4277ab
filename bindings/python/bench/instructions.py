"""Instructions per request, counted by valgrind's callgrind: exact and
immune to the machine's load, unlike bench.py's times.

    python bench/instructions.py            # parsing rows and uvicorn rows
    python bench/instructions.py --no-server

Parsing: the same workloads as bench.py (uvicorn's callbacks), each run
with N and with 0 requests in a fresh interpreter; (I(N) - I(0)) / N.
Server: a uvicorn process (hello world) under callgrind serving N
keep-alive requests from a socket client, minus one serving none, for each
of the three protocols. PYTHONHASHSEED=0 keeps dict layouts repeatable.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PARSE = """
import sys
sys.path.insert(0, {here!r})
import bench, inputs
mod = __import__({mod!r}, fromlist=["x"])
data = inputs.PICO_BENCH_REQUEST if {which!r} == "pico" else inputs.realistic_request(int({which!r}))
feed = bench.uvicorn_protocol(mod).parser.feed_data
feed(data)
for _ in range({n}):
    feed(data)
"""

CLIENT = """
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
req = b"GET / HTTP/1.1\\r\\nHost: localhost\\r\\nUser-Agent: bench\\r\\nAccept: */*\\r\\n\\r\\n"
buf = b""
for _ in range(int(sys.argv[2])):
    s.sendall(req)
    while b"Hello, world!" not in buf:
        buf += s.recv(65536)
    buf = buf.split(b"Hello, world!", 1)[1]
"""


def collected(out_file):
    for line in Path(out_file).read_text().splitlines():
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError("no totals in " + out_file)


def callgrind(args, env):
    with tempfile.NamedTemporaryFile(suffix=".cg", delete=False) as f:
        out = f.name
    try:
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + args, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return collected(out)
    finally:
        os.unlink(out)


def parse_rows(n):
    import inputs

    env = dict(os.environ, PYTHONHASHSEED="0")
    rows = []
    workloads = [(str(k), f"realistic request, {k} headers") for k in inputs.HEADER_COUNTS]
    workloads.append(("pico", "bench.c request (703 B, 9 headers)"))
    for which, label in workloads:
        per = {}
        for mod in ("httptools", "springbok.httptools"):
            counts = [callgrind([sys.executable, "-c", PARSE.format(here=str(HERE), mod=mod, which=which, n=k)], env)
                      for k in (0, n)]
            per[mod] = (counts[1] - counts[0]) / n
        rows.append((label, per["httptools"], per["springbok.httptools"]))
    return rows


def server_rows(n):
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = {}
    for name, http in [("springbok", "springbok.uvicorn:HttpProtocol"), ("httptools", "httptools"), ("zttp", "zttp")]:
        counts = []
        for k in (0, n):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            with tempfile.NamedTemporaryFile(suffix=".cg", delete=False) as f:
                cg = f.name
            proc = subprocess.Popen(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", sys.executable, "-m", "uvicorn",
                 "hello_app:app", "--app-dir", str(HERE), "--port", str(port), "--http", http,
                 "--log-level", "error", "--no-access-log"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        proc.kill()
                        raise RuntimeError(f"uvicorn --http {http} did not start under valgrind")
                    time.sleep(0.2)
            subprocess.run([sys.executable, "-c", CLIENT, str(port), str(k)], check=True, timeout=600)
            proc.send_signal(2)  # SIGINT: uvicorn shuts down and callgrind writes its file
            proc.wait(timeout=120)
            counts.append(collected(cg))
            os.unlink(cg)
        out[name] = (counts[1] - counts[0]) / n
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--no-server", action="store_true")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed")
    sys.path.insert(0, str(HERE))
    print("| workload (uvicorn's callbacks) | httptools instructions | Springbok instructions | ratio |")
    print("|---|---:|---:|---:|")
    for label, theirs, ours in parse_rows(args.requests):
        print(f"| {label} | {theirs:,.0f} | {ours:,.0f} | {theirs / ours:.2f}× |")
    if not args.no_server:
        per = server_rows(args.requests)
        print("\n| uvicorn hello world, per request | instructions | Springbok ratio |")
        print("|---|---:|---:|")
        for name, v in per.items():
            print(f"| {name} | {v:,.0f} | {v / per['springbok']:.2f}× |")


if __name__ == "__main__":
    main()
