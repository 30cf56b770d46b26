"""Spectral row-normalisation default: scikit-learn's own SpectralClustering labels on the sets that
DefaultsTuning exports, and their agreement with clusterby's labels (NJW and plain) from
`DefaultsTuning spectral DIR ...` (see benchmarks/RESULTS-defaults.md).

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/defaults_spectral.py DIR SEEDS set:k ...

scikit-learn 1.2.1's SpectralClustering(affinity='nearest_neighbors', n_neighbors=10, assign_labels='kmeans'):
the 10-NN connectivity graph (self included), 0.5 (A + A^T), spectral_embedding(norm_laplacian=True,
drop_first=False) = the bottom eigenvectors u of the symmetric normalised Laplacian divided by sqrt(degree)
(embedding / dd), a deterministic sign flip, and NO row normalisation; then k_means(n_init=10).
"""
import sys
import warnings

import numpy as np
from sklearn.cluster import SpectralClustering
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

warnings.filterwarnings("ignore")
root, seeds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"{'set':22s} {'n':>6s} {'k':>4s} | sklearn ARI / NMI | ARI(sk, njw) ARI(sk, plain)")
for spec in specs:
    name, k = spec.split(":")
    k = int(k)
    data = np.loadtxt(f"{root}/{name}.csv", delimiter=",", dtype=np.float64)
    x, y = data[:, :-1].astype(np.float32), data[:, -1].astype(int)
    aris, nmis, first = [], [], None
    for seed in range(42, 42 + seeds):
        labels = SpectralClustering(n_clusters=k, affinity="nearest_neighbors", n_neighbors=10,
                                    random_state=seed).fit(x).labels_
        aris.append(adjusted_rand_score(y, labels))
        nmis.append(normalized_mutual_info_score(y, labels))
        if first is None:
            first = labels
    agree = []
    for variant in ("njw", "plain"):
        try:
            mine = np.loadtxt(f"{root}/labels-{name}-{variant}.txt", dtype=int)
            agree.append(f"{adjusted_rand_score(first, mine):.3f}")
        except OSError:
            agree.append("  -  ")
    print(f"{name:22s} {len(y):6d} {k:4d} | {np.mean(aris):.3f} / {np.mean(nmis):.3f}     | {agree[0]:>12s} {agree[1]:>13s}", flush=True)
