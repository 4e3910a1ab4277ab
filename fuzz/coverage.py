#!/usr/bin/env python3
"""Summarizes `llvm-cov export` JSON files (one per fuzz target) written by
fuzz/coverage: per target, the line and function coverage of each crate's
sources; then, over all targets together, the functions that no input
reaches, by file.

    coverage.py REPORT_DIR TARGET...   (reads REPORT_DIR/TARGET.json)
"""
import json
import re
import subprocess
import sys
from collections import defaultdict

# The crates whose coverage is reported, by the top folder of their sources.
CRATES = ["parser", "percent", "form-urlencoded", "multipart", "ffi", "server"]


def crate_of(path):
    m = re.search(r"/(parser|percent|form-urlencoded|multipart|ffi|server)/src/(.*)$", path)
    return (m.group(1), f"{m.group(1)}/src/{m.group(2)}") if m else (None, None)


def demangle_all(names):
    """Demangled names (GNU c++filt reads Rust's v0 and legacy manglings),
    without the crate hashes."""
    names = [n.split(":", 1)[-1] for n in names]  # local symbols are prefixed with "file:"
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True)
    return {
        n: re.sub(r"::h[0-9a-f]{16}$", "", re.sub(r"\[[0-9a-f]{16}\]", "", d))
        for n, d in zip(names, out.stdout.splitlines())
    }


def main():
    out_dir, targets = sys.argv[1], sys.argv[2:]
    # (file, function) -> executed by any target
    reached = {}
    print(f"{'target':<18} " + " ".join(f"{c:>22}" for c in CRATES))
    print(f"{'':<18} " + " ".join(f"{'lines':>10} {'functions':>11}" for _ in CRATES))
    for t in targets:
        data = json.load(open(f"{out_dir}/{t}.json"))["data"][0]
        lines = defaultdict(lambda: [0, 0])
        for f in data["files"]:
            crate, _ = crate_of(f["filename"])
            if crate:
                s = f["summary"]["lines"]
                lines[crate][0] += s["covered"]
                lines[crate][1] += s["count"]
        funcs = defaultdict(dict)
        names = demangle_all([fn["name"] for fn in data["functions"]])
        for fn in data["functions"]:
            crate, path = crate_of(fn["filenames"][0])
            if not crate:
                continue
            key = (path, names[fn["name"].split(":", 1)[-1]])
            hit = fn["count"] > 0
            funcs[crate][key] = funcs[crate].get(key, False) or hit
            reached[key] = reached.get(key, False) or hit
        cells = []
        for c in CRATES:
            cov, total = lines[c]
            f = funcs[c]
            fhit = sum(f.values())
            cells.append(
                f"{100 * cov / total:>9.1f}% {fhit:>5}/{len(f):<5}" if total else f"{'-':>10} {'-':>11}"
            )
        print(f"{t:<18} " + " ".join(cells))

    print("\nover all targets together:")
    by_file = defaultdict(list)
    for (path, name), hit in reached.items():
        by_file[path].append((name, hit))
    for c in CRATES:
        files = sorted(p for p in by_file if p.startswith(c + "/"))
        n = sum(len(by_file[p]) for p in files)
        h = sum(hit for p in files for _, hit in by_file[p])
        if n:
            print(f"  {c:<16} {h:>5}/{n:<5} functions reached ({100 * h / n:.1f}%)")
    print("\nfunctions no input reaches (test-only code excluded):")
    for path in sorted(by_file):
        missed = sorted(n for n, hit in by_file[path] if not hit and "::tests::" not in n)
        if missed:
            print(f"  {path}")
            for n in missed:
                print(f"      {n}")


if __name__ == "__main__":
    main()
