"""scikit-learn's kept models on the rows ModelBench wrote: pickle file size, load time (from the file), predict throughput.
Same fit settings as ModelBench (k-means k=256 n_init=1 max_iter=10; GMM diag k=32 max_iter=10)."""
import os, pickle, statistics, sys, time
import numpy as np
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

x = np.load(sys.argv[1])
n = x.shape[0]
for name, model in [("kmeans k=256", KMeans(n_clusters=256, n_init=1, max_iter=10, random_state=1)),
                    ("gmm diag k=32", GaussianMixture(n_components=32, covariance_type="diag", max_iter=10, random_state=1))]:
    t = time.perf_counter(); model.fit(x); fit = time.perf_counter() - t
    path = sys.argv[1] + "." + name.split()[0] + ".pkl"
    with open(path, "wb") as f:
        pickle.dump(model, f)
    size = os.path.getsize(path)
    loads = []
    for _ in range(7):
        t = time.perf_counter()
        with open(path, "rb") as f:
            loaded = pickle.load(f)
        loads.append(time.perf_counter() - t)
    predicts = []
    for _ in range(3):
        t = time.perf_counter(); loaded.predict(x); predicts.append(time.perf_counter() - t)
    print(f"sklearn   {name:<14} n={n} fit={fit:.1f}s file={size} bytes (pickle) load(median of 7, first)="
          f"{statistics.median(loads):.4f}s,{loads[0]:.4f}s predict(median of 3)={n / statistics.median(predicts):.0f} rows/s")
