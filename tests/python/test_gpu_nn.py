"""fp8gemm.nn.Fp8Linear against the float64 product of its own quantized operands (exact up to BF16
rounding) and against the BF16 layer it replaces (FP8 quantization error only)."""

import pytest

import fp8gemm
from gemm_reference import dequantize_activations, dequantize_weights, diff


@pytest.mark.parametrize("batch_shape", [(5,), (2, 3), (2, 0), (1, 1, 7)])
@pytest.mark.parametrize("bias", [True, False])
def test_fp8_linear(torch_gpu, batch_shape, bias):
    from fp8gemm.nn import Fp8Linear

    torch = torch_gpu
    linear = torch.nn.Linear(1040, 392, bias=bias, device="cuda", dtype=torch.bfloat16)
    layer = Fp8Linear.from_linear(linear)
    x = torch.randn(*batch_shape, 1040, device="cuda", dtype=torch.bfloat16)
    y = layer(x)
    assert y.shape == (*batch_shape, 392) and y.dtype == torch.bfloat16
    if x.numel() == 0:
        return
    rows = x.reshape(-1, 1040)
    exact = dequantize_activations(*fp8gemm.per_token_cast_to_fp8(rows)) @ dequantize_weights(
        layer.weight_fp8, layer.weight_scales).T
    if bias:
        exact += linear.bias.detach().double()
    assert diff(y.reshape(-1, 392), exact) < 1e-5
    with torch.no_grad():
        assert diff(y, linear(x)) < 2e-3  # E4M3 rounding of both operands: about 7e-4 on randn data


def test_fp8_linear_keeps_the_input_dtype(torch_gpu):
    from fp8gemm.nn import Fp8Linear

    torch = torch_gpu
    layer = Fp8Linear.from_linear(torch.nn.Linear(256, 128, device="cuda", dtype=torch.bfloat16))
    assert layer(torch.randn(4, 256, device="cuda")).dtype == torch.float32


def test_fp8_linear_checks_shapes(torch_gpu):
    from fp8gemm.nn import Fp8Linear

    torch = torch_gpu
    with pytest.raises(ValueError, match=r"^out_features \(N\): must be >= 8 and a multiple of 8"):
        Fp8Linear.from_linear(torch.nn.Linear(256, 12))
    with pytest.raises(ValueError, match=r"^in_features \(K\): must be >= 16 and a multiple of 16"):
        Fp8Linear.from_linear(torch.nn.Linear(100, 64))
    layer = Fp8Linear.from_linear(torch.nn.Linear(256, 64, device="cuda", dtype=torch.bfloat16))
    with pytest.raises(ValueError, match=r"^x: the last dimension must be in_features = 256"):
        layer(torch.randn(3, 255, device="cuda", dtype=torch.bfloat16))
    with pytest.raises(ValueError, match=r"^x: must be a CUDA tensor"):
        layer(torch.randn(3, 256, dtype=torch.bfloat16))
