"""Peers for RESULTS-map.md: scikit-learn's trustworthiness (k=10) of clusterby's maps (umap, pca) against the
input, next to scikit-learn's own PCA and t-SNE on the same rows, with fit times.

usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 map_peers.py DATA_DIR MAPS_DIR NAME... [--big MAPS_DIR/big.npy]
DATA_DIR/NAME.csv holds features..., label (as DefaultsTuning export writes them); MAPS_DIR/NAME-umap.csv and
NAME-pca.csv hold clusterby's x,y per row (MapBench sets).
"""
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness


def main(argv):
    if "--big" in argv:
        i = argv.index("--big")
        big(argv[i + 1])
        return
    data_dir, maps_dir, names = argv[0], argv[1], argv[2:]
    print("| set | n | d | clusterby umap | clusterby pca | sklearn pca | sklearn t-SNE | t-SNE s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        x = np.loadtxt(f"{data_dir}/{name}.csv", delimiter=",", dtype=np.float32)[:, :-1]
        ours = np.loadtxt(f"{maps_dir}/{name}-umap.csv", delimiter=",")
        ours_pca = np.loadtxt(f"{maps_dir}/{name}-pca.csv", delimiter=",")
        t = trustworthiness
        sk_pca = PCA(n_components=2, random_state=0).fit_transform(x)
        start = time.perf_counter()
        tsne = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0).fit_transform(x)
        tsne_s = time.perf_counter() - start
        print(f"| {name} | {x.shape[0]} | {x.shape[1]} | {t(x, ours, n_neighbors=10):.4f} | {t(x, ours_pca, n_neighbors=10):.4f} "
              f"| {t(x, sk_pca, n_neighbors=10):.4f} | {t(x, tsne, n_neighbors=10):.4f} | {tsne_s:.1f} |", flush=True)


def big(path):
    x = np.load(path)
    start = time.perf_counter()
    PCA(n_components=2, random_state=0).fit_transform(x)
    print(f"big {x.shape}: sklearn PCA {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0, n_jobs=2).fit_transform(x)
    print(f"big {x.shape}: sklearn t-SNE {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
