"""scikit-learn 1.2.1 reference ARIs for the quality tests in GaussianMixtureTest / KMeansQualityTest.

Run from the repository root (after scripts/fetch-data.sh):
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/cluster_quality_reference.py
Data are read exactly as the Java tests read them (float32; Fashion-MNIST pixels / 255).
"""
import gzip, sys, warnings
import numpy as np
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score as ari, silhouette_score
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore")
print("scikit-learn", sklearn.__version__)


def digits():
    a = np.loadtxt(gzip.open("src/test/resources/data/digits.csv.gz"), delimiter=",", dtype=np.float64)
    return a[:, :-1].astype(np.float32), a[:, -1].astype(int)


def iris():
    a = np.loadtxt("src/test/resources/data/iris.csv", delimiter=",", skiprows=1)
    return a[:, :-1].astype(np.float32), a[:, -1].astype(int)


def fashion():
    with gzip.open("data/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open("data/fashion-mnist/t10k-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(int)
    return (x.astype(np.float32) / 255).astype(np.float32), y


def main():
    which = sys.argv[1:] or ["iris", "digits", "fashion"]
    for name in which:
        X, y = {"iris": iris, "digits": digits, "fashion": fashion}[name]()
        k = len(np.unique(y))
        covs = ["full", "diag", "spherical", "tied"] if name != "fashion" else ["diag", "spherical"]
        for cov in covs:
            g = GaussianMixture(n_components=k, covariance_type=cov, random_state=0).fit(X)
            print(f"{name} gmm {cov} k={k}: ARI {ari(y, g.predict(X)):.4f} iters {g.n_iter_} lb {g.lower_bound_:.4f} bic {g.bic(X):.1f}")
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
        print(f"{name} kmeans k={k}: ARI {ari(y, km.labels_):.4f}")
        mb = MiniBatchKMeans(n_clusters=k, n_init=3, random_state=0, batch_size=1024).fit(X)
        print(f"{name} minibatch-kmeans k={k}: ARI {ari(y, mb.labels_):.4f}")
        if name in ("iris", "digits"):
            scores = {}
            for kk in range(2, 11):
                lab = KMeans(n_clusters=kk, n_init=10, random_state=0).fit_predict(X)
                scores[kk] = silhouette_score(X, lab)
            best = max(scores, key=scores.get)
            lab = KMeans(n_clusters=best, n_init=10, random_state=0).fit_predict(X)
            print(f"{name} kmeans auto-k silhouette 2..10: chose {best} ARI {ari(y, lab):.4f} scores "
                  + " ".join(f"{kk}:{s:.3f}" for kk, s in scores.items()))
            cov = "full" if name == "iris" else "diag"
            bics = {kk: GaussianMixture(n_components=kk, covariance_type=cov, random_state=0).fit(X).bic(X) for kk in range(2, 21 if name == "iris" else 16)}
            best = min(bics, key=bics.get)
            g = GaussianMixture(n_components=best, covariance_type=cov, random_state=0).fit(X)
            print(f"{name} gmm {cov} auto-k bic: chose {best} ARI {ari(y, g.predict(X)):.4f} bics "
                  + " ".join(f"{kk}:{s:.0f}" for kk, s in bics.items()))


if __name__ == "__main__":
    main()
