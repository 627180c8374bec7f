#!/usr/bin/env bash
# ncu stall reasons and per-SASS-instruction stall samples: ours against cuBLASLt at M=4096 N=7168 K=16384 (clock locked by ncu).
set -u
ROOT=$PWD; R=$OUT/g; mkdir -p $R
source scripts/lib/toolchain.sh
unpack_deps >/dev/null && build_tool "$ROOT" "$ROOT/build-ncu" "$R/build.log"; echo "build rc=$?"
NCU=/usr/local/cuda/bin/ncu
for who in fp8gemm_normal nvjet_sm90_qqtst_128x128; do
  $NCU -k "regex:$who" -s 1 -c 1 --section WarpStateStats --section SourceCounters --section SchedulerStats -f -o $R/$who \
    build-ncu/tools/fp8gemm bench --shape 4096,7168,16384 --iters 1 > $R/$who.log 2>&1
  echo "profile $who rc=$?"
  $NCU --import $R/$who.ncu-rep --page raw --csv > $R/$who-raw.csv 2>&1
  $NCU --import $R/$who.ncu-rep --page source --csv --print-source sass > $R/$who-sass.csv 2>&1
  echo "export $who rc=$?"
done
cd $OUT && tar czf g.tgz g && rm -rf g
