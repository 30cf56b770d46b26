"""scikit-learn's default KMeans (1.2.1: n_init=10, lloyd) on the files DefaultsTuning exports: median wall time of
REPEATS fits after a warm-up, and the inertia reached. The peer of `DefaultsTuning fittime`, run in the same session.

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/defaults_fittime.py DIR REPEATS set:k ...
"""
import sys
import time
import warnings

import numpy as np
from sklearn.cluster import KMeans

warnings.simplefilter("ignore", FutureWarning)  # 1.2 warns that n_init's default will change; we pass it anyway


def main():
    folder, repeats, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    print(f"scikit-learn KMeans(n_init=10), median of {repeats} fits")
    print(f"{'set':22s} {'n':>6s} {'k':>4s} {'ms':>10s} {'inertia':>14s}")
    for spec in specs:
        name, k = spec.split(":")
        k = int(k)
        data = np.loadtxt(f"{folder}/{name}.csv", delimiter=",", dtype=np.float64)
        x = data[:, :-1].astype(np.float32)
        KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        times, inertia = [], 0.0
        for r in range(repeats):
            t0 = time.perf_counter()
            model = KMeans(n_clusters=k, n_init=10, random_state=r).fit(x)
            times.append((time.perf_counter() - t0) * 1e3)
            inertia = model.inertia_
        times.sort()
        print(f"{name:22s} {x.shape[0]:6d} {k:4d} {times[repeats // 2]:10.1f} {inertia:14.6g}")


if __name__ == "__main__":
    main()
