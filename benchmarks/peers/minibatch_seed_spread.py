"""scikit-learn 1.2.1 MiniBatchKMeans(n_clusters=k, n_init=3, batch_size=1024) ARI over random_state 0..9
(mean, min, max), for KMeansQualityTest's mini-batch bars.
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/minibatch_seed_spread.py
"""
import sys, warnings
import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score as ari
sys.path.insert(0, "benchmarks/peers")
from cluster_quality_reference import digits, fashion, iris  # noqa: E402
warnings.filterwarnings("ignore")
for name, load in [("iris", iris), ("digits", digits), ("fashion-pca50", fashion)]:
    X, y = load()
    if name == "fashion-pca50":
        X = PCA(n_components=50, svd_solver="full").fit_transform(X).astype(np.float32)
    k = len(np.unique(y))
    a = [ari(y, MiniBatchKMeans(k, n_init=3, batch_size=1024, random_state=s).fit(X).labels_) for s in range(10)]
    print(f"{name} minibatch k={k}: mean {np.mean(a):.4f} min {np.min(a):.4f} max {np.max(a):.4f}")
