"""Replace a BF16 nn.Linear by fp8gemm.nn.Fp8Linear and compare outputs and time on random inputs.

    python examples/fp8_linear.py [--batch 4 --tokens 512 --in-features 7168 --out-features 2112]

Prints the relative error of the FP8 layer against the BF16 one (E4M3 rounding of the weight and the
activations gives about 3.5% on random data) and the time per call of each (CUDA events, median of
repeated calls; the FP8 time includes quantizing the activations).
"""

import argparse
import statistics
import sys

import torch

from fp8gemm.nn import Fp8Linear


def time_ms(function, x, repeats):
    function(x)  # warm-up: compiles the kernel on first use
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        function(x)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--in-features", type=int, default=7168)
    parser.add_argument("--out-features", type=int, default=2112)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("fp8_linear.py needs a CUDA GPU (a Hopper one, sm_90)")

    torch.manual_seed(0)
    linear = torch.nn.Linear(args.in_features, args.out_features, device="cuda", dtype=torch.bfloat16)
    fp8_linear = Fp8Linear.from_linear(linear)
    x = torch.randn(args.batch, args.tokens, args.in_features, device="cuda", dtype=torch.bfloat16)

    with torch.no_grad():
        expected = linear(x).float()
        got = fp8_linear(x).float()
        relative_error = ((got - expected).norm() / expected.norm()).item()
        bf16_ms = time_ms(linear, x, args.repeats)
        fp8_ms = time_ms(fp8_linear, x, args.repeats)

    rows = args.batch * args.tokens
    flops = 2 * rows * args.in_features * args.out_features
    print(f"x {list(x.shape)} -> {args.out_features} features ({rows} rows)")
    print(f"relative error, Fp8Linear vs BF16 nn.Linear: {relative_error:.4f}")
    print(f"BF16 nn.Linear: {bf16_ms:.3f} ms ({flops / bf16_ms / 1e9:.0f} TFLOPS)")
    print(f"Fp8Linear:      {fp8_ms:.3f} ms ({flops / fp8_ms / 1e9:.0f} TFLOPS, activation quantization included)")


if __name__ == "__main__":
    main()
