#!/usr/bin/env bash
# ncu of ours against cuBLASLt at M=4096 N=7168 K=16384: clocks locked by ncu (base), then not locked.
set -u
ROOT=$PWD; R=$OUT/n; mkdir -p $R
source scripts/lib/toolchain.sh
unpack_deps && build_tool "$ROOT" "$ROOT/build-ncu" "$R/build.log"; echo "build rc=$?"
NCU=/usr/local/cuda/bin/ncu
for who in fp8gemm_normal nvjet_sm90_qqtst_128x128; do
  $NCU --csv --page details -k "regex:$who" -s 1 -c 2 --section SpeedOfLight --section ComputeWorkloadAnalysis --section SchedulerStats \
    --section WarpStateStats --section InstructionStats --section MemoryWorkloadAnalysis build-ncu/tools/fp8gemm bench --shape 4096,7168,16384 --iters 1 > $R/locked-$who.csv 2> $R/locked-$who.err
  echo "locked $who rc=$?"
  $NCU --csv --page details -k "regex:$who" -s 1 -c 2 --clock-control none --section SpeedOfLight \
    build-ncu/tools/fp8gemm bench --shape 4096,7168,16384 --iters 1 > $R/boost-$who.csv 2> $R/boost-$who.err
  echo "boost $who rc=$?"
done
cd $OUT && tar czf n.tgz n && rm -rf n
