#!/bin/bash
# Experiment 65 (prepared in session 13, not yet run): L2 eviction priorities on the TMA loads. At the power cap HBM
# traffic costs clock (experiment 50: operands that never leave L2 ran 2.5-6% faster, all of it clock). On contiguous
# N=4096 K=7168 each group's B (29 MB) is read four times (once per band of 16 m blocks) and A once. Variants, kernels
# only (65-l2-hints-*.patch): ab = A evict_first and B evict_last; b = B evict_last; a = A evict_first. The GPU tests
# on ab (hints change no result, so one variant), then all four kernel trees in turn at the cap, two rounds
# (scripts/kernels-ab). The long-K normal row is there because its B (117 MB) cannot stay in L2 and evict_last may
# hurt it. Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scripts/kernels-ab --tests ab \
  --cap "--contiguous 4,8192,4096,7168" 1700 --cap "--contiguous 8,4096,4096,7168" 1700 \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--shape 4096,7168,16384" 3000 \
  ab="$here/65-l2-hints-ab.patch" b="$here/65-l2-hints-b.patch" a="$here/65-l2-hints-a.patch"
