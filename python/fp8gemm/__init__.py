"""fp8gemm: FP8 GEMMs with fine-grained scaling for NVIDIA Hopper (sm_90), compiled just in time.

    D[M, N] (bf16) = (A[M, K] ⊙ sa) · (B[N, K] ⊙ sb)ᵀ

A and B are E4M3, K-major; sa holds one FP32 scale per row and per 128 columns of K (1x128), sb one
per 128x128 block of B. Partial sums are promoted to FP32 after every 128 of K.

The names follow those inference engines already call, so switching is an import change:

    fp8_gemm_nt((a, sa), (b, sb), d)                                  one GEMM
    m_grouped_fp8_gemm_nt_contiguous((a, sa), (b, sb), d, m_indices)  MoE, experts concatenated along M
    m_grouped_fp8_gemm_nt_masked((a, sa), (b, sb), d, masked_m, expected_m)   MoE decode, CUDA graphs
    per_token_cast_to_fp8(x), per_block_cast_to_fp8(w)                quantization (PyTorch tensors;
                                                                      device kernels on the GPU)
    get_mn_major_tma_aligned_tensor(sa), get_tma_aligned_size(x, element_size)
    get_m_alignment_for_contiguous_layout(), set_num_sms(n), get_num_sms()
    reload_settings()                                 read FP8GEMM_CONFIG, FP8GEMM_CHECK_INDICES again
    fp8gemm.nn.Fp8Linear                                              drop-in layer (PyTorch)
    compile(layers, m_min, m_max)                     fill the kernel cache ahead of time (no GPU needed)

Tensors come through DLPack (PyTorch, JAX, CuPy, ...). Work is enqueued on the current PyTorch stream
for PyTorch outputs, or on the `stream=` given. Broken rules raise fp8gemm.Error (a ValueError) or
TypeError, naming the argument and the rule.
"""

from fp8gemm._C import (
    Error,
    __version__,
    get_m_alignment_for_contiguous_layout,
    get_num_sms,
    get_tma_aligned_size,
    reload_settings,
    set_num_sms,
)
from fp8gemm.ahead_of_time import compile
from fp8gemm.gemm import fp8_gemm_nt, m_grouped_fp8_gemm_nt_contiguous, m_grouped_fp8_gemm_nt_masked
from fp8gemm.layout import get_mn_major_tma_aligned_tensor
from fp8gemm.quantize import per_block_cast_to_fp8, per_token_cast_to_fp8

Error.__module__ = "fp8gemm"

__all__ = [
    "Error",
    "__version__",
    "fp8_gemm_nt",
    "m_grouped_fp8_gemm_nt_contiguous",
    "m_grouped_fp8_gemm_nt_masked",
    "set_num_sms",
    "get_num_sms",
    "reload_settings",
    "get_m_alignment_for_contiguous_layout",
    "get_tma_aligned_size",
    "get_mn_major_tma_aligned_tensor",
    "per_token_cast_to_fp8",
    "per_block_cast_to_fp8",
    "compile",
]


def __getattr__(name: str):
    # fp8gemm.nn needs PyTorch: imported on first use so that `import fp8gemm` works without it.
    if name == "nn":
        import importlib

        return importlib.import_module("fp8gemm.nn")
    raise AttributeError(f"module 'fp8gemm' has no attribute {name!r}")
