import asyncio
from typing import List, Tuple

class HttpProtocol(asyncio.Protocol):
    def on_headers(self, headers: List[Tuple[bytes, bytes]]) -> None: ...
