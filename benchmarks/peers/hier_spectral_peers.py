"""scikit-learn 1.2.1 on the data HierarchicalSpectralBench wrote (same rows, float32): ward on all rows,
spectral (nearest_neighbors, n_neighbors=10) on the first spectralN rows.

Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/hier_spectral_peers.py target/hier-bench [n d spectralN clusters]
"""
import os, sys, time
import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering, SpectralClustering
from sklearn.metrics import adjusted_rand_score as ari

out = sys.argv[1] if len(sys.argv) > 1 else "target/hier-bench"
spectral_n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
clusters = int(sys.argv[5]) if len(sys.argv) > 5 else 20
def lap(start):
    wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
    start[0], start[1] = time.perf_counter(), time.process_time()
    return f"{wall:.2f} s wall, {cpu:.2f} s CPU"

x = np.load(f"{out}/blobs.npy")
y = np.load(f"{out}/labels.npy")
print(f"sklearn {sklearn.__version__}, numpy {np.__version__}, data {x.shape} {x.dtype}")

t = [time.perf_counter(), time.process_time()]
labels = AgglomerativeClustering(n_clusters=clusters, linkage="ward").fit_predict(x)
print(f"sklearn ward {x.shape[0]}x{x.shape[1]} k={clusters}: {lap(t)}, ARI {ari(y, labels):.4f}")

labels = AgglomerativeClustering(n_clusters=clusters, linkage="single").fit_predict(x)
print(f"sklearn single {x.shape[0]}x{x.shape[1]} k={clusters}: {lap(t)}, ARI {ari(y, labels):.4f}")

xs, ys = x[:spectral_n], y[:spectral_n]
lap(t)
labels = SpectralClustering(n_clusters=clusters, affinity="nearest_neighbors", n_neighbors=10, random_state=0).fit_predict(xs)
print(f"sklearn spectral nearest_neighbors(10) {xs.shape[0]}x{xs.shape[1]} k={clusters}: {lap(t)}, ARI {ari(ys, labels):.4f}")
from sklearn.neighbors import kneighbors_graph
kneighbors_graph(xs, n_neighbors=10, include_self=True)
print(f"  of which kneighbors_graph(n_neighbors=10): {lap(t)}")
