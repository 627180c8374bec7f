#!/usr/bin/env python3
"""Experiments 95-96: how well the heuristic's cost model (src/heuristics/config.cpp, choose_config) picks the tile
width, against the timings in 95-96-timings.json (every width within 30% of the model's best, timed in turn on the
H100). A Python copy of the width choice for 128-row tiles, with the prices as parameters: prints, per layer, the
geometric-mean and worst time of the chosen width over the best measured, for the prices before the re-fit and now.
The copy matched the C++ choice on all 2532 (layer, M) points of the DeepSeek-V3 grid that choose 128-row tiles."""
import json, math, os
from math import ceil, gcd

SMS = 132
WIDTHS = [n for n in range(16, 161, 8) if n <= 128 + gcd(n, 128)] + [192, 256]
BEFORE = dict(u256=393.0, u192=311.6, wide=1.19, ragged=0.0, grouped_short=(1.0, 1.0))
NOW = dict(u256=340.0, u192=280.0, wide=1.3, ragged=3.0, grouped_short=(1.15, 1.2))


def units(bn, P):
    if bn == 256: return P['u256']
    if bn == 192: return P['u192']
    return (bn + 96.0) * (P['wide'] if bn > 128 else 1.09 if bn % 64 else 1.0)


def cost(p, bn, P):
    m_blocks = ceil(max(p['m'], 1) / 128)
    tiles = m_blocks * ceil(p['n'] / bn) * (p['groups'] if p['layout'] == 'masked' else 1)
    compute = ceil(tiles / SMS) * ceil(p['k'] / 128) * units(bn, P) * 2.47
    if bn == 256:
        columns = ceil(p['n'] / 256) * 256
        compute *= 1 + P['ragged'] * (columns - p['n']) / columns
    if bn > 128 and p['layout'] != 'normal' and p['k'] <= 2048:
        compute *= P['grouped_short'][1] if bn == 256 else P['grouped_short'][0]
    b_blocks = ceil(p['n'] / bn) * (1 if p['layout'] == 'normal' else p['groups'])
    memory = ceil(b_blocks / SMS) * bn * p['k'] / 34.0
    return max(compute, memory) + 128 * bn * 2 / 34.0


def pick(p, P, allowed):
    best, best_cost = None, 0.0
    for bn in WIDTHS:
        if bn not in allowed: continue
        c = cost(p, bn, P)
        if best is None or c < best_cost * 0.999 or (c <= best_cost * 1.001 and bn > best): best, best_cost = bn, c
    return best


def width_times(p):
    """Each width's time under the heuristic's rules: the pair (cluster 2) where they pair it, the fastest stages."""
    rows = p['m'] * p['groups'] if p['layout'] == 'masked' else p['m']
    out = {}
    for config, us in p['forced_us'].items():
        bm, bn, _, cluster = map(int, config.split(',')[:4])
        paired = 2 if rows >= 512 and ceil(p['n'] / bn) % 2 == 0 and bn < 256 else 1
        if bm == 128 and cluster == paired: out[bn] = min(out.get(bn, 1e30), us)
    return out


def regret(shapes, P):
    logs, worst = [], (1.0, None)
    for p in shapes:
        t = p['widths']
        ratio = t[pick(p, P, set(t))] / min(t.values())
        logs.append(math.log(ratio))
        if ratio > worst[0]: worst = (ratio, '%s m=%d n=%d k=%d g=%d' % (p['layout'], p['m'], p['n'], p['k'], p['groups']))
    return math.exp(sum(logs) / len(logs)), worst


shapes = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '95-96-timings.json')))
for p in shapes:
    if p['layout'] == 'masked': p['m'] = p['rows_per_group']
    p['widths'] = width_times(p)
shapes = [p for p in shapes if p['widths']]
layers = sorted({(p['layout'], p['n'], p['k']) for p in shapes})
print('%-28s %6s  %-30s %-30s' % ('layer', 'shapes', 'before: mean, worst', 'now: mean, worst'))
for layer in layers + [None]:
    sel = [p for p in shapes if layer is None or (p['layout'], p['n'], p['k']) == layer]
    (gb, wb), (gn, wn) = regret(sel, BEFORE), regret(sel, NOW)
    name = 'all' if layer is None else '%s N=%d K=%d' % layer
    print('%-28s %6d  %.4f %.3f %-16s %.4f %.3f %s' % (name, len(sel), gb, wb[0], '', gn, wn[0], wn[1] or ''))
