"""scikit-learn 1.2.1 reference ARIs for the figures recorded in AgglomerativeTest / SpectralTest.

Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/hier_spectral_quality.py
Inputs are read exactly as the Java tests read them (float32, same rows, same subsample).
"""
import gzip, struct, sys
import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering, SpectralClustering
from sklearn.metrics import adjusted_rand_score as ari

root = sys.argv[1] if len(sys.argv) > 1 else "."

def digits():
    m = np.loadtxt(gzip.open(f"{root}/src/test/resources/data/digits.csv.gz", "rt"), delimiter=",", dtype=np.float64)
    return m[:, :-1].astype(np.float32), m[:, -1].astype(int)

def iris():
    m = np.loadtxt(f"{root}/src/test/resources/data/iris.csv", delimiter=",", skiprows=1)
    return m[:, :-1].astype(np.float32), m[:, -1].astype(int)

def fashion(count):
    with gzip.open(f"{root}/data/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
        magic, n, r, c = struct.unpack(">IIII", f.read(16))
        x = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, r * c)[:count]
    with gzip.open(f"{root}/data/fashion-mnist/t10k-labels-idx1-ubyte.gz") as f:
        struct.unpack(">II", f.read(8))
        y = np.frombuffer(f.read(), dtype=np.uint8)[:count]
    return (x.astype(np.float32) / 255.0), y.astype(int)

print("sklearn", sklearn.__version__)
for name, (x, y), k in [("iris", iris(), 3), ("digits", digits(), 10), ("fashion2000", fashion(2000), 10)]:
    for linkage in ["ward", "complete", "average", "single"]:
        labels = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(x)
        print(f"{name} agglomerative linkage={linkage} k={k}: ARI {ari(y, labels):.4f}")
    labels = SpectralClustering(n_clusters=k, affinity="nearest_neighbors", random_state=0).fit_predict(x)
    print(f"{name} spectral nearest_neighbors n_neighbors=10 k={k} random_state=0: ARI {ari(y, labels):.4f}")
x, y = iris()
labels = SpectralClustering(n_clusters=3, affinity="rbf", gamma=1.0, random_state=0).fit_predict(x)
print(f"iris spectral rbf gamma=1.0 k=3 random_state=0: ARI {ari(y, labels):.4f}")
x, y = digits()
labels = SpectralClustering(n_clusters=10, affinity="rbf", gamma=1e-3, random_state=0).fit_predict(x)
print(f"digits spectral rbf gamma=1e-3 k=10 random_state=0: ARI {ari(y, labels):.4f}")
