"""Run as a script by test_starlette.py: Starlette's request.form() with
springbok.multipart installed as python_multipart (and the real
python-multipart made unimportable first). Prints the parsed forms as JSON."""

import hashlib
import json
import sys

sys.modules["python_multipart"] = None  # the real one must not be used
import springbok.multipart  # noqa: E402

springbok.multipart.install()

from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

import starlette.formparsers  # noqa: E402


async def form(request):
    out = []
    async with request.form(max_part_size=2 * 1024 * 1024) as f:
        for key, value in f.multi_items():
            if isinstance(value, str):
                out.append([key, value])
            else:
                data = await value.read()
                out.append([key, value.filename, value.content_type, len(data), hashlib.sha256(data).hexdigest()])
    return JSONResponse(out)


app = Starlette(routes=[Route("/form", form, methods=["POST"])])
client = TestClient(app, raise_server_exceptions=False)
upload = bytes(range(256)) * 4096  # 1 MiB with every byte value
results = {
    "parser_module": starlette.formparsers.multipart.__name__,
    "urlencoded": client.post("/form", data={"name": "Springbok", "q": "a b&c=d", "euro": "€"}).json(),
    "multipart": client.post(
        "/form",
        data={"title": "hello", "empty": ""},
        files={"upload": ("photo.bin", upload, "application/octet-stream")},
    ).json(),
    "upload_sha256": hashlib.sha256(upload).hexdigest(),
    "bad": client.post("/form", content=b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\nunterminated",
                       headers={"content-type": "multipart/form-data; boundary=b"}).status_code,
}
print(json.dumps(results))
