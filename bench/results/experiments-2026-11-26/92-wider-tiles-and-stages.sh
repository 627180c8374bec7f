# Experiment 92 (session 17): ran from .scratch/ct/.
# Device call 8 (session 17): with runs, do 128x256 tiles now beat the heuristic's 192- and 128-wide choices, and do
# 4 stages (two staging rounds) beat 3 past two waves? Forced configs in turn, the heuristic's own forced too.
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
for round in 1 2; do
  for row in "--shape 4096,2112,7168|128,192,4,1,4 128,256,3,1,2 128,256,4,1,2" \
             "--shape 8192,2112,7168|128,192,4,1,4 128,256,3,1,2 128,256,4,1,2" \
             "--shape 2048,7168,16384|128,128,5,2 128,256,3,1,2 128,256,4,1,2" \
             "--shape 2048,7168,2048|128,128,5,2 128,256,3,1,2 128,256,4,1,2" \
             "--shape 4096,7168,16384|128,256,3,1,2,32 128,256,4,1,2,32 128,256,4,1,4,32" \
             "--contiguous 4,8192,4096,7168|128,256,3,1,4,16 128,256,4,1,4,16"; do
    IFS='|' read -r shape configs <<< "$row"
    args=(); for c in $configs; do args+=(--config $c); done
    echo "== round $round $shape iters 100"
    $T bench $shape --no-baselines --iters 100 "${args[@]}" 2>&1 | grep -E "^(normal|masked|contiguous)|config  "
  done
done 2>&1 | tee $OUT/ab8.txt
