"""Writes COPIES×N rows from an N×D .npy: copy c is the input with the signs of a random half of its dimensions
flipped (still unit length, distinct rows, same cluster structure rotated), in chunks; cheap on a loaded machine.
Usage: /usr/bin/python3 tile_data.py IN.npy COPIES OUT.npy"""
import sys
import numpy as np

src = np.load(sys.argv[1], mmap_mode="r")
copies, out = int(sys.argv[2]), sys.argv[3]
n, d = src.shape
rng = np.random.default_rng(5)
a = np.lib.format.open_memmap(out, mode="w+", dtype="<f4", shape=(copies * n, d))
step = 200_000
for c in range(copies):
    signs = np.where(rng.random(d) < 0.5, -1, 1).astype(np.float32) if c else np.ones(d, np.float32)
    for start in range(0, n, step):
        a[c * n + start:c * n + min(n, start + step)] = src[start:start + step] * signs
a.flush()
print(out, a.shape)
