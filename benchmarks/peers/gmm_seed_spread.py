"""Spread of scikit-learn 1.2.1's ARI over random_state, for the GMM/k-means quality bars (see GaussianMixtureTest).
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/gmm_seed_spread.py
"""
import sys, warnings
import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score as ari
from sklearn.mixture import GaussianMixture
sys.path.insert(0, "benchmarks/peers")
from cluster_quality_reference import digits, fashion  # noqa: E402
warnings.filterwarnings("ignore")

X, y = digits()
for cov in ["diag", "full"]:
    a = [ari(y, GaussianMixture(10, covariance_type=cov, random_state=s).fit(X).predict(X)) for s in range(10)]
    print(f"digits gmm {cov} n_init=1 rs0..9: mean {np.mean(a):.4f} min {np.min(a):.4f} max {np.max(a):.4f} rs0 {a[0]:.4f}")
    g = GaussianMixture(10, covariance_type=cov, n_init=3, random_state=0).fit(X)
    print(f"digits gmm {cov} n_init=3 rs0: {ari(y, g.predict(X)):.4f}")
X, y = fashion()
Z = PCA(n_components=50, svd_solver="full").fit_transform(X).astype(np.float32)
for cov in ["diag", "full"]:
    a = [ari(y, GaussianMixture(10, covariance_type=cov, random_state=s).fit(Z).predict(Z)) for s in range(3)]
    print(f"fashion-pca50 gmm {cov} n_init=1 rs0..2: mean {np.mean(a):.4f} min {np.min(a):.4f} max {np.max(a):.4f} rs0 {a[0]:.4f}")
km = KMeans(10, n_init=10, random_state=0).fit(Z)
print(f"fashion-pca50 kmeans n_init=10: {ari(y, km.labels_):.4f}")
