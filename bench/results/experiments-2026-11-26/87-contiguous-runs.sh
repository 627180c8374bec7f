# Experiment 87 (session 17): ran from .scratch/ct/.
# Device call 2 (session 17): contiguous 128x256 with runs of 4 (the heuristic) against runs of 2 and none, in turn
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }
T=$R/build-gpu/tools/fp8gemm
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit,temperature.gpu --format=csv | tee $OUT/gpu.txt
for round in 1 2; do
  for row in "4,8192,4096,7168 16 1700" "8,4096,4096,7168 16 1700" "4,8192,7168,2048 32 3400" "8,4096,7168,2048 32 3400"; do
    set -- $row
    for iters in 100 $3; do
      echo "== round $round --contiguous $1 iters $iters"
      $T bench --contiguous $1 --no-baselines --iters $iters --config 128,256,3,1,0,$2 --config 128,256,3,1,2,$2 \
        --json $OUT/r$round-$1-$iters.json 2>&1 | grep -vE "^\s*$|^fp8gemm bench on" 
    done
  done
done 2>&1 | tee $OUT/ab.txt
