/* Nearest-centroid assignment and k nearest neighbours: blocked dot products fused with the selection. */
#include <math.h>
#include <string.h>
#include "internal.h"

/* Folds one tile into the running per-lane minima of v = bias[l] + alpha * dot; strict < keeps the lower index. */
CB_CLONES static void argmin_update(const float *restrict tile, const float *restrict bias, float alpha, int32_t base,
                                    int mr, int nr, float *restrict best, int32_t *restrict index) {
    for (int r = 0; r < mr; r++) {
        for (int l = 0; l < nr; l++) {
            int at = r * nr + l;
            float v = bias[l] + alpha * tile[at];
            float b = best[at];
            int32_t ix = index[at];
            best[at] = v < b ? v : b;
            index[at] = v < b ? base + l : ix;
        }
    }
}

/* Shared by L2 and cosine: minimises bias[c] + alpha * x.c, with bias = |c|^2, alpha = -2 or bias = 0, alpha = -1. */
static int assign(const float *x, int64_t n, int64_t d, const float *c, int64_t k, int cosine,
                  int32_t *labels, float *values, int threads) {
    if (n < 0 || d < 0 || k < 1 || k > INT32_MAX || !x || !c || !labels || !values) return CB_EINVAL;
    if (n == 0) return CB_OK;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    int64_t panels = (k + nr - 1) / nr;
    float *packed = cb_alloc((size_t)(panels * nr * d) * sizeof(float));
    float *bias = cb_alloc((size_t)(panels * nr) * sizeof(float));
    if (!packed || !bias) {
        cb_free(packed);
        cb_free(bias);
        return CB_ENOMEM;
    }
    cb_pack_panels(c, k, d, nr, packed);
    for (int64_t j = 0; j < panels * nr; j++) bias[j] = j >= k ? INFINITY : cosine ? 0.0f : cb_sqnorm(c + j * d, d);
    const float alpha = cosine ? -1.0f : -2.0f;
    const int64_t tiles = (n + mr - 1) / mr;
    int failed = 0;
    int t = cb_threads_for(threads, (double)n * k * d);

#pragma omp parallel num_threads(t)
    {
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        float *best = cb_alloc((size_t)mr * nr * sizeof(float));
        int32_t *index = cb_alloc((size_t)mr * nr * sizeof(int32_t));
        float *pad = cb_alloc((size_t)(mr * d) * sizeof(float));
        if (!tile || !best || !index || !pad) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        int ok = !__atomic_load_n(&failed, __ATOMIC_RELAXED) && tile && best && index && pad;
#pragma omp for schedule(static)
        for (int64_t ti = 0; ti < tiles; ti++) {
            if (!ok) continue;
            int64_t i0 = ti * mr;
            int rows = (int)(n - i0 < mr ? n - i0 : mr);
            const float *xs = x + i0 * d;
            if (rows < mr) {  /* the last partial tile runs on zero-padded copies */
                memset(pad, 0, (size_t)(mr * d) * sizeof(float));
                memcpy(pad, xs, (size_t)(rows * d) * sizeof(float));
                xs = pad;
            }
            for (int a = 0; a < mr * nr; a++) {
                best[a] = INFINITY;
                index[a] = 0;
            }
            for (int64_t p = 0; p < panels; p++) {
                isa->tile(xs, d, packed + p * d * nr, d, tile);
                argmin_update(tile, bias + p * nr, alpha, (int32_t)(p * nr), mr, nr, best, index);
            }
            for (int r = 0; r < rows; r++) {
                float b = best[r * nr];
                int32_t ix = index[r * nr];
                for (int l = 1; l < nr; l++) {
                    float v = best[r * nr + l];
                    int32_t vi = index[r * nr + l];
                    if (v < b || (v == b && vi < ix)) {
                        b = v;
                        ix = vi;
                    }
                }
                int64_t i = i0 + r;
                labels[i] = ix;
                if (cosine) {
                    values[i] = -b;
                } else {
                    float dist = b + cb_sqnorm(x + i * d, d);
                    values[i] = dist > 0.0f ? dist : 0.0f;  /* the expansion can dip below 0 */
                }
            }
        }
        cb_free(tile);
        cb_free(best);
        cb_free(index);
        cb_free(pad);
    }
    cb_free(packed);
    cb_free(bias);
    return failed ? CB_ENOMEM : CB_OK;
}

int cb_assign_l2(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, int32_t *labels,
                 float *min_distances, int threads) {
    return assign(points, n, d, centroids, k, 0, labels, min_distances, threads);
}

int cb_assign_cosine(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, int32_t *labels,
                     float *max_similarity, int threads) {
    return assign(points, n, d, centroids, k, 1, labels, max_similarity, threads);
}

/* Inserts into an ascending list; an equal distance goes after existing entries, so lower indices stay first. */
static inline void insert_sorted(float *dist, int32_t *idx, int64_t *filled, int64_t m, float v, int32_t o) {
    int64_t slot = *filled < m ? *filled : m - 1;
    if (*filled == m && !(v < dist[m - 1])) return;
    while (slot > 0 && dist[slot - 1] > v) {
        dist[slot] = dist[slot - 1];
        idx[slot] = idx[slot - 1];
        slot--;
    }
    dist[slot] = v;
    idx[slot] = o;
    if (*filled < m) (*filled)++;
}

int cb_knn(const float *points, int64_t n, int64_t d, int64_t m, int32_t *indices, float *distances, int threads) {
    if (n < 2 || n > INT32_MAX || d < 0 || m < 1 || m >= n || !points || !indices || !distances) return CB_EINVAL;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    int64_t panels = (n + nr - 1) / nr;
    float *packed = cb_alloc((size_t)(panels * nr * d) * sizeof(float));
    float *norms = cb_alloc((size_t)n * sizeof(float));
    if (!packed || !norms) {
        cb_free(packed);
        cb_free(norms);
        return CB_ENOMEM;
    }
    cb_pack_panels(points, n, d, nr, packed);
    for (int64_t i = 0; i < n; i++) norms[i] = cb_sqnorm(points + i * d, d);
    const int64_t tiles = (n + mr - 1) / mr;
    int failed = 0;
    int t = cb_threads_for(threads, (double)n * n * d);

#pragma omp parallel num_threads(t)
    {
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        float *pad = cb_alloc((size_t)(mr * d) * sizeof(float));
        int64_t filled[64];
        if (!tile || !pad || mr > 64) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        int ok = tile && pad && mr <= 64;
#pragma omp for schedule(dynamic, 4)
        for (int64_t ti = 0; ti < tiles; ti++) {
            if (!ok) continue;
            int64_t i0 = ti * mr;
            int rows = (int)(n - i0 < mr ? n - i0 : mr);
            const float *xs = points + i0 * d;
            if (rows < mr) {
                memset(pad, 0, (size_t)(mr * d) * sizeof(float));
                memcpy(pad, xs, (size_t)(rows * d) * sizeof(float));
                xs = pad;
            }
            for (int r = 0; r < rows; r++) filled[r] = 0;
            for (int64_t p = 0; p < panels; p++) {
                isa->tile(xs, d, packed + p * d * nr, d, tile);
                for (int r = 0; r < rows; r++) {
                    int64_t i = i0 + r;
                    float *dist = distances + i * m;
                    int32_t *idx = indices + i * m;
                    float worst = filled[r] == m ? dist[m - 1] : INFINITY;
                    for (int l = 0; l < nr; l++) {
                        int64_t o = p * nr + l;
                        if (o >= n || o == i) continue;
                        float v = norms[i] + norms[o] - 2.0f * tile[r * nr + l];
                        if (v < 0.0f) v = 0.0f;
                        if (filled[r] < m || v < worst) {
                            insert_sorted(dist, idx, &filled[r], m, v, (int32_t)o);
                            if (filled[r] == m) worst = dist[m - 1];
                        }
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
