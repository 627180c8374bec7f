"""The three GEMMs on a Hopper GPU against the float64 reference of the dequantized operands, with
outputs poisoned (NaN) first so that rows the kernel must not write are seen untouched."""

import math
import random

import pytest

import fp8gemm
from gemm_reference import dequantize_activations, dequantize_weights, diff, reference_gemm

TOLERANCE = 1e-5

# (M, N, K): odd M, N not a multiple of the block, K not a multiple of 128, M = 0, and DeepSeek-V3 layers.
SHAPES = [
    (1, 8, 16),
    (7, 24, 48),
    (64, 2112, 7168),
    (128, 256, 384),
    (129, 4104, 1040),
    (333, 7168, 2048),
    (4096, 4096, 7168),
    (0, 256, 512),
]


def quantized_operands(torch, m, n, k, groups=None, weight_groups=None):
    """Random (a, sa), (b, sb): A [m, K] or [groups, m, K]; B [N, K] or [groups or weight_groups, N, K]."""
    rows = () if groups is None else (groups,)
    weights = rows if weight_groups is None else (weight_groups,)
    x = torch.randn(*rows, m, k, device="cuda", dtype=torch.bfloat16)
    w = torch.randn(*weights, n, k, device="cuda", dtype=torch.bfloat16)
    return fp8gemm.per_token_cast_to_fp8(x), fp8gemm.per_block_cast_to_fp8(w)


def poisoned(torch, *shape):
    return torch.full(shape, float("nan"), device="cuda", dtype=torch.bfloat16)


@pytest.mark.parametrize("sa_layout", ["mn_major", "row_major"])
@pytest.mark.parametrize("m, n, k", SHAPES)
def test_fp8_gemm_nt(torch_gpu, m, n, k, sa_layout):
    torch = torch_gpu
    (a, sa), (b, sb) = quantized_operands(torch, m, n, k)
    if sa_layout == "row_major":
        sa = sa.contiguous()
    d = poisoned(torch, m, n)
    fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d)
    torch.cuda.synchronize()
    assert not d.isnan().any()
    assert diff(d, reference_gemm(a, sa, b, sb)) < TOLERANCE


def test_fp8_gemm_nt_on_given_and_current_streams(torch_gpu):
    torch = torch_gpu
    (a, sa), (b, sb) = quantized_operands(torch, 256, 512, 1024)
    expected = reference_gemm(a, sa, b, sb)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    for stream_argument in [side, side.cuda_stream]:
        d = poisoned(torch, 256, 512)
        side.wait_stream(torch.cuda.current_stream())
        fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d, stream=stream_argument)
        side.synchronize()
        assert diff(d, expected) < TOLERANCE
    d = poisoned(torch, 256, 512)
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d)
    side.synchronize()
    assert diff(d, expected) < TOLERANCE


def test_fp8_gemm_nt_in_a_cuda_graph(torch_gpu):
    # Capture fails if the call used any stream but the capturing one (PyTorch's current stream).
    torch = torch_gpu
    (a, sa), (b, sb) = quantized_operands(torch, 96, 1024, 512)
    d = poisoned(torch, 96, 1024)
    fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d)  # compiles and loads the kernel outside the capture
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d)
    d.fill_(float("nan"))
    graph.replay()
    torch.cuda.synchronize()
    assert diff(d, reference_gemm(a, sa, b, sb)) < TOLERANCE


def test_set_num_sms(torch_gpu):
    torch = torch_gpu
    device_sms = torch.cuda.get_device_properties(0).multi_processor_count
    (a, sa), (b, sb) = quantized_operands(torch, 512, 2048, 1024)
    try:
        fp8gemm.set_num_sms(device_sms // 2)
        assert fp8gemm.get_num_sms() == device_sms // 2
        d = poisoned(torch, 512, 2048)
        fp8gemm.fp8_gemm_nt((a, sa), (b, sb), d)
        torch.cuda.synchronize()
        assert diff(d, reference_gemm(a, sa, b, sb)) < TOLERANCE
    finally:
        fp8gemm.set_num_sms(0)
    assert fp8gemm.get_num_sms() == device_sms


def contiguous_layout(torch, group_rows):
    """m_indices for groups of the given sizes, each padded to the alignment with -1 rows."""
    alignment = fp8gemm.get_m_alignment_for_contiguous_layout()
    indices = []
    for g, rows in enumerate(group_rows):
        padded = math.ceil(rows / alignment) * alignment
        indices += [g] * rows + [-1] * (padded - rows)
    return torch.tensor(indices, dtype=torch.int32, device="cuda")


def run_contiguous(torch, groups, n, k, m_indices):
    """Runs the contiguous GEMM for m_indices on random operands; checks every group's rows against
    the reference and that every other row (index outside [0, G): padding) stays untouched."""
    m = m_indices.numel()
    (a, sa), (b, sb) = quantized_operands(torch, m, n, k, weight_groups=groups)
    d = poisoned(torch, m, n)
    fp8gemm.m_grouped_fp8_gemm_nt_contiguous((a, sa), (b, sb), d, m_indices)
    torch.cuda.synchronize()
    # Dequantized first: PyTorch cannot index float8 tensors.
    a64, b64 = dequantize_activations(a, sa), dequantize_weights(b, sb)
    for g in range(groups):
        rows = m_indices == g
        if rows.any():
            assert diff(d[rows], a64[rows] @ b64[g].T) < TOLERANCE, f"group {g}"
    assert d[(m_indices < 0) | (m_indices >= groups)].isnan().all(), "padding rows must stay untouched"


@pytest.mark.parametrize("groups, n, k, seed", [(1, 256, 128, 0), (4, 4096, 7168, 1), (8, 7168, 2048, 2),
                                                (5, 520, 1040, 3), (16, 128, 256, 4)])
def test_m_grouped_contiguous(torch_gpu, groups, n, k, seed):
    rng = random.Random(seed)
    group_rows = [rng.choice([0, 1, 77, 128, 300, 513]) for _ in range(groups)]
    group_rows[0] = max(group_rows[0], 1)
    run_contiguous(torch_gpu, groups, n, k, contiguous_layout(torch_gpu, group_rows))


def test_m_grouped_contiguous_skips_out_of_range_indices(torch_gpu):
    # Rows whose index is outside [-1, G) are skipped like padding: no access outside B, D untouched.
    torch = torch_gpu
    m_indices = contiguous_layout(torch, [100, 128, 5])
    bad_rows = torch.tensor([110, 111, 300, 301], device="cuda")
    m_indices[bad_rows] = torch.tensor([3, 1 << 20, -2, -(1 << 20)], dtype=torch.int32, device="cuda")
    run_contiguous(torch, 3, 256, 512, m_indices)


def masked_operands(torch, groups, max_m, n, k):
    (a, sa), (b, sb) = quantized_operands(torch, max_m, n, k, groups=groups)
    return (a, sa), (b, sb), poisoned(torch, groups, max_m, n)


def check_masked(d, a, sa, b, sb, counts):
    expected = reference_gemm(a, sa, b, sb)  # [G, max_m, N]
    for g, rows in enumerate(counts):
        rows = min(rows, d.shape[1])
        if rows:
            assert diff(d[g, :rows], expected[g, :rows]) < TOLERANCE, f"group {g}"
        assert d[g, rows:].isnan().all(), f"group {g}: rows at or past masked_m must stay untouched"


@pytest.mark.parametrize("groups, max_m, n, k, seed", [(1, 1024, 4096, 7168, 0), (2, 512, 7168, 2048, 1),
                                                       (4, 256, 4096, 7168, 2), (7, 100, 520, 1040, 3),
                                                       (64, 32, 256, 512, 4)])
def test_m_grouped_masked(torch_gpu, groups, max_m, n, k, seed):
    torch = torch_gpu
    rng = random.Random(seed)
    counts = [rng.choice([0, 1, max_m // 3, max_m, max_m + 5]) for _ in range(groups)]
    (a, sa), (b, sb), d = masked_operands(torch, groups, max_m, n, k)
    masked_m = torch.tensor(counts, dtype=torch.int32, device="cuda")
    fp8gemm.m_grouped_fp8_gemm_nt_masked((a, sa), (b, sb), d, masked_m, expected_m=max(1, max_m // 2))
    torch.cuda.synchronize()
    check_masked(d, a, sa, b, sb, counts)


def test_m_grouped_masked_graph_replayed_with_new_counts(torch_gpu):
    torch = torch_gpu
    groups, max_m, n, k = 4, 192, 1024, 1536
    (a, sa), (b, sb), d = masked_operands(torch, groups, max_m, n, k)
    masked_m = torch.tensor([max_m] * groups, dtype=torch.int32, device="cuda")
    fp8gemm.m_grouped_fp8_gemm_nt_masked((a, sa), (b, sb), d, masked_m, 64)  # compile outside the capture
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fp8gemm.m_grouped_fp8_gemm_nt_masked((a, sa), (b, sb), d, masked_m, 64)
    for counts in [[3, 0, 192, 70], [192, 191, 1, 0], [0, 0, 0, 0], [64, 129, 65, 192]]:
        masked_m.copy_(torch.tensor(counts, dtype=torch.int32))
        d.fill_(float("nan"))
        graph.replay()
        torch.cuda.synchronize()
        check_masked(d, a, sa, b, sb, counts)
