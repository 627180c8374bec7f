"""fp8gemm.nn.Fp8Linear: a drop-in FP8 replacement for a BF16 torch.nn.Linear."""

from __future__ import annotations

from typing import Optional

import torch

from fp8gemm.gemm import fp8_gemm_nt
from fp8gemm.quantize import per_block_cast_to_fp8, per_token_cast_to_fp8


class Fp8Linear(torch.nn.Module):
    """y = x Wᵀ + bias with W in E4M3 (128x128 block scales) and x quantized per call (1x128 groups).

    Build it from a trained layer with Fp8Linear.from_linear(linear): the weight is quantized once;
    each forward quantizes the activations (per_token_cast_to_fp8), runs fp8_gemm_nt on the current
    PyTorch stream, and adds the bias. Inputs may have any number of leading batch dimensions
    ([..., in_features] -> [..., out_features]). The GEMM writes BF16; the result is returned in the
    input's dtype. Inference only: no gradient flows through the layer.

    Requirements (the GEMM's): out_features >= 8 and a multiple of 8, in_features >= 16 and a
    multiple of 16; inputs on a Hopper GPU.
    """

    weight_fp8: torch.Tensor
    weight_scales: torch.Tensor
    bias: Optional[torch.Tensor]

    def __init__(
        self,
        weight_fp8: torch.Tensor,
        weight_scales: torch.Tensor,
        bias: Optional[torch.Tensor] = None,
    ) -> None:
        """Wraps an already quantized weight.

        Args:
            weight_fp8: torch.float8_e4m3fn [out_features, in_features].
            weight_scales: torch.float32 [ceil(out_features / 128), ceil(in_features / 128)].
            bias: [out_features] or None; kept in BF16.
        """
        super().__init__()
        if weight_fp8.dtype != torch.float8_e4m3fn or weight_fp8.dim() != 2:
            raise TypeError(
                "weight_fp8: must be a 2-D torch.float8_e4m3fn tensor [out_features, in_features]; "
                f"got {weight_fp8.dtype} with shape {tuple(weight_fp8.shape)}"
            )
        out_features, in_features = weight_fp8.shape
        check_features(in_features, out_features)
        blocks = (-(-out_features // 128), -(-in_features // 128))
        if weight_scales.dtype != torch.float32 or tuple(weight_scales.shape) != blocks:
            raise ValueError(
                f"weight_scales: must be torch.float32 of shape {blocks} (one per 128x128 block); "
                f"got {weight_scales.dtype} with shape {tuple(weight_scales.shape)}"
            )
        if bias is not None and tuple(bias.shape) != (out_features,):
            raise ValueError(f"bias: must have shape ({out_features},); got {tuple(bias.shape)}")
        self.in_features = in_features
        self.out_features = out_features
        self.register_buffer("weight_fp8", weight_fp8.contiguous())
        self.register_buffer("weight_scales", weight_scales.contiguous())
        self.register_buffer("bias", None if bias is None else bias.detach().to(torch.bfloat16))

    @classmethod
    def from_linear(cls, linear: torch.nn.Linear, pow2_scales: bool = False) -> "Fp8Linear":
        """An Fp8Linear computing what `linear` computes, its weight quantized with
        per_block_cast_to_fp8 (on the weight's device). pow2_scales: power-of-two weight scales."""
        if not isinstance(linear, torch.nn.Linear):
            raise TypeError(f"linear: must be a torch.nn.Linear; got {type(linear).__name__}")
        check_features(linear.in_features, linear.out_features)
        weight_fp8, weight_scales = per_block_cast_to_fp8(linear.weight.detach(), pow2_scales)
        return cls(weight_fp8, weight_scales, linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: [..., in_features] (BF16, FP16 or FP32) on the weight's CUDA device -> [..., out_features]."""
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(
                f"x: the last dimension must be in_features = {self.in_features}; got shape {tuple(x.shape)}"
            )
        if not x.is_cuda:
            raise ValueError(f"x: must be a CUDA tensor (on the weight's device); got a tensor on {x.device}")
        rows = x.reshape(-1, self.in_features)
        a = per_token_cast_to_fp8(rows)
        d = torch.empty((rows.shape[0], self.out_features), dtype=torch.bfloat16, device=x.device)
        fp8_gemm_nt(a, (self.weight_fp8, self.weight_scales), d)
        if self.bias is not None:
            d += self.bias
        return d.to(x.dtype).reshape(*x.shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def check_features(in_features: int, out_features: int) -> None:
    if out_features < 8 or out_features % 8 != 0:
        raise ValueError(f"out_features (N): must be >= 8 and a multiple of 8; got {out_features}")
    if in_features < 16 or in_features % 16 != 0:
        raise ValueError(f"in_features (K): must be >= 16 and a multiple of 16; got {in_features}")
