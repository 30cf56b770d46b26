"""Writes N×D float32 L2-normalised rows (a mixture of 2000 random directions plus noise) to a .npy in chunks.
Usage: /usr/bin/python3 make_data.py N D OUT.npy"""
import sys
import numpy as np

n, d, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(16)
centres = rng.standard_normal((2000, d)).astype(np.float32)
a = np.lib.format.open_memmap(out, mode="w+", dtype="<f4", shape=(n, d))
step = 100_000
for start in range(0, n, step):
    m = min(step, n - start)
    x = centres[rng.integers(0, len(centres), m)] + 0.6 * rng.standard_normal((m, d)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    a[start:start + m] = x
a.flush()
print(out, a.shape)
