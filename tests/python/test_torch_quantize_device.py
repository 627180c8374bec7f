"""The device quantizers behind per_token_cast_to_fp8 / per_block_cast_to_fp8 for CUDA tensors: the same
bits as the PyTorch path the CPU tensors take, for every input dtype and for strided, batched and
misaligned inputs, on the current PyTorch stream; and the compiled entry points' argument errors (on
the CPU, no GPU needed)."""

import pytest

import fp8gemm
from fp8gemm import _C
from fp8gemm._arguments import dlpack_ready


def same_bits(torch, x, y):
    return torch.equal(x.cpu().view(torch.uint8), y.cpu().view(torch.uint8))


def cases(torch):
    """(name, CUDA input) pairs: dtypes, odd shapes, batches, strided and misaligned views."""
    torch.manual_seed(1)
    dense = torch.randn(300, 1000, device="cuda") * 40
    yield "float16", dense.half()
    yield "bfloat16 K=100", dense[:37, :100].bfloat16()
    yield "float32 batched", (torch.randn(3, 65, 300, device="cuda") * 5)
    yield "row stride not 16-byte aligned", dense.bfloat16()[:, 3:903]
    yield "column stride 2 (copied first)", dense.bfloat16()[:, ::2]
    yield "transposed", dense.bfloat16().t()
    yield "broadcast groups (copied first)", dense[:65, :300].expand(3, 65, 300)


@pytest.mark.parametrize("pow2_scales", [False, True])
def test_device_casts_match_the_cpu_path(torch_gpu, pow2_scales):
    torch = torch_gpu
    for name, x in cases(torch):
        q, scales = fp8gemm.per_token_cast_to_fp8(x, pow2_scales=pow2_scales)
        cpu_q, cpu_scales = fp8gemm.per_token_cast_to_fp8(x.cpu(), pow2_scales=pow2_scales)
        assert q.is_cuda and q.is_contiguous() and scales.stride() == cpu_scales.stride(), name
        assert same_bits(torch, q, cpu_q) and torch.equal(scales.cpu(), cpu_scales), name
        wq, wscales = fp8gemm.per_block_cast_to_fp8(x, pow2_scales=pow2_scales)
        cpu_wq, cpu_wscales = fp8gemm.per_block_cast_to_fp8(x.cpu(), pow2_scales=pow2_scales)
        assert wscales.is_contiguous() and wscales.shape == cpu_wscales.shape, name
        assert same_bits(torch, wq, cpu_wq) and torch.equal(wscales.cpu(), cpu_wscales), name


def test_device_casts_run_on_the_current_stream(torch_gpu):
    torch = torch_gpu
    x = torch.randn(512, 7168, device="cuda", dtype=torch.bfloat16)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        q, scales = fp8gemm.per_token_cast_to_fp8(x)
        # Consumed on the same stream without a synchronisation: the kernel ran there, in order.
        total = scales.sum()
    side.synchronize()
    expected_q, expected_scales = fp8gemm.per_token_cast_to_fp8(x.cpu())
    assert same_bits(torch, q, expected_q)
    assert torch.equal(total.cpu(), expected_scales.sum())


def test_compiled_entry_points_name_bad_arguments():
    torch = pytest.importorskip("torch", reason="torch not installed")
    x = torch.zeros(4, 256, dtype=torch.bfloat16)
    q = torch.zeros(4, 256, dtype=torch.float8_e4m3fn)
    scales = torch.zeros(4, 2)
    entry_points = [(_C.per_token_cast_to_fp8, "x"), (_C.per_block_cast_to_fp8, "w")]
    for entry, name in entry_points:
        with pytest.raises(TypeError, match=rf"^{name}: must have dtype bfloat16, float16 or float32; got int32"):
            entry(dlpack_ready(x.int(), name), dlpack_ready(q, "q"), dlpack_ready(scales, "scales"), False, 0)
        with pytest.raises(TypeError, match=r"^q: must have dtype float8_e4m3fn"):
            entry(dlpack_ready(x, name), dlpack_ready(scales, "q"), dlpack_ready(scales, "scales"), False, 0)
        with pytest.raises(fp8gemm.Error, match=rf"^{name}: must be a CUDA tensor; got a tensor on the CPU"):
            entry(dlpack_ready(x, name), dlpack_ready(q, "q"), dlpack_ready(scales, "scales"), False, 0)
