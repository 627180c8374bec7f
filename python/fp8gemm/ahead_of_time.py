"""fp8gemm.compile: fill the kernel cache ahead of time, on any machine (no GPU needed)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

from fp8gemm import _C

Layer = Union[str, Sequence[Any]]


def compile(
    layers: Union[Layer, Iterable[Layer]],
    m_min: int = 1,
    m_max: int = 16384,
    arch: str = "sm_90a",
    num_sms: Optional[int] = None,
    jobs: int = 0,
    progress: Optional[Callable[[Dict[str, Any], int, int], None]] = None,
) -> Dict[str, Any]:
    """Compiles every kernel the GEMMs can pick for the given layers and M range, and the kernels of
    per_token_cast_to_fp8 / per_block_cast_to_fp8, into the disk cache, so that a later process (a
    server starting) compiles nothing.

    Needs no GPU: kernels are compiled for `arch` through NVRTC (or nvcc, see the README), `jobs` at
    a time. The cache is the one the GEMMs read (FP8GEMM_CACHE_DIR, default ~/.cache/fp8gemm).

    Args:
        layers: one layer or a list of them. A layer is text, "normal:N:K", "contiguous:N:K:G" or
            "masked:N:K:G" (G = groups), or a tuple ("normal", N, K) / ("masked", N, K, G); the name of
            a built-in list such as "deepseek-v3" stands for all its layers.
        m_min, m_max: the range of M the layers will run with (masked: expected_m per group).
        arch: the target architecture.
        num_sms: SMs of the GPU that will run the kernels (the heuristics depend on it). None: the
            current GPU's (as set_num_sms leaves it), or 132 (H100 SXM, H200) without a GPU.
        jobs: compiler threads; 0 = one per core.
        progress: called after each kernel with (kernel, done, total), kernel as in "kernels" below.

    Returns:
        {"compiled": int, "cached": int (already in the cache), "failed": int, "seconds": wall time,
        "num_sms": int, "kernels": [{"name", "cached", "seconds", "error"}, ...]}.

    Raises:
        fp8gemm.Error: a malformed or unsupported layer, a bad range, or kernels that failed to compile
            (after the others were compiled and cached).
    """
    return _C.compile(layer_texts(layers), m_min, m_max, arch, num_sms or 0, jobs, progress)


def layer_texts(layers: Union[Layer, Iterable[Layer]]) -> List[str]:
    if isinstance(layers, str) or is_layer_tuple(layers):
        layers = [layers]
    if not isinstance(layers, Iterable):
        raise TypeError(f"layers: must be a layer or a list of layers; got {type(layers).__name__}")
    texts = []
    for layer in layers:
        if isinstance(layer, str):
            texts.append(layer)
        elif is_layer_tuple(layer):
            texts.append(":".join(str(field) for field in layer))
        else:
            raise TypeError(
                'layers: each layer must be text ("normal:N:K", "masked:N:K:G", a suite name) or a tuple '
                f'("normal", N, K) / ("masked", N, K, G); got {layer!r}'
            )
    return texts


def is_layer_tuple(layer: Any) -> bool:
    """("normal", 7168, 2048) and the like: a layout name, then numbers (how many is checked later)."""
    return (
        isinstance(layer, (tuple, list))
        and len(layer) > 1
        and isinstance(layer[0], str)
        and ":" not in layer[0]
        and all(isinstance(field, int) for field in layer[1:])
    )
