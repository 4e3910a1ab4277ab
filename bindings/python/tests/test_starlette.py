"""Starlette's request.form() with Springbok standing in for
python-multipart (in a fresh interpreter, so that Starlette imports
springbok.multipart under python-multipart's name)."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import peer, version


def test_starlette_forms_with_springbok():
    peer("starlette")
    peer("httpx")
    script = Path(__file__).with_name("starlette_forms.py")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120, text=True)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["parser_module"] == "springbok.multipart"
    assert r["urlencoded"] == [["name", "Springbok"], ["q", "a b&c=d"], ["euro", "€"]]
    assert r["multipart"] == [
        ["title", "hello"],
        ["empty", ""],
        ["upload", "photo.bin", "application/octet-stream", 1 << 20, r["upload_sha256"]],
    ]
    # Starlette 1.x turns a FormParserError from finalize() into 400; older
    # versions (0.49, the last for Python 3.9) let it through as a 500.
    starlette = peer("starlette")
    assert r["bad"] == (400 if version(starlette) >= (1, 0, 0) else 500)
