from typing import Dict, Literal, Optional, Tuple, Union

class BadRequest(ValueError):
    status: int

def environ(head: Union[bytes, bytearray, memoryview], *,
            underscores: Literal["drop", "reject", "allow"] = ...) -> Optional[Tuple[Dict[str, str], int]]: ...
