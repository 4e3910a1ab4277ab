from typing import AnyStr, Dict, List, Optional, Tuple, Union, overload

__version__: str

_BytesLike = Union[bytes, bytearray]

@overload
def parse_qsl(qs: Optional[str], keep_blank_values: bool = ..., strict_parsing: bool = ..., encoding: str = ...,
              errors: str = ..., max_num_fields: Optional[int] = ..., separator: str = ...) -> List[Tuple[str, str]]: ...
@overload
def parse_qsl(qs: _BytesLike, keep_blank_values: bool = ..., strict_parsing: bool = ..., encoding: str = ...,
              errors: str = ..., max_num_fields: Optional[int] = ...,
              separator: Union[str, bytes] = ...) -> List[Tuple[bytes, bytes]]: ...
@overload
def parse_qs(qs: Optional[str], keep_blank_values: bool = ..., strict_parsing: bool = ..., encoding: str = ...,
             errors: str = ..., max_num_fields: Optional[int] = ..., separator: str = ...) -> Dict[str, List[str]]: ...
@overload
def parse_qs(qs: _BytesLike, keep_blank_values: bool = ..., strict_parsing: bool = ..., encoding: str = ...,
             errors: str = ..., max_num_fields: Optional[int] = ...,
             separator: Union[str, bytes] = ...) -> Dict[bytes, List[bytes]]: ...
