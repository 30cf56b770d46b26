#!/usr/bin/env python3
"""hdbscan's default rules, picked by a stated objective over the tuning sets (benchmarks/RESULTS-hdbscan.md).

Reads the tab-separated lines of HdbscanGrid (set n classes kmeansNmi reduction seed ms mcs selection eps k noise nmi)
and scores every rule: a reduction, a min-samples cap, eom or leaf, an epsilon, and min-cluster-size =
clamp(round(n / f), lo, hi), never above n / 2.

The pipeline's reduction uses cosine weights for unit-length rows (the text embeddings) and Euclidean weights for the
others (Fashion-MNIST's hog-pca features), so a layout "N" is N/5/0/cosine on the text sets and N/5/0 on Fashion.
"old15" is the previous default: 15 neighbours with Euclidean weights everywhere.

Shortfall of one run, in units: (noise - 0.20) / 0.10 when the noise share passes 20%, (k-means NMI - 0.1 - NMI) / 0.1
when the NMI is short, and the octaves by which the cluster count lies outside 0.5-2x the classes. The objective is
lexicographic: (1) fewest runs with noise >= 20%, (2) smallest total shortfall over all sets and seeds.

  hdbscan-defaults.py [--f-min=F] [--eps-max=E] [--rule="(...)"] [--top=N] GRID.tsv...
"""
import ast
import collections
import csv
import itertools
import math
import sys

args = [a for a in sys.argv[1:] if not a.startswith('--')]
opts = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
f_min = float(opts.get('f-min', 0))
eps_max = float(opts.get('eps-max', 1e9))
top = int(opts.get('top', 15))
only = ast.literal_eval(opts['rule']) if 'rule' in opts else None


def layout(reduction, text):
    parts = reduction.split('/')
    neighbours, cosine = parts[0], len(parts) > 3 and parts[3] == 'cosine'
    if parts[1:3] != ['5', '0'] or len(parts) > 4:
        return None
    if not cosine and neighbours == '15':
        return 'old15' if text else ['old15', '15']
    if cosine == text:
        return neighbours
    return None


data, meta = {}, {}
for f in args:
    for r in csv.reader(open(f), delimiter='\t'):
        if len(r) < 13:
            continue
        s, n, c, km, red, seed, ms, mcs, sel, eps, k, noise, nmi = r
        meta[s] = (int(n), int(c), float(km))
        names = layout(red, not s.startswith('fashion'))
        for name in names if isinstance(names, list) else [names] if names else []:
            data[(s, name, int(seed), int(ms), int(mcs), sel, float(eps))] = (int(k), float(noise), float(nmi))

sets = sorted(meta)
seeds = sorted({key[2] for key in data})
layouts = sorted({key[1] for key in data})
min_samples = sorted({key[3] for key in data})
epsilons = sorted({key[6] for key in data})


def size(n, f, lo, hi):
    return max(2, min(int(max(lo, min(hi, round(n / f)))), n // 2))


def shortfall(k, noise, nmi, classes, kmeans):
    return (max(0, noise - 0.2) / 0.1, max(0, kmeans - 0.1 - nmi) / 0.1,
            max(0, abs(math.log2(max(k, 1) / classes)) - 1))


results = []
for rule in itertools.product(layouts, min_samples, ['eom', 'leaf'], epsilons, [6, 10, 15, 20, 25, 40, 60], [5, 10, 15],
                              [100, 150, 250, 400]):
    red, ms, sel, eps, f, lo, hi = rule
    if only is not None and rule != only:
        continue
    if f < f_min or eps > eps_max:
        continue
    total, noisy, met, per = [0.0, 0.0, 0.0], 0, 0, []
    for s in sets:
        n, classes, kmeans = meta[s]
        mcs = size(n, f, lo, hi)
        runs = [data.get((s, red, seed, min(ms, mcs), mcs, sel, eps)) for seed in seeds]
        if None in runs:
            break
        for k, noise, nmi in runs:
            part = shortfall(k, noise, nmi, classes, kmeans)
            total = [a + b for a, b in zip(total, part)]
            noisy += noise >= 0.2
            met += sum(part) == 0
        per.append((s, mcs, runs))
    else:
        results.append((noisy, sum(total), total, met, rule, per))

results.sort(key=lambda r: (r[0], r[1]))
print('sets', sets, 'seeds', seeds, 'rules', len(results))
shown = set()
for noisy, score, parts, met, rule, per in results:
    signature = tuple((s, mcs, tuple(runs)) for s, mcs, runs in per)
    if signature in shown:
        continue
    shown.add(signature)
    print(f'noisy runs {noisy}  shortfall {score:.3f} (noise {parts[0]:.3f}, nmi {parts[1]:.3f}, octaves {parts[2]:.3f})'
          f'  all three met {met}  rule {rule}')
    for s, mcs, runs in per:
        print(f'    {s:15} mcs {mcs:4}  ' + ' | '.join(f'k={k:<3} noise={noise:.3f} nmi={nmi:.3f}' for k, noise, nmi in runs)
              + f'   k-means {meta[s][2]:.3f}')
    if len(shown) >= top:
        break
