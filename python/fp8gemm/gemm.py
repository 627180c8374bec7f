"""The three GEMM entry points: normal, grouped contiguous, grouped masked.

All compute D = (A ⊙ sa) · (B ⊙ sb)ᵀ in BF16 with FP32 accumulation, writing into the output tensor
passed in. Tensors may come from any framework that exports DLPack (PyTorch, JAX, CuPy); they must be
on the current CUDA device, which must be a Hopper GPU (sm_90).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from fp8gemm import _C
from fp8gemm._arguments import dlpack_ready, split_pair, stream_handle

Tensor = Any
"""Any tensor that exports DLPack: torch.Tensor, jax.Array, cupy.ndarray, ..."""

Stream = Any
"""An int CUstream handle, or a stream object (torch.cuda.Stream, cupy.cuda.Stream, __cuda_stream__)."""


def fp8_gemm_nt(
    a: Tuple[Tensor, Tensor],
    b: Tuple[Tensor, Tensor],
    d: Tensor,
    stream: Optional[Stream] = None,
) -> None:
    """D = (A ⊙ sa) · (B ⊙ sb)ᵀ in BF16, written into d (the "NT" FP8 GEMM).

    With Kb = ceil(K / 128) and Nb = ceil(N / 128):

    Args:
        a: the pair (A, sa).
            A: E4M3 [M, K], row-major (K-major). torch.float8_e4m3fn, or uint8/int8 holding E4M3 codes.
            sa: float32 [M, Kb], one scale per row and per 128 columns of K. Either MN-major with a
            TMA-aligned leading dimension (strides (1, get_tma_aligned_size(M, 4)), as
            per_token_cast_to_fp8 and get_mn_major_tma_aligned_tensor produce) or row-major.
        b: the pair (B, sb).
            B: E4M3 [N, K], row-major (each of the N rows holds K values).
            sb: float32 [Nb, Kb], one scale per 128x128 block of B (per_block_cast_to_fp8).
        d: bfloat16 [M, N], row-major: the output (uint16 holding BF16 bits is accepted too).
        stream: where the work is enqueued. None: the current PyTorch stream when d is a torch.Tensor,
            CuPy's current stream for a cupy.ndarray, else the legacy default stream (0). Otherwise an
            int CUstream handle or a stream object (torch.cuda.Stream, cupy.cuda.Stream).

    Rules: M >= 0 (M == 0 does nothing); N >= 8 and N % 8 == 0; K >= 16 and K % 16 == 0 (K need not be
    a multiple of 128: the last scale group is short). The call returns once the work is enqueued; it
    never synchronises the host and is safe to capture in a CUDA graph (after a first call with the
    same shapes has compiled and loaded the kernel).

    Raises:
        TypeError: an argument is not a DLPack tensor or has the wrong dtype (the message names it).
        fp8gemm.Error (a ValueError): any other rule broken, e.g. a CPU tensor, mismatched shapes,
            a non-contiguous or misaligned tensor, a device that is not sm_90.
    """
    launch(_C.fp8_gemm_nt, a, b, d, {}, (), stream)


def m_grouped_fp8_gemm_nt_contiguous(
    a: Tuple[Tensor, Tensor],
    b: Tuple[Tensor, Tensor],
    d: Tensor,
    m_indices: Tensor,
    stream: Optional[Stream] = None,
) -> None:
    """Grouped GEMM, contiguous layout (MoE prefill and training): D[i] = (A[i] ⊙ sa[i]) · (B[g] ⊙ sb[g])ᵀ
    with g = m_indices[i], for every row i of A.

    The tokens of all G experts are concatenated along M; each expert's segment starts at a multiple of
    get_m_alignment_for_contiguous_layout() rows, and the padding rows have m_indices == -1: they are
    skipped and their rows of d are left untouched. With Kb = ceil(K / 128) and Nb = ceil(N / 128):

    Args:
        a: the pair (A, sa). A: E4M3 [M, K] row-major; sa: float32 [M, Kb], MN-major TMA-aligned or
            row-major (see fp8_gemm_nt).
        b: the pair (B, sb). B: E4M3 [G, N, K], each expert's [N, K] row-major; sb: float32 [G, Nb, Kb].
        d: bfloat16 [M, N], row-major: the output.
        m_indices: int32 [M] on the device: the expert of each row, or -1 for a padding row.
        stream: as in fp8_gemm_nt (None: the current PyTorch stream for torch tensors).

    Rules as in fp8_gemm_nt for M, N and K. An index outside [-1, G) never causes an access outside
    the tensors: such rows are skipped.

    Raises:
        TypeError, fp8gemm.Error: as fp8_gemm_nt, naming the argument and the rule.
    """
    launch(_C.m_grouped_fp8_gemm_nt_contiguous, a, b, d, {"m_indices": m_indices}, (), stream)


def m_grouped_fp8_gemm_nt_masked(
    a: Tuple[Tensor, Tensor],
    b: Tuple[Tensor, Tensor],
    d: Tensor,
    masked_m: Tensor,
    expected_m: int,
    stream: Optional[Stream] = None,
) -> None:
    """Grouped GEMM, masked layout (MoE decode under CUDA graphs): for each group g and each row
    i < masked_m[g], D[g, i] = (A[g, i] ⊙ sa[g, i]) · (B[g] ⊙ sb[g])ᵀ.

    The row counts live on the device and are never read by the host, so the call can be captured in
    a CUDA graph and replayed with new masked_m contents. With Kb = ceil(K / 128), Nb = ceil(N / 128):

    Args:
        a: the pair (A, sa). A: E4M3 [G, max_m, K], row-major per group; sa: float32 [G, max_m, Kb],
            MN-major TMA-aligned per group (as per_token_cast_to_fp8 gives for a 3-D input, strides
            (Kb * aligned, 1, aligned) with aligned = get_tma_aligned_size(max_m, 4)) or row-major.
        b: the pair (B, sb). B: E4M3 [G, N, K]; sb: float32 [G, Nb, Kb].
        d: bfloat16 [G, max_m, N]: the output. Rows at or past masked_m[g] are left untouched.
        masked_m: int32 [G] on the device: the real rows of each group (0 allowed; values above max_m
            are clipped to max_m).
        expected_m: a host-side hint of the typical masked_m value, used only to choose the kernel's
            tile sizes; any value gives correct results.
        stream: as in fp8_gemm_nt (None: the current PyTorch stream for torch tensors, which is the
            capturing stream inside torch.cuda.graph).

    Raises:
        TypeError, fp8gemm.Error: as fp8_gemm_nt, naming the argument and the rule.
    """
    launch(_C.m_grouped_fp8_gemm_nt_masked, a, b, d, {"masked_m": masked_m}, (int(expected_m),), stream)


def launch(entry: Any, a: Any, b: Any, d: Any, tensors: Dict[str, Any], hints: tuple, stream: Any) -> None:
    """entry(a, sa, b, sb, d, *tensors, *hints, stream) with the tensors made ready for DLPack."""
    a_, sa = split_pair(a, "a", "sa")
    b_, sb = split_pair(b, "b", "sb")
    named = {"a": a_, "sa": sa, "b": b_, "sb": sb, "d": d, **tensors}
    entry(*(dlpack_ready(t, name) for name, t in named.items()), *hints, stream_handle(stream, d))
