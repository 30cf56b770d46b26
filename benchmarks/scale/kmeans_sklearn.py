"""scikit-learn's KMeans on a .npy: k-means++ seeding included, n_init=1, max_iter iterations, tol=0.
Prints seconds, inertia and peak RSS. Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 kmeans_sklearn.py X.npy K ITERS"""
import resource, sys, time
import numpy as np
from sklearn.cluster import KMeans

x = np.load(sys.argv[1], mmap_mode="r")
x = np.ascontiguousarray(x)
k, iters = int(sys.argv[2]), int(sys.argv[3])
start = time.time()
model = KMeans(n_clusters=k, n_init=1, max_iter=iters, tol=0, init="k-means++", algorithm="lloyd", random_state=0).fit(x)
seconds = time.time() - start
print(f"sklearn n={x.shape[0]} d={x.shape[1]} k={k} iters={model.n_iter_} seconds={seconds:.1f} inertia={model.inertia_:.6g} "
      f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
