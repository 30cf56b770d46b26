#!/usr/bin/env python3
"""Seconds per iteration of scikit-learn and FAISS next to clusterby, on the same .npy files.

Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/peers.py [--iters 20] [--backends native,java,opencl]
(from the repository root, after run-compute.sh has built benchmarks/target/benchmarks.jar).

Per-iteration times exclude set-up everywhere: a peer's (fit with max_iter=N) - (fit with max_iter=1), divided by
the extra iterations, best of 2 each; clusterby's kernels (PeerRuns: the same assign/accumulate/update calls as
KMeans, from the same initial centroids as scikit-learn) time each iteration alone. clusterby's CLI is also timed
end to end: its fit: line includes k-means++ seeding (about 10x the cost of 20 iterations at k=256), identical in
both runs because the seed is fixed, so (fit(M) - fit(1)) / (M - 1) with M = --cli-iters (default 100, best of 3)
isolates the iterations; the raw fit seconds are printed too.
"""
import warnings
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "target" / "data"
JAR = ROOT / "benchmarks" / "target" / "benchmarks.jar"
SEED = 20261127


def blobs(rng, n, d, centres):
    c = rng.standard_normal((centres, d)).astype(np.float32)
    x = c[rng.integers(0, centres, n)] + np.float32(0.3) * rng.standard_normal((n, d)).astype(np.float32)
    return np.ascontiguousarray(x, dtype=np.float32)


def make_data():
    """Generated once with a fixed seed; every side reads these files."""
    DATA.mkdir(parents=True, exist_ok=True)
    files = ["kmeans_X.npy", "kmeans_C0.npy", "gmm_X.npy", "gmm_means0.npy", "gmm_precisions0.npy"]
    if all((DATA / f).exists() for f in files):
        return
    rng = np.random.default_rng(SEED)
    x = blobs(rng, 100_000, 128, 64)
    np.save(DATA / "kmeans_X.npy", x)
    np.save(DATA / "kmeans_C0.npy", x[rng.choice(len(x), 256, replace=False)])
    g = blobs(rng, 20_000, 32, 32)
    np.save(DATA / "gmm_X.npy", g)
    np.save(DATA / "gmm_means0.npy", g[rng.choice(len(g), 32, replace=False)])
    np.save(DATA / "gmm_precisions0.npy", np.tile(1.0 / g.var(axis=0), (32, 1)).astype(np.float32))


def per_iter(fit, iters):
    """(time of fit(iters) - time of fit(1)) / (its iterations - 1); best of 2 for each."""
    def best(n):
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            model, done = fit(n)
            runs.append((time.perf_counter() - t0, model, done))
        return min(runs, key=lambda r: r[0])
    t1, _, d1 = best(1)
    tn, model, dn = best(iters)
    return (tn - t1) / max(dn - d1, 1), model, dn


def sklearn_kmeans(x, c0, iters):
    from sklearn.cluster import KMeans
    def fit(n):
        m = KMeans(n_clusters=len(c0), init=c0, n_init=1, max_iter=n, tol=0, algorithm="lloyd").fit(x)
        return m, m.n_iter_
    return per_iter(fit, iters)


def faiss_kmeans(x, c0, iters):
    import faiss
    def fit(n):
        # All points every iteration (FAISS samples 256 per centroid by default, which would do less work).
        km = faiss.Kmeans(x.shape[1], len(c0), niter=n, max_points_per_centroid=10**7, seed=SEED)
        km.train(x, init_centroids=c0)
        return km, n
    return per_iter(fit, iters)


def sklearn_gmm(x, means0, precisions0, iters, covariance_type):
    from sklearn.mixture import GaussianMixture
    k = len(means0)
    def fit(n):
        kw = dict(weights_init=np.full(k, 1.0 / k), means_init=means0)
        if covariance_type == "diag":
            kw["precisions_init"] = precisions0
        m = GaussianMixture(k, covariance_type=covariance_type, max_iter=n, tol=0, init_params="random_from_data",
                            random_state=SEED, **kw).fit(x)
        return m, m.n_iter_
    return per_iter(fit, iters)


def clusterby_cli(backend, iters):  # returns (per iteration, fit(1) seconds, fit(iters) seconds)
    """The fit: line's seconds of --max-iter N minus --max-iter 1 (the same k-means++ seeding in both)."""
    env = dict(os.environ, CLUSTERBY_JAVA_OPTS="--add-modules jdk.incubator.vector")
    def run(n):
        out = subprocess.run([str(ROOT / "clusterby"), "cluster", str(DATA / "kmeans_X.npy"), "--method", "kmeans",
                              "--k", "256", "--max-iter", str(n), "--tol", "0", "--param", "n-init=1", "--seed", "1",
                              "--backend", backend], capture_output=True, text=True, env=env)
        m = re.search(r"fit: .* iterations=(\d+) seconds=([0-9.]+)", out.stdout)
        if out.returncode != 0 or not m:
            raise RuntimeError((out.stderr or out.stdout).strip().splitlines()[-1] if (out.stderr or out.stdout) else "no output")
        return float(m.group(2)), int(m.group(1))
    s1, i1 = min(run(1) for _ in range(3))
    sn, i_n = min(run(iters) for _ in range(3))
    return (sn - s1) / max(i_n - i1, 1), s1, sn


def clusterby_kernels(backends, iters):
    java = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"
    out = subprocess.run([java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx4g",
                          "-cp", os.environ["EXTRA_CP"] + ":" + str(JAR) if os.environ.get("EXTRA_CP") else str(JAR),
                          "dev.clusterby.bench.compute.PeerRuns", str(DATA), str(iters), *backends],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
    rows = {}
    for line in out.stdout.splitlines():
        if line.startswith(("peer skipped", "peer failed")):
            print("  " + line)
            continue
        m = re.match(r"peer (\S+) backend=(\S+) .*sec_per_iter=([0-9.]+) median=([0-9.]+) (\w+)=(\S+)", line)
        if m:
            rows[(m.group(1), m.group(2))] = (float(m.group(3)), float(m.group(4)), m.group(5), float(m.group(6)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--backends", default="native,java,opencl")
    ap.add_argument("--cli-iters", type=int, default=100, help="iterations of the long CLI run (0 skips the CLI)")
    a = ap.parse_args()
    backends = [b for b in a.backends.split(",") if b]
    if os.environ.get("OPENBLAS_CORETYPE") != "SkylakeX":
        print("warning: OPENBLAS_CORETYPE=SkylakeX is not set; Debian's OpenBLAS then picks slow kernels", file=sys.stderr)
    # tol=0 and few iterations make both peers warn by design; empty clusters are handled by each side's own rule.
    warnings.filterwarnings("ignore", message=".*(did not converge|distinct clusters).*")
    make_data()
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
          f"numpy {np.__version__}; {os.cpu_count()} CPUs")
    x, c0 = np.load(DATA / "kmeans_X.npy"), np.load(DATA / "kmeans_C0.npy")
    g, gm0, gp0 = np.load(DATA / "gmm_X.npy"), np.load(DATA / "gmm_means0.npy"), np.load(DATA / "gmm_precisions0.npy")

    ours = clusterby_kernels(backends, a.iters)
    rows = []  # (task, who, s/iter, check)
    sk, m, n = sklearn_kmeans(x, c0, a.iters)
    rows.append(("kmeans 100000x128 k=256", f"scikit-learn {__import__('sklearn').__version__} (lloyd)", sk, f"inertia {m.inertia_:.6e} after {n} it"))
    try:
        fa, km, _ = faiss_kmeans(x, c0, a.iters)
        rows.append(("kmeans 100000x128 k=256", f"FAISS {__import__('faiss').__version__}", fa, f"obj {km.obj[-1]:.6e}"))
    except Exception as e:  # noqa: BLE001 - a missing peer is reported, not fatal
        rows.append(("kmeans 100000x128 k=256", "FAISS", float("nan"), f"failed: {e}"))
    for b in backends:
        for tag in (b, b + "(shared-arena)"):
            if ("kmeans", tag) in ours:
                s, med, _, inertia = ours[("kmeans", tag)]
                rows.append(("kmeans 100000x128 k=256", f"clusterby kernels {tag}", s, f"inertia {inertia:.6e} (median {med:.4f} s)"))
        if a.cli_iters > 1:
            try:
                s, s1, sn = clusterby_cli(b, a.cli_iters)
                rows.append(("kmeans 100000x128 k=256", f"clusterby CLI {b}", s,
                             f"(fit({a.cli_iters}) {sn:.2f} s - fit(1) {s1:.2f} s) / {a.cli_iters - 1}"))
            except Exception as e:  # noqa: BLE001
                rows.append(("kmeans 100000x128 k=256", f"clusterby CLI {b}", float("nan"), f"failed: {e}"))
    gd, m, n = sklearn_gmm(g, gm0, gp0, a.iters, "diag")
    rows.append(("gmm diag 20000x32 k=32", "scikit-learn", gd, f"lower_bound {m.lower_bound_:.6f} after {n} it"))
    for b in backends:
        for tag in (b, b + "(shared-arena)"):
            if ("gmm-diag", tag) in ours:
                s, med, _, lb = ours[("gmm-diag", tag)]
                rows.append(("gmm diag 20000x32 k=32", f"clusterby kernels {tag}", s, f"lower_bound {lb:.6f} (median {med:.4f} s)"))
    gf, m, n = sklearn_gmm(g, gm0[:16], None, a.iters, "full")
    rows.append(("gmm full 20000x32 k=16", "scikit-learn", gf, f"lower_bound {m.lower_bound_:.6f} after {n} it; "
                 "clusterby: see eStepFull+momentsFull in the JMH report"))

    ref = {"kmeans 100000x128 k=256": sk, "gmm diag 20000x32 k=32": gd, "gmm full 20000x32 k=16": gf}
    print(f"{'task':<26} {'who':<40} {'s/iter':>9} {'sklearn/this':>12}  check")
    for task, who, s, check in rows:
        ratio = ref[task] / s if s == s and s > 0 else float("nan")
        print(f"{task:<26} {who:<40} {s:>9.4f} {ratio:>12.2f}  {check}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
