# Experiment 86 (session 17): ran from .scratch/ct/ with warm.cpp (86-nvrtc-first-use.cpp) and the generated
# source of the contiguous 128x256 runs-of-4 kernel (src/NAME.cu, from jit::gemm_kernel_source).
# Device call 1 (session 17): NVRTC's first compile in a process, a gpu-check of main, heavy kernels' compile x3.
set -u
R=$(git rev-parse --show-toplevel); cd "$R/.scratch/ct"
export KDIR=$R/kernels
/usr/bin/g++ -O2 -std=c++17 -DWITH_CUDA -I/usr/local/cuda/include warm.cpp -o warm -L/usr/local/cuda/lib64 -lnvrtc -lcuda -Wl,-rpath,/usr/local/cuda/lib64
H=src/fp8gemm_contiguous_n4096_k7168_bm128_bn256_s3_c1_r4.cu
{
for i in 1 2; do
  echo "-- cache off, heavy first:"; CUDA_CACHE_DISABLE=1 ./warm $H
  echo "-- cache off, trivial first:"; CUDA_CACHE_DISABLE=1 ./warm $H x
  echo "-- cache off, context then trivial first:"; CUDA_CACHE_DISABLE=1 ./warm $H ctx
done
} 2>&1 | tee $OUT/warm.txt
cd "$R"
GPU_CHECK_BUDGET_S=430 scripts/gpu-check $OUT/gc > $OUT/gc.log 2>&1; tail -15 $OUT/gc.log
T=$R/build-gpu/tools/fp8gemm
for i in 1 2 3; do
  CUDA_CACHE_DISABLE=1 FP8GEMM_CACHE_DIR=$(mktemp -d) $T compile --layer contiguous:4096:7168:4 --layer contiguous:7168:2048:4 -j1 --json $OUT/heavy-$i.json 2>&1 | grep -E "bn256|kernel\(s\)" | tee -a $OUT/heavy.txt
done
