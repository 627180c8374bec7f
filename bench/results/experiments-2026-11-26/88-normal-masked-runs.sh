# Experiment 88 (session 17): ran from .scratch/ct/.
# Device call 3 (session 17): runs of 4 and 2 on the normal and masked 128x256 kernels (which take none), in turn
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
for round in 1 2; do
  for row in "--shape 4096,7168,16384|3|32|100" "--shape 4096,4096,7168|3|16|100" "--shape 4096,7168,2048|3|32|100" \
             "--shape 4096,24576,1536|3|16|100" "--shape 4096,32768,512|3|16|100" "--shape 32768,4096,7168|3|16|1700" \
             "--shape 4096,7168,16384|3|32|1500" \
             "--masked 1,1024,4096,7168|4|16|100" "--masked 1,1024,7168,2048|4|16|100" "--masked 2,512,4096,7168|4|16|100" \
             "--masked 4,256,7168,2048|4|16|100" "--masked 1,1024,4096,7168|4|16|20000"; do
    IFS='|' read -r shape st band iters <<< "$row"
    echo "== round $round $shape iters $iters"
    $T bench $shape --no-baselines --iters $iters --config 128,256,$st,1,4,$band --config 128,256,$st,1,2,$band 2>&1 |
      grep -E "^(normal|masked)|config  "
  done
done 2>&1 | tee $OUT/ab3.txt
