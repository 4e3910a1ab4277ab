"""The Python forms and multipart rows of `benches/suite`: springbok.parse_qsl
against urllib.parse.parse_qsl, and springbok.multipart.MultipartParser
against python-multipart's, both with the Starlette-like callbacks of
bindings/python/bench/bench.py and fed the manifest's 64 KiB pieces, on the
form and multipart files of the suite's corpus.

    python benches/drivers/bodies.py CORPUS_DIR REPEATS SECONDS

Before timing an input, both must produce the same pairs (forms) or the same
parts' headers and data (multipart); otherwise it exits 1. Timing as in
requests.py. Prints JSON in the format of the Rust entry.
"""

import json
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (bindings/python/bench/bench.py)
import python_multipart  # noqa: E402
from requests import calibrate, timed  # noqa: E402  (benches/drivers/requests.py)

import springbok  # noqa: E402
import springbok.multipart as sb_multipart  # noqa: E402


def collect(cls, boundary, pieces):
    """Every part's headers and data, as the parser reports them."""
    out, cur = [], {}

    def on_part_begin():
        cur["headers"], cur["data"], cur["name"], cur["value"] = [], [], b"", b""
        out.append(cur.copy())

    def on_part_data(buf, start, end):
        out[-1]["data"].append(bytes(buf[start:end]))

    def on_header_field(buf, start, end):
        cur["name"] += bytes(buf[start:end])

    def on_header_value(buf, start, end):
        cur["value"] += bytes(buf[start:end])

    def on_header_end():
        out[-1]["headers"].append((cur["name"].lower(), cur["value"]))
        cur["name"] = cur["value"] = b""

    def nothing():
        pass

    callbacks = {"on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": nothing,
                 "on_header_field": on_header_field, "on_header_value": on_header_value,
                 "on_header_end": on_header_end, "on_headers_finished": nothing, "on_end": nothing}
    p = cls(boundary, callbacks)
    for piece in pieces:
        p.write(piece)
    p.finalize()
    return [(part["headers"], b"".join(part["data"])) for part in out]


def run(cls, boundary, pieces):
    """One timed parse: bench.py's Starlette-like callbacks."""
    p = cls(boundary, bench.starlette_like_callbacks())
    for piece in pieces:
        p.write(piece)
    p.finalize()


def measure(fns, repeats, seconds):
    sizes = {name: calibrate(fn, seconds) for name, fn in fns.items()}
    ns = {name: [] for name in fns}
    for r in range(repeats):
        for name in (["springbok", "peer"] if r % 2 == 0 else ["peer", "springbok"]):
            ns[name].append(round(timed(fns[name], sizes[name]) * 1000.0, 3))
    return ns


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bodies.py CORPUS_DIR REPEATS SECONDS")
    corpus, repeats, seconds = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    manifest = json.loads((corpus / "manifest.json").read_text())
    boundary, size = manifest["boundary"].encode(), manifest["multipart_piece"]
    rows = []
    for item in manifest["inputs"]:
        body = (corpus / item["file"]).read_bytes()
        if item["kind"] == "form":
            qs = body.decode("ascii")
            ours, theirs = springbok.parse_qsl(qs), urllib.parse.parse_qsl(qs)
            if ours != theirs or len(ours) != item["items"]:
                sys.exit(f"the parsers disagree: {item['name']}: springbok {len(ours)} pairs, urllib {len(theirs)}")
            ns = measure({"springbok": lambda: springbok.parse_qsl(qs),
                          "peer": lambda: urllib.parse.parse_qsl(qs)}, repeats, seconds)
            row = ("forms", "springbok.parse_qsl", "urllib.parse.parse_qsl")
        elif item["kind"] == "multipart":
            pieces = [body[i:i + size] for i in range(0, len(body), size)]
            ours = collect(sb_multipart.MultipartParser, boundary, pieces)
            theirs = collect(python_multipart.MultipartParser, boundary, pieces)
            if ours != theirs or len(ours) != item["items"]:
                sys.exit(f"the parsers disagree: {item['name']}: springbok {len(ours)} parts, "
                         f"python-multipart {len(theirs)}, or a part differs")
            ns = measure({"springbok": lambda: run(sb_multipart.MultipartParser, boundary, pieces),
                          "peer": lambda: run(python_multipart.MultipartParser, boundary, pieces)}, repeats, seconds)
            row = ("multipart", "springbok.multipart.MultipartParser", "python_multipart.MultipartParser")
        else:
            continue
        rows.append({"group": row[0], "input": item["name"], "checked": True,
                     "springbok": {"name": row[1], "ns": ns["springbok"]},
                     "peers": [{"name": row[2], "ns": ns["peer"]}]})
        print(f"python: {item['name']} timed", file=sys.stderr)
    versions = f"python-multipart {python_multipart.__version__}"
    print(json.dumps({"language": "python", "versions": versions, "repeats": repeats, "rows": rows}))


if __name__ == "__main__":
    main()
