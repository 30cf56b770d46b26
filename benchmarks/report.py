#!/usr/bin/env python3
"""Table of time/op, GFLOP/s and % of the sgemm peak from JMH JSON results (python3 stdlib only).

Usage: python3 benchmarks/report.py RESULT.json [MORE.json ...]   (JMH's -rf json -rff RESULT.json)
The peak is the best OpenBLAS sgemm GFLOP/s found in the given files, i.e. measured in the same run.

Flop counts (multiply-add = 2 unless said; exps/logs of the softmax not counted):
  assignL2        2·n·k·d              (the distance GEMM)
  accumulate      n·d                  (adds; memory-bound)
  lloydIteration  2·n·k·d + n·d        (assign + accumulate; the k·d centroid update is not counted)
  eStepDiag       3·n·k·d              (subtract, square, precision-weighted add per point, component, dimension)
  momentsDiag     3·n·k·d              (r·x, then r·x·x, and their two sums, counted as 3 as in the issue)
  emIterationDiag 6·n·k·d              (E-step + moments)
  eStepFull       2·n·k·d²             ((x-μ)·P with P counted as a full d×d product; it is triangular, so a kernel
                                        that skips the zeros does half this work)
  momentsFull     2·n·k·d²             (the full outer product r·x·xᵀ; a symmetric kernel does about half)
  meanAbsGradient 4·n·d                (dot, norm, gradient, |·| sum)
  openblasSgemm   2·s³
"""
import json
import sys

GMM = {"n": 20_000, "d": 32, "k_diag": 32, "k_full": 16}
MASK = {"n": 100_000, "d": 384}
# The bars (2 cores): Lloyd iteration at 100k×128 k=256, assign vs peak, GMM diag EM vs scikit-learn 0.023 s.
LLOYD_BAR_S, ASSIGN_BAR_PCT, SKLEARN_GMM_DIAG_S = 0.038, 60.0, 0.023


def flops(bench, params):
    name = bench.rsplit(".", 1)[-1]
    if "shape" in params:
        n, d, k = (int(v) for v in params["shape"].split("x"))
        return {"assignL2": 2 * n * k * d, "accumulate": n * d, "lloydIteration": 2 * n * k * d + n * d}.get(name)
    n, d, kd, kf = GMM["n"], GMM["d"], GMM["k_diag"], GMM["k_full"]
    if "dataShape" in params:  # GmmBench -p dataShape=NxD
        n, d = (int(v) for v in params["dataShape"].split("x"))
    table = {
        "eStepDiag": 3 * n * kd * d, "momentsDiag": 3 * n * kd * d, "emIterationDiag": 6 * n * kd * d,
        "eStepFull": 2 * n * kf * d * d, "momentsFull": 2 * n * kf * d * d,
        "meanAbsGradientCosine": 4 * MASK["n"] * MASK["d"],
    }
    if name == "openblasSgemm":
        s = int(params["size"])
        return 2 * s ** 3
    return table.get(name)


def seconds(metric):
    unit = metric["scoreUnit"]
    scale = {"s/op": 1, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}[unit]
    err = metric.get("scoreError")
    err = float(err) if err not in (None, "NaN") else float("nan")  # JMH writes "NaN" with fewer than 3 iterations
    return metric["score"] * scale, err * scale


def main(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                params = r.get("params", {})
                s, err = seconds(r["primaryMetric"])
                fl = flops(r["benchmark"], params)
                rows.append((r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1],
                             params.get("backend", "-"), params.get("shape", params.get("dataShape", params.get("size", "-"))), s, err,
                             fl / s / 1e9 if fl else None))
    sgemm = [g for (b, _, _, _, _, g) in rows if b.endswith("openblasSgemm") and g]
    peak = max(sgemm) if sgemm else None
    print(f"sgemm peak (OpenBLAS, same run): {peak:.1f} GFLOP/s" if peak else "sgemm peak: not in these results")
    print(f"{'benchmark':<36} {'backend':<8} {'shape':<16} {'time/op':>14} {'GFLOP/s':>9} {'% peak':>7}")
    for b, backend, shape, s, err, g in rows:
        t = f"{s * 1e3:.3f}±{err * 1e3:.3f} ms" if err == err else f"{s * 1e3:.3f} ms"
        gs = f"{g:.1f}" if g else "-"
        pct = f"{100 * g / peak:.0f}%" if g and peak else "-"
        print(f"{b:<36} {backend:<8} {shape:<16} {t:>14} {gs:>9} {pct:>7}")

    print("\nbars (issue): Lloyd 100k×128 k=256 ≤ 0.038 s/iter; assign ≥ 60% of sgemm peak; GMM diag EM ≥ 3× sklearn (≤ 0.0077 s)")
    for b, backend, shape, s, _, g in rows:
        if b.endswith("lloydIteration") and shape == "100000x128x256":
            print(f"  Lloyd iteration  {backend:<7} {s:.4f} s  {'MET' if s <= LLOYD_BAR_S else 'not met'}")
        if b.endswith("assignL2") and shape == "100000x128x256" and g and peak:
            pct = 100 * g / peak
            print(f"  assign % peak    {backend:<7} {pct:.0f}%     {'MET' if pct >= ASSIGN_BAR_PCT else 'not met'}")
        if b.endswith("emIterationDiag"):
            ratio = SKLEARN_GMM_DIAG_S / s
            print(f"  GMM diag EM      {backend:<7} {s:.4f} s  {ratio:.1f}x sklearn's 0.023 s  {'MET' if ratio >= 3 else 'not met'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
