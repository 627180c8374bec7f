"""The float64 reference of the GPU tests: dequantized operands, their product, and the error metric
diff = 1 - 2Σxy / Σ(x² + y²) (0 for equal inputs; BF16 output rounding alone gives about 1.4e-6)."""

GROUP = 128


def dequantize_activations(q, scales):
    """q E4M3 [..., M, K], scales FP32 [..., M, ceil(K/128)] (any layout) -> float64 [..., M, K]."""
    k = q.shape[-1]
    return q.double() * scales.double().repeat_interleave(GROUP, dim=-1)[..., :k]


def dequantize_weights(q, scales):
    """q E4M3 [..., N, K], scales FP32 [..., ceil(N/128), ceil(K/128)] -> float64 [..., N, K]."""
    n, k = q.shape[-2], q.shape[-1]
    expanded = scales.double().repeat_interleave(GROUP, dim=-2).repeat_interleave(GROUP, dim=-1)
    return q.double() * expanded[..., :n, :k]


def reference_gemm(a, sa, b, sb):
    """(A ⊙ sa) · (B ⊙ sb)ᵀ in float64, for [M, K] x [N, K] or batched [G, M, K] x [G, N, K]."""
    return dequantize_activations(a, sa) @ dequantize_weights(b, sb).transpose(-1, -2)


def diff(x, y):
    x, y = x.double(), y.double()
    denominator = (x * x + y * y).sum().item()
    return 0.0 if denominator == 0 else 1.0 - 2.0 * (x * y).sum().item() / denominator
