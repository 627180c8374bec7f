# Experiment 89 (session 17): ran from .scratch/ct/.
# Device call 4 (session 17): runs of 4 and 2 on the other 128x256 kernels (4-stage normal, 3-stage masked, K=1024)
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
for round in 1 2; do
  for row in "--shape 512,7168,16384|4|16|100" "--shape 1024,7168,2048|4|16|100" "--shape 4096,7168,1024|3|16|100" \
             "--shape 8192,7168,1024|3|16|100" "--masked 4,2048,4096,7168|3|16|100" "--masked 8,512,7168,2048|3|16|100" \
             "--masked 2,4096,7168,2048|3|16|100" "--contiguous 4,512,4096,7168|4|16|100" "--contiguous 4,512,7168,2048|4|16|100"; do
    IFS='|' read -r shape st band iters <<< "$row"
    echo "== round $round $shape iters $iters"
    $T bench $shape --no-baselines --iters $iters --config 128,256,$st,1,4,$band --config 128,256,$st,1,2,$band --config 128,256,$st,1,0,$band 2>&1 |
      grep -E "^(normal|masked|contiguous)|config  "
  done
done 2>&1 | tee $OUT/ab4.txt
