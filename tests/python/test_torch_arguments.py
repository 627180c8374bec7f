"""PyTorch tensors as arguments, on the CPU (where PyTorch is installed): float8 tensors are taken,
host tensors and other float8 formats refused with the argument's name."""

import pytest

import fp8gemm


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="torch not installed")


def operands(torch):
    a = torch.zeros(64, 512, dtype=torch.float8_e4m3fn)
    b = torch.zeros(256, 512, dtype=torch.float8_e4m3fn)
    return (a, torch.zeros(64, 4)), (b, torch.zeros(2, 4)), torch.zeros(64, 256, dtype=torch.bfloat16)


def test_host_tensors_are_refused(torch):
    with pytest.raises(fp8gemm.Error, match=r"^a: must be a CUDA tensor; got a tensor on the CPU"):
        fp8gemm.fp8_gemm_nt(*operands(torch))


def test_tensors_requiring_grad_are_taken(torch):
    (a, sa), b, d = operands(torch)
    with pytest.raises(fp8gemm.Error, match=r"^a: must be a CUDA tensor"):
        fp8gemm.fp8_gemm_nt((a, sa.requires_grad_()), b, d.requires_grad_())


def test_other_float8_formats_are_refused(torch):
    (a, sa), b, d = operands(torch)
    with pytest.raises(TypeError, match=r"^a: must have dtype float8_e4m3fn .* got float8_e5m2"):
        fp8gemm.fp8_gemm_nt((a.to(torch.float8_e5m2), sa), b, d)


def test_wrong_torch_dtypes_name_the_argument(torch):
    a, (b, sb), d = operands(torch)
    with pytest.raises(TypeError, match=r"^sb: must have dtype float32; got float64"):
        fp8gemm.fp8_gemm_nt(a, (b, sb.double()), d)
    with pytest.raises(TypeError, match=r"^d: must have dtype bfloat16 .* got float16"):
        fp8gemm.fp8_gemm_nt(a, (b, sb), d.half())
