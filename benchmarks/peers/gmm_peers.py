"""scikit-learn 1.2.1 GMM seconds per EM iteration on the data GmmBench writes (benchmarks/target/gmm-20000x32.npy),
measured the same way: (fit with hi iterations - fit with lo) / (hi - lo), tol=0, init_params='kmeans', n_init=1.
    benchmarks/gmm-bench.sh   # writes the data
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/gmm_peers.py [lo] [hi] [data.npy]
"""
import sys, time, warnings
import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore")
lo, hi = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (2, 12)
X = np.load(sys.argv[3] if len(sys.argv) > 3 else "benchmarks/target/gmm-20000x32.npy")


def fit_seconds(cov, k, iterations):
    g = GaussianMixture(k, covariance_type=cov, tol=0, max_iter=iterations, random_state=0)
    start = time.perf_counter()
    g.fit(X)
    return time.perf_counter() - start


print(f"scikit-learn {sklearn.__version__}, X {X.shape} {X.dtype}")
for cov, k in [("full", 16), ("diag", 32)]:
    fit_seconds(cov, k, lo)
    best = min((fit_seconds(cov, k, hi) - fit_seconds(cov, k, lo)) / (hi - lo) for _ in range(3))
    print(f"sklearn gmm {cov} k={k} n={X.shape[0]} d={X.shape[1]}: {best:.4f} s/iteration")
