#!/usr/bin/env python3
"""Experiment 74: reads the per-CTA tile traces that 74-wave-trace-host-hook.patch writes (one line per CTA: cta smid
tiles start end start end ..., ns from the earliest start) and prints whether the waves of tiles stay in step: per
wave index, the spread of the tiles' start times over the CTAs and their mean duration; the slowest and fastest SMs."""
import statistics
import sys


def report(path):
    ctas = []
    header = ""
    for line in open(path):
        if line.startswith("#"):
            header = line[1:].strip()
            continue
        f = [int(x) for x in line.split()]
        cta, smid, tiles, times = f[0], f[1], f[2], f[3:]
        spans = [(times[2 * i], times[2 * i + 1]) for i in range(len(times) // 2)]
        ctas.append((cta, smid, tiles, spans))
    print(f"== {path}: {header}, {len(ctas)} CTAs, tiles per CTA {min(c[2] for c in ctas)}-{max(c[2] for c in ctas)}")
    end = max(s[-1][1] for c in ctas for s in [c[3]] if s)
    print(f"   last tile ends at {end / 1000:.1f} us")
    waves = max(len(c[3]) for c in ctas)
    print("   wave | CTAs | start spread us (max-min) | start std us | tile us mean (min-max)")
    for w in range(waves):
        spans = [c[3][w] for c in ctas if len(c[3]) > w]
        starts = [s[0] for s in spans]
        durs = [(s[1] - s[0]) / 1000 for s in spans]
        if w < 3 or w >= waves - 3 or w % 8 == 0:
            print(f"   {w:4d} | {len(spans):4d} | {(max(starts) - min(starts)) / 1000:10.1f} | "
                  f"{statistics.pstdev(starts) / 1000:8.1f} | {statistics.mean(durs):6.1f} "
                  f"({min(durs):.1f}-{max(durs):.1f})")
    per_sm = sorted((statistics.mean([(s[1] - s[0]) / 1000 for s in c[3]]), c[1], c[0]) for c in ctas if c[3])
    print("   fastest SMs (mean tile us, smid, cta):", [(round(a, 1), b, c) for a, b, c in per_sm[:4]])
    print("   slowest SMs (mean tile us, smid, cta):", [(round(a, 1), b, c) for a, b, c in per_sm[-4:]])
    gaps = [(c[3][i + 1][0] - c[3][i][1]) / 1000 for c in ctas for i in range(len(c[3]) - 1)]
    print(f"   between tiles: mean {statistics.mean(gaps):.2f} us, max {max(gaps):.2f} us")


for p in sys.argv[1:]:
    report(p)
