"""FP8 (E4M3) quantization of activations (1x128 groups) and weights (128x128 blocks) of PyTorch tensors:
CUDA tensors by the library's device kernels (one pass over the input, scales written directly in the
layout the GEMMs read), CPU tensors by PyTorch operations.

Numerics follow the C++ reference (src/reference) bit for bit on both: per group, scale =
max(amax, 1e-4) / 448 in FP32 (rounded up to a power of two with pow2_scales), q = e4m3(x / scale) with
an IEEE division, round-to-nearest-even and saturation to ±448.
"""

from __future__ import annotations

from typing import Any, Tuple

from fp8gemm import _C
from fp8gemm._arguments import dlpack_ready, require_torch, stream_handle
from fp8gemm.layout import empty_mn_major_tma_aligned, get_mn_major_tma_aligned_tensor

GROUP = 128
E4M3_MAX = 448.0
MIN_AMAX = 1e-4
FLOAT_MANTISSA_MASK = 0x7FFFFF


def per_token_cast_to_fp8(x: Any, pow2_scales: bool = False) -> Tuple[Any, Any]:
    """Quantizes activations to E4M3 with one FP32 scale per row and per 128 columns.

    Args:
        x: torch.bfloat16, float16 or float32 [M, K], or [G, M, K] (the masked layout). K need not be a
            multiple of 128: the last group is short. A CUDA tensor (on the current device, a Hopper GPU)
            is quantized by a device kernel enqueued on the current PyTorch stream; a CPU tensor by
            PyTorch operations.
        pow2_scales: round every scale up to a power of two (UE8M0-style scales).

    Returns:
        (q, sa): q torch.float8_e4m3fn of x's shape, contiguous; sa torch.float32 [M, Kb] (or
        [G, M, Kb]) with Kb = ceil(K / 128), in the MN-major TMA-aligned layout the GEMMs read (see
        get_mn_major_tma_aligned_tensor). x ≈ q * sa repeated over each group of 128 columns.
        Pass (q, sa) as the `a` argument of fp8_gemm_nt and the grouped GEMMs.

    Raises:
        TypeError: x is not a floating torch.Tensor. ValueError: x is not 2-D or 3-D.
        fp8gemm.Error (a ValueError): a CUDA tensor on another device than the current one, or a device
            that is not sm_90.
    """
    torch = require_torch(x, "x")
    check_input(torch, x, "x", "[M, K] or [G, M, K]")
    k = x.shape[-1]
    kb = -(-k // GROUP)
    if x.is_cuda:
        scales = empty_mn_major_tma_aligned(torch, (*x.shape[:-1], kb), x.device)
        return cast_on_device(torch, _C.per_token_cast_to_fp8, x, "x", scales, pow2_scales), scales
    groups = padded_to_groups(torch, x, (0, kb * GROUP - k)).unflatten(-1, (kb, GROUP))
    scales = group_scales(torch, groups.abs().amax(dim=-1), pow2_scales)
    q = to_e4m3(torch, groups / scales.unsqueeze(-1)).flatten(-2)[..., :k].contiguous()
    return q, get_mn_major_tma_aligned_tensor(scales)


def per_block_cast_to_fp8(w: Any, pow2_scales: bool = False) -> Tuple[Any, Any]:
    """Quantizes weights to E4M3 with one FP32 scale per 128x128 block.

    Args:
        w: torch.bfloat16, float16 or float32 [N, K], or [G, N, K] (grouped weights). N and K need not
            be multiples of 128: the last blocks are short. A CUDA tensor (on the current device, a Hopper
            GPU) is quantized by a device kernel enqueued on the current PyTorch stream; a CPU tensor by
            PyTorch operations.
        pow2_scales: round every scale up to a power of two (UE8M0-style scales).

    Returns:
        (q, sb): q torch.float8_e4m3fn of w's shape, contiguous; sb torch.float32 [Nb, Kb] (or
        [G, Nb, Kb]), row-major, with Nb = ceil(N / 128), Kb = ceil(K / 128). Pass (q, sb) as the `b`
        argument of the GEMMs.

    Raises:
        TypeError: w is not a floating torch.Tensor. ValueError: w is not 2-D or 3-D.
        fp8gemm.Error (a ValueError): a CUDA tensor on another device than the current one, or a device
            that is not sm_90.
    """
    torch = require_torch(w, "w")
    check_input(torch, w, "w", "[N, K] or [G, N, K]")
    n, k = w.shape[-2], w.shape[-1]
    nb, kb = -(-n // GROUP), -(-k // GROUP)
    if w.is_cuda:
        scales = torch.empty((*w.shape[:-2], nb, kb), dtype=torch.float32, device=w.device)
        return cast_on_device(torch, _C.per_block_cast_to_fp8, w, "w", scales, pow2_scales), scales
    padded = padded_to_groups(torch, w, (0, kb * GROUP - k, 0, nb * GROUP - n))
    blocks = padded.unflatten(-1, (kb, GROUP)).unflatten(-3, (nb, GROUP))  # [..., nb, 128, kb, 128]
    scales = group_scales(torch, blocks.abs().amax(dim=(-3, -1)), pow2_scales)
    q = to_e4m3(torch, blocks / scales.unsqueeze(-1).unsqueeze(-3))
    q = q.flatten(-2).flatten(-3, -2)[..., :n, :k].contiguous()
    return q, scales.contiguous()


def cast_on_device(torch: Any, entry: Any, x: Any, name: str, scales: Any, pow2_scales: bool) -> Any:
    """The E4M3 codes of x, written by entry(x, q, scales, pow2_scales, stream) on x's current stream."""
    q = torch.empty(x.shape, dtype=torch.float8_e4m3fn, device=x.device)
    if not rows_along_k(x):
        x = x.contiguous()
    entry(dlpack_ready(x, name), dlpack_ready(q, "q"), dlpack_ready(scales, "scales"), bool(pow2_scales),
          stream_handle(None, x))
    return q


def rows_along_k(x: Any) -> bool:
    """Whether the kernels can read x in place: stride 1 along K, rows and groups not overlapping (any
    row stride otherwise, e.g. a slice of a wider tensor)."""
    if x.shape[-1] > 1 and x.stride(-1) != 1:
        return False
    extent = x.shape[-1]
    for size, stride in zip(reversed(x.shape[:-1]), reversed(x.stride()[:-1])):
        if size > 1 and stride < extent:
            return False
        extent = stride * size
    return True


def check_input(torch: Any, x: Any, name: str, shapes: str) -> None:
    if x.dtype not in (torch.bfloat16, torch.float16, torch.float32):
        raise TypeError(f"{name}: must have dtype torch.bfloat16, float16 or float32; got {x.dtype}")
    if x.dim() not in (2, 3):
        raise ValueError(f"{name}: must be {shapes}; got shape {tuple(x.shape)}")


def padded_to_groups(torch: Any, x: Any, padding: Tuple[int, ...]) -> Any:
    """x in FP32, zero-padded to whole groups (zeros leave every amax as it is)."""
    x = x.float()
    return torch.nn.functional.pad(x, padding) if any(padding) else x


def group_scales(torch: Any, amax: Any, pow2_scales: bool) -> Any:
    scales = amax.clamp(min=MIN_AMAX) / E4M3_MAX
    if pow2_scales:
        # Exact round-up to a power of two on the FP32 bits (scales are positive and normal): carry any
        # non-zero mantissa into the exponent, then clear the mantissa.
        bits = scales.view(torch.int32)
        scales = ((bits + FLOAT_MANTISSA_MASK) & ~FLOAT_MANTISSA_MASK).view(torch.float32)
    return scales


def to_e4m3(torch: Any, x: Any) -> Any:
    # PyTorch turns values beyond the E4M3 range into NaN; the reference saturates to ±448.
    return x.clamp(-E4M3_MAX, E4M3_MAX).to(torch.float8_e4m3fn)
