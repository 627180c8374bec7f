"""per_token_cast_to_fp8, per_block_cast_to_fp8 and get_mn_major_tma_aligned_tensor against a plain
loop-per-group PyTorch reference written after the C++ reference's rules (bit for bit), on the CPU
(where PyTorch is installed) and on the GPU."""

import pytest

import fp8gemm

GROUP = 128
SHAPES = [(1, 16), (7, 100), (33, 128), (130, 1000), (257, 7168)]


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    if request.param == "cuda":
        torch = request.getfixturevalue("torch_gpu")
    else:
        torch = pytest.importorskip("torch", reason="torch not installed")
    torch.manual_seed(0)
    return torch, request.param


def reference_scale(torch, amax, pow2_scales):
    scale = torch.maximum(amax, torch.tensor(1e-4, dtype=torch.float32)) / 448.0
    if pow2_scales:  # the smallest power of two >= scale, as std::frexp / std::ldexp give it
        mantissa, exponent = torch.frexp(scale)
        scale = torch.where(mantissa == 0.5, scale, torch.ldexp(torch.ones_like(scale), exponent))
    return scale


def reference_cast(torch, x, rows_per_group, pow2_scales):
    """q and row-major scales of x [R, C] in groups of rows_per_group x 128, one group at a time."""
    x = x.float().cpu()
    rows, cols = x.shape
    q = torch.empty(rows, cols, dtype=torch.float8_e4m3fn)
    scales = torch.empty(-(-rows // rows_per_group), -(-cols // GROUP))
    for i in range(scales.shape[0]):
        for j in range(scales.shape[1]):
            r, c = slice(i * rows_per_group, (i + 1) * rows_per_group), slice(j * GROUP, (j + 1) * GROUP)
            scale = reference_scale(torch, x[r, c].abs().max(), pow2_scales)
            scales[i, j] = scale
            q[r, c] = (x[r, c] / scale).to(torch.float8_e4m3fn)
    return q, scales


def random_input(torch, device, rows, cols, dtype):
    x = torch.randn(rows, cols) * torch.rand(rows, 1) * 100
    x[0, : min(cols, 130)] = 0  # an all-zero group: amax floors at 1e-4
    return x.to(dtype).to(device)


def same_bits(torch, x, y):
    return torch.equal(x.cpu().view(torch.uint8), y.cpu().view(torch.uint8))


@pytest.mark.parametrize("pow2_scales", [False, True])
@pytest.mark.parametrize("dtype_name", ["bfloat16", "float32"])
@pytest.mark.parametrize("m, k", SHAPES)
def test_per_token_cast_to_fp8(device, m, k, dtype_name, pow2_scales):
    torch, where = device
    x = random_input(torch, where, m, k, getattr(torch, dtype_name))
    q, scales = fp8gemm.per_token_cast_to_fp8(x, pow2_scales=pow2_scales)
    expected_q, expected_scales = reference_cast(torch, x, 1, pow2_scales)
    assert q.shape == (m, k) and q.dtype == torch.float8_e4m3fn and q.is_contiguous()
    assert scales.shape == (m, -(-k // GROUP)) and scales.stride() == (1, fp8gemm.get_tma_aligned_size(m, 4))
    assert same_bits(torch, q, expected_q)
    assert torch.equal(scales.cpu(), expected_scales)


@pytest.mark.parametrize("pow2_scales", [False, True])
@pytest.mark.parametrize("n, k", SHAPES)
def test_per_block_cast_to_fp8(device, n, k, pow2_scales):
    torch, where = device
    w = random_input(torch, where, n, k, torch.bfloat16)
    q, scales = fp8gemm.per_block_cast_to_fp8(w, pow2_scales=pow2_scales)
    expected_q, expected_scales = reference_cast(torch, w, GROUP, pow2_scales)
    assert q.shape == (n, k) and q.is_contiguous() and scales.is_contiguous()
    assert same_bits(torch, q, expected_q)
    assert torch.equal(scales.cpu(), expected_scales)


def test_pow2_scales_are_powers_of_two(device):
    torch, where = device
    _, scales = fp8gemm.per_token_cast_to_fp8(random_input(torch, where, 64, 512, torch.float32), pow2_scales=True)
    mantissa, _ = torch.frexp(scales)
    assert (mantissa == 0.5).all()


def test_batched_casts_match_per_group_casts(device):
    torch, where = device
    x = random_input(torch, where, 3 * 65, 300, torch.bfloat16).reshape(3, 65, 300)
    q, scales = fp8gemm.per_token_cast_to_fp8(x)
    aligned = fp8gemm.get_tma_aligned_size(65, 4)
    assert scales.shape == (3, 65, 3) and scales.stride() == (3 * aligned, 1, aligned)
    wq, wscales = fp8gemm.per_block_cast_to_fp8(x)
    for g in range(3):
        q_g, scales_g = fp8gemm.per_token_cast_to_fp8(x[g])
        assert same_bits(torch, q[g], q_g) and torch.equal(scales[g], scales_g)
        wq_g, wscales_g = fp8gemm.per_block_cast_to_fp8(x[g])
        assert same_bits(torch, wq[g], wq_g) and torch.equal(wscales[g], wscales_g)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (128, 56), (2, 7, 4), (3, 4, 1)])
def test_get_mn_major_tma_aligned_tensor(device, shape):
    torch, where = device
    x = torch.randn(shape, device=where)
    y = fp8gemm.get_mn_major_tma_aligned_tensor(x)
    m, kb = shape[-2], shape[-1]
    aligned = fp8gemm.get_tma_aligned_size(m, 4)
    expected_strides = (1, aligned) if len(shape) == 2 else (aligned * kb, 1, aligned)
    assert y.shape == x.shape and torch.equal(y, x)
    assert y.stride() == expected_strides
    assert fp8gemm.get_mn_major_tma_aligned_tensor(y) is y


def test_cast_arguments_are_checked(device):
    torch, where = device
    with pytest.raises(TypeError, match=r"^x: must have dtype"):
        fp8gemm.per_token_cast_to_fp8(torch.zeros(4, 128, dtype=torch.int32, device=where))
    with pytest.raises(ValueError, match=r"^w: must be \[N, K\] or \[G, N, K\]"):
        fp8gemm.per_block_cast_to_fp8(torch.zeros(128, device=where))
    with pytest.raises(TypeError, match=r"^x: must be a torch.Tensor"):
        fp8gemm.get_mn_major_tma_aligned_tensor([[1.0]])
