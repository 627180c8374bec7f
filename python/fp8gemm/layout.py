"""The MN-major, TMA-aligned layout of activation scales that the GEMMs read fastest."""

from __future__ import annotations

from typing import Any, Tuple

from fp8gemm import _C
from fp8gemm._arguments import require_torch


def get_mn_major_tma_aligned_tensor(x: Any) -> Any:
    """The same FP32 scales, stored MN-major with a TMA-aligned leading dimension.

    Args:
        x: torch.float32 [M, Kb] or [G, M, Kb] on any device (Kb = ceil(K / 128) scale groups).

    Returns:
        A torch.Tensor equal to x, of the same shape, whose storage is column-major per group with the
        leading dimension aligned = get_tma_aligned_size(M, 4): strides (1, aligned) for [M, Kb] and
        (aligned * Kb, 1, aligned) for [G, M, Kb]. x itself is returned when it already has this
        layout. This is the `sa` layout fp8_gemm_nt and the grouped GEMMs read without a transpose.

    Raises:
        TypeError: x is not a torch.float32 tensor.
        ValueError: x is not 2-D or 3-D.
    """
    torch = require_torch(x, "x")
    if x.dtype != torch.float32:
        raise TypeError(f"x: must have dtype torch.float32; got {x.dtype}")
    if x.dim() not in (2, 3):
        raise ValueError(f"x: must be [M, Kb] or [G, M, Kb]; got shape {tuple(x.shape)}")
    m, kb = x.shape[-2], x.shape[-1]
    aligned = _C.get_tma_aligned_size(m, 4)
    if x.dim() == 2 and x.stride() == (1, aligned):
        return x
    if x.dim() == 3 and x.stride() == (aligned * kb, 1, aligned):
        return x
    out = empty_mn_major_tma_aligned(torch, x.shape, x.device)
    out.copy_(x)
    return out


def empty_mn_major_tma_aligned(torch: Any, shape: Tuple[int, ...], device: Any) -> Any:
    """An uninitialised torch.float32 tensor of shape [M, Kb] or [G, M, Kb] in the layout
    get_mn_major_tma_aligned_tensor returns."""
    m, kb = shape[-2], shape[-1]
    groups = 1 if len(shape) == 2 else shape[0]
    storage = torch.empty((groups, kb, _C.get_tma_aligned_size(m, 4)), dtype=torch.float32, device=device)
    out = storage.transpose(1, 2)[:, :m, :]
    return out[0] if len(shape) == 2 else out
