#!/bin/bash
# Experiment 53 (session 12). Part 1: the TMA-store tiles up to 192 wide, main's kernels against fe4205a's (before
# ed85ebc's XOR-addressed fragment stores), through FP8GEMM_KERNELS_DIR (the host plans of these tiles are equal), in
# turn, two rounds, 1000 runs. Part 2: the contiguous 128x256 kernel at the board's power cap, rows of ~2.5 s (so NVML
# gives MHz and W), variants in turn per shape, two rounds in opposite orders: runs of 4 K blocks (main), 8, 16;
# bands of 32 and 8 m blocks instead of 16 (scheduler kBand, through FP8GEMM_KERNELS_DIR).
# Run from the repository root on the GPU machine.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
V=/tmp/kvariants && rm -rf $V && mkdir -p $V/fe $V/band32 $V/band8
git archive fe4205a kernels | tar -x -C $V/fe
for b in 32 8; do
  cp -r kernels $V/band$b/
  sed -i "s/static constexpr int kBand = 16;/static constexpr int kBand = $b;/" $V/band$b/kernels/fp8gemm/scheduler.cuh
  grep -q "kBand = $b;" $V/band$b/kernels/fp8gemm/scheduler.cuh || { echo "band $b: sed failed"; exit 1; }
done
row() { grep -E "^(normal|contiguous|masked) " | cut -c1-200; }

small=("--shape 64,7168,2048" "--shape 128,7168,2048" "--shape 128,32768,512" "--shape 4096,2112,7168" "--shape 64,4096,7168")
# Compile every kernel first, in parallel (the JIT cache keeps them).
for args in "${small[@]}"; do
  $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
  FP8GEMM_KERNELS_DIR=$V/fe/kernels $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
done
cont=("4,8192,4096,7168" "4,8192,7168,2048" "8,4096,4096,7168" "8,4096,7168,2048")
iters=(1700 3400 1700 3400)
declare -A cfg=([r4]="128,256,3,1,4" [r8]="128,256,3,1,8" [r16]="128,256,3,1,16" [band32]="128,256,3,1,4" [band8]="128,256,3,1,4")
declare -A dir=([r4]=$PWD/kernels [r8]=$PWD/kernels [r16]=$PWD/kernels [band32]=$V/band32/kernels [band8]=$V/band8/kernels)
for s in "${cont[@]}"; do
  for v in r4 r8 r16 band32 band8; do
    FP8GEMM_CONFIG=${cfg[$v]} FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench --contiguous $s --no-baselines --iters 1 >/dev/null 2>&1 &
  done
done
wait
echo "== part 1: small TMA-store tiles, fe4205a's kernels (old) and main's (new), 1000 runs"
for round in 1 2; do
  for args in "${small[@]}"; do
    echo "r$round old $(FP8GEMM_KERNELS_DIR=$V/fe/kernels $B bench $args --no-baselines --iters 1000 2>&1 | row)"
    echo "r$round new $($B bench $args --no-baselines --iters 1000 2>&1 | row)"
  done
done
echo "== part 2: contiguous at the power cap (MHz, W: NVML medians over the row)"
for round in 1 2; do
  order="r4 r8 r16 band32 band8"; [ $round = 2 ] && order="band8 band32 r16 r8 r4"
  for i in 0 1 2 3; do
    for v in $order; do
      echo "r$round $v $(FP8GEMM_CONFIG=${cfg[$v]} FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench --contiguous ${cont[$i]} --no-baselines --iters ${iters[$i]} 2>&1 | row)"
    done
  done
done
