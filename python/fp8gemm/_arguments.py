"""How Python arguments reach fp8gemm._C: (tensor, scales) pairs, tensors made ready for DLPack, and the
CUDA stream a call is enqueued on."""

from __future__ import annotations

import sys
from typing import Any, Tuple


def split_pair(pair: Any, tensor_name: str, scales_name: str) -> Tuple[Any, Any]:
    """(tensor, scales) from a pair argument, or a TypeError naming it."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(
            f"{tensor_name}: must be a pair ({tensor_name}, {scales_name}): an FP8 tensor and its FP32 "
            f"scales; got {type(pair).__name__}"
        )
    return pair[0], pair[1]


def dlpack_ready(x: Any, name: str) -> Any:
    """x in a form fp8gemm._C imports: a PyTorch tensor becomes its DLPack capsule, anything else is
    passed on (the import calls its __dlpack__).

    PyTorch's own __dlpack__ may order the tensor's stream after the legacy default stream (an event
    and a wait, which also breaks CUDA graph capture) and is slow; torch.utils.dlpack.to_dlpack
    exports the memory as it is, and the work goes on the stream chosen by stream_handle. float8_e4m3fn
    travels as its uint8 codes, which every PyTorch release can export.
    """
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(x, torch.Tensor):
        return x
    if x.dtype == torch.float8_e4m3fn:
        x = x.view(torch.uint8)
    try:
        return torch.utils.dlpack.to_dlpack(x)
    except (RuntimeError, TypeError, BufferError) as error:
        raise TypeError(f"{name}: PyTorch cannot export this tensor ({x.dtype}) through DLPack: {error}") from None


def stream_handle(stream: Any, like: Any) -> int:
    """The CUstream handle (an int) to enqueue on.

    stream=None picks the current stream of the framework that owns `like` (the output tensor):
    torch.cuda.current_stream() for a PyTorch tensor, cupy.cuda.get_current_stream() for a CuPy
    array, else 0 (the legacy default stream). Otherwise `stream` is an int handle or a stream object
    exposing one (__cuda_stream__, .cuda_stream as torch.cuda.Stream, .ptr as cupy.cuda.Stream).
    """
    if stream is None:
        return current_stream_of(like)
    if isinstance(stream, int):
        if stream < 0:
            raise ValueError(f"stream: must be a CUstream handle (an int >= 0); got {stream}")
        return stream
    protocol = getattr(stream, "__cuda_stream__", None)
    if protocol is not None:
        return int(protocol()[1])
    for attribute in ("cuda_stream", "ptr"):
        handle = getattr(stream, attribute, None)
        if isinstance(handle, int):
            return handle
    raise TypeError(
        "stream: must be None, an int CUstream handle, or a stream object (torch.cuda.Stream, "
        f"cupy.cuda.Stream, or one with __cuda_stream__); got {type(stream).__name__}"
    )


def current_stream_of(x: Any) -> int:
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        return torch.cuda.current_stream(x.device).cuda_stream if x.is_cuda else 0
    cupy = sys.modules.get("cupy")
    if cupy is not None and isinstance(x, cupy.ndarray):
        return cupy.cuda.get_current_stream().ptr
    return 0


def require_torch(x: Any, name: str) -> Any:
    """The torch module, when x is a torch.Tensor; a TypeError naming the argument otherwise."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: must be a torch.Tensor; got {type(x).__module__}.{type(x).__name__}")
    return torch
