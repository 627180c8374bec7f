"""Tensors of other frameworks through DLPack: the same GEMM with CuPy and with JAX arrays, checked
against the float64 reference (operands made with PyTorch and shared without copies)."""

import os

import pytest

import fp8gemm
from gemm_reference import diff, reference_gemm

M, N, K = 200, 512, 1024


@pytest.fixture
def operands(torch_gpu):
    torch = torch_gpu
    x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
    w = torch.randn(N, K, device="cuda", dtype=torch.bfloat16)
    (a, sa), (b, sb) = fp8gemm.per_token_cast_to_fp8(x), fp8gemm.per_block_cast_to_fp8(w)
    torch.cuda.synchronize()
    return torch, a, sa, b, sb


def test_cupy_arrays(operands):
    cupy = pytest.importorskip("cupy", reason="cupy not installed")
    torch, a, sa, b, sb = operands
    # CuPy has no FP8 or BF16 dtype: E4M3 codes travel as uint8, the BF16 output as uint16 bits.
    a_cp, b_cp = cupy.from_dlpack(a.view(torch.uint8)), cupy.from_dlpack(b.view(torch.uint8))
    sa_cp, sb_cp = cupy.from_dlpack(sa), cupy.from_dlpack(sb)  # sa stays MN-major
    d_cp = cupy.full((M, N), 0x7FC0, dtype=cupy.uint16)  # BF16 NaN
    fp8gemm.fp8_gemm_nt((a_cp, sa_cp), (b_cp, sb_cp), d_cp)  # CuPy's current stream
    cupy.cuda.get_current_stream().synchronize()
    d = torch.from_dlpack(d_cp).view(torch.bfloat16)
    assert diff(d, reference_gemm(a, sa, b, sb)) < 1e-5


def test_jax_arrays(operands):
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # leave GPU memory to PyTorch
    jax = pytest.importorskip("jax", reason="jax not installed")
    try:
        jax.devices("gpu")
    except RuntimeError:
        pytest.skip("jax has no GPU backend")
    import jax.numpy as jnp

    torch, a, sa, b, sb = operands
    # JAX arrays are row-major: sa goes row-major, which the GEMM takes too.
    a_j, b_j = jnp.from_dlpack(a.view(torch.uint8)), jnp.from_dlpack(b.view(torch.uint8))
    sa_j, sb_j = jnp.from_dlpack(sa.contiguous()), jnp.from_dlpack(sb)
    d_j = jnp.full((M, N), jnp.nan, dtype=jnp.bfloat16).block_until_ready()
    torch.cuda.synchronize()
    fp8gemm.fp8_gemm_nt((a_j, sa_j), (b_j, sb_j), d_j, stream=0)
    torch.cuda.synchronize()
    d = torch.from_dlpack(d_j)
    assert diff(d, reference_gemm(a, sa, b, sb)) < 1e-5
