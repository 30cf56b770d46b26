/* All point-to-centroid squared distances: the assign tiles without the argmin, for k-means++ candidate scoring. */
#include <math.h>
#include <string.h>
#include "internal.h"

int cb_distances_l2(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, float *out,
                    int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !centroids || !out) return CB_EINVAL;
    if (n == 0) return CB_OK;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    int64_t panels = (k + nr - 1) / nr;
    float *packed = cb_alloc((size_t)(panels * nr * d) * sizeof(float));
    float *norms = cb_alloc((size_t)(panels * nr) * sizeof(float));
    if (!packed || !norms) {
        cb_free(packed);
        cb_free(norms);
        return CB_ENOMEM;
    }
    cb_pack_panels(centroids, k, d, nr, packed);
    for (int64_t j = 0; j < panels * nr; j++) norms[j] = j < k ? cb_sqnorm(centroids + j * d, d) : 0.0f;
    const int64_t tiles = (n + mr - 1) / mr;
    int failed = 0;
    int t = cb_threads_for(threads, (double)n * k * d);

#pragma omp parallel num_threads(t)
    {
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        float *pad = cb_alloc((size_t)(mr * d) * sizeof(float));
        if (!tile || !pad) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        int ok = tile && pad;
#pragma omp for schedule(static)
        for (int64_t ti = 0; ti < tiles; ti++) {
            if (!ok) continue;
            int64_t i0 = ti * mr;
            int rows = (int)(n - i0 < mr ? n - i0 : mr);
            const float *xs = points + i0 * d;
            if (rows < mr) { /* the last partial tile runs on a zero-padded copy */
                memset(pad, 0, (size_t)(mr * d) * sizeof(float));
                memcpy(pad, xs, (size_t)(rows * d) * sizeof(float));
                xs = pad;
            }
            for (int64_t p = 0; p < panels; p++) {
                isa->tile(xs, d, packed + p * d * nr, d, tile);
                int64_t c0 = p * nr;
                int cols = (int)(k - c0 < nr ? k - c0 : nr);
                for (int r = 0; r < rows; r++) {
                    float xn = cb_sqnorm(points + (i0 + r) * d, d);
                    float *row = out + (i0 + r) * k + c0;
                    for (int l = 0; l < cols; l++) {
                        float v = xn - 2.0f * tile[r * nr + l] + norms[c0 + l];
                        row[l] = v > 0.0f ? v : 0.0f; /* the expansion can dip below 0 */
                    }
                }
            }
        }
        cb_free(tile);
        cb_free(pad);
    }
    cb_free(packed);
    cb_free(norms);
    return failed ? CB_ENOMEM : CB_OK;
}
