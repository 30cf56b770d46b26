/* Nearest-centroid assignment and k nearest neighbours: blocked dot products fused with the selection. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/*
 * Lane-wise merge of two candidate sets: the smaller value, on equal values the lower index. Only used in
 * target("x86-64-v4") functions: GCC 12 scalarises an AND of two vector compares in target_clones and in AVX2
 * code, and lowers an inline helper for the baseline before inlining (hence macros).
 */
#define MERGE16(best, index, ob, oi)                                               \
    do {                                                                           \
        vf16 ob_ = (ob);                                                           \
        vi16 oi_ = (oi);                                                           \
        vi16 take_ = (ob_ < (best)) | ((ob_ == (best)) & (oi_ < (index)));         \
        (best) = VSEL(take_, ob_, (best));                                         \
        (index) = ISEL(take_, oi_, (index));                                       \
    } while (0)

/* Reduces 16 lanes to the winner by the same rule, in four shuffle steps; the winner ends in lane 0. */
#define REDUCE16(best, index)                                                                         \
    do {                                                                                              \
        const vi16 s8_ = {8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7};                        \
        const vi16 s4_ = {4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11};                        \
        const vi16 s2_ = {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13};                        \
        const vi16 s1_ = {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14};                        \
        MERGE16(best, index, __builtin_shuffle(best, s8_), __builtin_shuffle(index, s8_));             \
        MERGE16(best, index, __builtin_shuffle(best, s4_), __builtin_shuffle(index, s4_));             \
        MERGE16(best, index, __builtin_shuffle(best, s2_), __builtin_shuffle(index, s2_));             \
        MERGE16(best, index, __builtin_shuffle(best, s1_), __builtin_shuffle(index, s1_));             \
    } while (0)

/* Folds one tile into the running per-lane minima of v = bias[l] + alpha * dot; strict < keeps the lower index. */
CB_CLONES static void argmin_update(const float *restrict tile, const float *restrict bias, float alpha, int32_t base,
                                    int mr, int nr, float *restrict best, int32_t *restrict index) {
    if (nr % 16 == 0) {
        for (int r = 0; r < mr; r++) {
            for (int l = 0; l < nr; l += 16) {
                int at = r * nr + l;
                vf16 v = *(const vf16 *)(bias + l) + alpha * *(const vf16 *)(tile + at);
                vf16 b = *(vf16 *)(best + at);
                vi16 take = v < b;
                vi16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
                *(vf16 *)(best + at) = VSEL(take, v, b);
                *(vi16 *)(index + at) = ISEL(take, lane + (base + l), *(vi16 *)(index + at));
            }
        }
        return;
    }
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

#define CB_V4 __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))

/* The winner of one tile row's nr lanes: smallest value, ties to the lower index. */
static void lanes_winner(const float *restrict best, const int32_t *restrict index, int nr, float *b, int32_t *ix) {
    *b = best[0];
    *ix = index[0];
    for (int l = 1; l < nr; l++) {
        if (best[l] < *b || (best[l] == *b && index[l] < *ix)) {
            *b = best[l];
            *ix = index[l];
        }
    }
}

/* The same for nr a multiple of 16 (lanes hold no NaN: they only take values that compare below +inf). */
CB_V4 static void lanes_winner_v4(const float *restrict best, const int32_t *restrict index, int nr, float *b,
                                  int32_t *ix) {
    vf16 vb = *(const vf16 *)best;
    vi16 vi = *(const vi16 *)index;
    for (int l = 16; l < nr; l += 16) MERGE16(vb, vi, *(const vf16 *)(best + l), *(const vi16 *)(index + l));
    REDUCE16(vb, vi);
    *b = vb[0];
    *ix = vi[0];
}

/*
 * The AVX-512 12x32 tile (runtime.c's tile_v4) with argmin_update fused on its registers: the dot products never
 * go through memory. Same FMA order and the same bias + alpha * dot contraction, so results match the unfused pair.
 */
CB_V4 static void tile_argmin_v4(const float *restrict x, int64_t ldx, const float *restrict panel, int64_t d,
                                 const float *restrict bias, float alpha, int32_t base, float *restrict best,
                                 int32_t *restrict index) {
    vf16 acc[12][2];
    _Pragma("GCC unroll 12") for (int r = 0; r < 12; r++) acc[r][0] = acc[r][1] = (vf16){0};
    for (int64_t j = 0; j < d; j++) {
        vf16 c0 = *(const vf16 *)(panel + j * 32), c1 = *(const vf16 *)(panel + j * 32 + 16);
        _Pragma("GCC unroll 12") for (int r = 0; r < 12; r++) {
            float xr = x[r * ldx + j];
            acc[r][0] += xr * c0;
            acc[r][1] += xr * c1;
        }
    }
    const vi16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const vf16 b0 = *(const vf16 *)bias, b1 = *(const vf16 *)(bias + 16);
    _Pragma("GCC unroll 12") for (int r = 0; r < 12; r++) {
        vf16 v0 = b0 + alpha * acc[r][0], v1 = b1 + alpha * acc[r][1];
        vf16 o0 = *(vf16 *)(best + r * 32), o1 = *(vf16 *)(best + r * 32 + 16);
        vi16 t0 = v0 < o0, t1 = v1 < o1;
        *(vf16 *)(best + r * 32) = VSEL(t0, v0, o0);
        *(vf16 *)(best + r * 32 + 16) = VSEL(t1, v1, o1);
        *(vi16 *)(index + r * 32) = ISEL(t0, lane + base, *(vi16 *)(index + r * 32));
        *(vi16 *)(index + r * 32 + 16) = ISEL(t1, lane + (base + 16), *(vi16 *)(index + r * 32 + 16));
    }
}

/* Shared by L2 and cosine: minimises bias[c] + alpha * x.c, with bias = |c|^2, alpha = -2 or bias = 0, alpha = -1. */
static int assign(const float *x, int64_t n, int64_t d, const float *c, int64_t k, int cosine,
                  int32_t *labels, float *values, int threads) {
    if (n < 0 || d < 0 || k < 1 || k > INT32_MAX || !x || !c || !labels || !values) return CB_EINVAL;
    if (n == 0) return CB_OK;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    const int fused = isa->avx512 && mr == 12 && nr == 32;
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
    /*
     * k-blocking: when the packed centroids outgrow their share of L2, a group of row tiles sweeps one panel block
     * at a time, so each block is loaded from L3 once per group instead of once per tile. CLUSTERBY_PANEL_KIB tunes it.
     */
    const char *kib = getenv("CLUSTERBY_PANEL_KIB");
    int64_t budget = (kib && *kib ? strtol(kib, NULL, 10) : 512) * 1024;
    int64_t pb = budget / (d * nr * (int64_t)sizeof(float) + 1);
    pb = pb < 1 ? 1 : pb > panels ? panels : pb;
    const int64_t group = pb == panels ? 1 : 8;  /* row tiles per group */
    const int64_t groups = (tiles + group - 1) / group;
    int failed = 0;
    int t = cb_threads_for(threads, (double)n * k * d);

#pragma omp parallel num_threads(t)
    {
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        float *best = cb_alloc((size_t)(group * mr * nr) * sizeof(float));
        int32_t *index = cb_alloc((size_t)(group * mr * nr) * sizeof(int32_t));
        float *pad = cb_alloc((size_t)(mr * d) * sizeof(float));
        if (!tile || !best || !index || !pad) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        int ok = !__atomic_load_n(&failed, __ATOMIC_RELAXED) && tile && best && index && pad;
        /* dynamic: on shared cores a preempted thread must not hold up the rest */
#pragma omp for schedule(dynamic, group == 1 ? 16 : 1)
        for (int64_t g = 0; g < groups; g++) {
            if (!ok) continue;
            const int64_t t0 = g * group, t1 = t0 + group < tiles ? t0 + group : tiles;
            for (int64_t a = 0; a < (t1 - t0) * mr * nr; a++) {
                best[a] = INFINITY;
                index[a] = 0;
            }
            for (int64_t p0 = 0; p0 < panels; p0 += pb) {
                const int64_t p1 = p0 + pb < panels ? p0 + pb : panels;
                for (int64_t ti = t0; ti < t1; ti++) {
                    int64_t i0 = ti * mr;
                    int rows = (int)(n - i0 < mr ? n - i0 : mr);
                    const float *xs = x + i0 * d;
                    if (rows < mr) {  /* the last partial tile runs on zero-padded copies */
                        memset(pad, 0, (size_t)(mr * d) * sizeof(float));
                        memcpy(pad, xs, (size_t)(rows * d) * sizeof(float));
                        xs = pad;
                    }
                    float *tb = best + (ti - t0) * mr * nr;
                    int32_t *tx = index + (ti - t0) * mr * nr;
                    if (fused) {
                        for (int64_t p = p0; p < p1; p++)
                            tile_argmin_v4(xs, d, packed + p * d * nr, d, bias + p * nr, alpha, (int32_t)(p * nr), tb, tx);
                    } else {
                        for (int64_t p = p0; p < p1; p++) {
                            isa->tile(xs, d, packed + p * d * nr, d, tile);
                            argmin_update(tile, bias + p * nr, alpha, (int32_t)(p * nr), mr, nr, tb, tx);
                        }
                    }
                }
            }
            for (int64_t i = t0 * mr; i < n && i < t1 * mr; i++) {
                const float *rb = best + (i - t0 * mr) * nr;
                const int32_t *rx = index + (i - t0 * mr) * nr;
                float b;
                int32_t ix;
                if (isa->avx512 && nr % 16 == 0) lanes_winner_v4(rb, rx, nr, &b, &ix);
                else lanes_winner(rb, rx, nr, &b, &ix);
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

/* The CBLAS signature; enum arguments are ints in every CBLAS ABI. */
typedef void (*cb_sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                            int lda, const float *b, int ldb, float beta, float *c, int ldc);
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
#define ARGMIN_LANES 16

/*
 * Rows per sgemm call: rows x k dot products (512 KiB) stay in L2 for the argmin pass, but at least 256 rows (up to
 * 4 MiB of dots) so the sgemm's own blocking still pays. Measured best of 128..2048 rows at k=256 and k=1024;
 * CLUSTERBY_SGEMM_ROWS overrides it for tuning.
 */
static int64_t sgemm_rows(int64_t k) {
    const char *env = getenv("CLUSTERBY_SGEMM_ROWS");
    int64_t fit = ((int64_t)1 << 17) / k, floor = ((int64_t)1 << 20) / k;
    int64_t rows = env && *env ? strtol(env, NULL, 10) : fit > 256 ? fit : floor < 256 ? floor : 256;
    rows = rows < 16 ? 16 : rows > 4096 ? 4096 : rows;
    return rows / 16 * 16;
}

/*
 * Per row: argmin over l of bias[l] + alpha * dots[l] (ld a multiple of 16, rows 64-byte aligned). Two running
 * minima break the compare/select dependency chain; pad columns carry bias = +inf and dot 0, so they never win.
 */
CB_V4 static void argmin_rows_v4(const float *restrict dots, int64_t ld, int rows, const float *restrict bias,
                                 float alpha, int32_t *restrict labels, float *restrict best_out) {
    const vi16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int r = 0; r < rows; r++) {
        const float *row = dots + r * ld;
        vf16 b0 = (vf16){0} + INFINITY, b1 = b0;  /* as the tile path: all-NaN or all-inf rows get label 0 */
        vi16 i0 = {0}, i1 = {0};
        int64_t c = 0;
        for (; c + 32 <= ld; c += 32) {
            vf16 v0 = *(const vf16 *)(bias + c) + alpha * *(const vf16 *)(row + c);
            vf16 v1 = *(const vf16 *)(bias + c + 16) + alpha * *(const vf16 *)(row + c + 16);
            vi16 t0 = v0 < b0, t1 = v1 < b1;
            b0 = VSEL(t0, v0, b0);
            b1 = VSEL(t1, v1, b1);
            i0 = ISEL(t0, lane + (int32_t)c, i0);
            i1 = ISEL(t1, lane + (int32_t)(c + 16), i1);
        }
        if (c < ld) {
            vf16 v1 = *(const vf16 *)(bias + c) + alpha * *(const vf16 *)(row + c);
            vi16 t1 = v1 < b1;
            b1 = VSEL(t1, v1, b1);
            i1 = ISEL(t1, lane + (int32_t)c, i1);
        }
        MERGE16(b0, i0, b1, i1);
        REDUCE16(b0, i0);
        labels[r] = i0[0];
        best_out[r] = b0[0];
    }
}

/* The same without AVX-512: a plain scan, strict < keeps the lower index. */
CB_CLONES static void argmin_rows(const float *restrict dots, int64_t ld, int rows, const float *restrict bias,
                                  float alpha, int32_t *restrict labels, float *restrict best_out) {
    for (int r = 0; r < rows; r++) {
        const float *row = dots + r * ld;
        float b = INFINITY;
        int32_t ix = 0;
        for (int64_t c = 0; c < ld; c++) {
            float v = bias[c] + alpha * row[c];
            if (v < b) {
                b = v;
                ix = (int32_t)c;
            }
        }
        labels[r] = ix;
        best_out[r] = b;
    }
}

int cb_assign_sgemm(const float *x, int64_t n, int64_t d, const float *c, int64_t k, int cosine, void *cblas_sgemm,
                    int32_t *labels, float *values, int threads) {
    if (n < 0 || d < 0 || k < 1 || !x || !c || !labels || !values || !cblas_sgemm) return CB_EINVAL;
    if (n > INT32_MAX || d > INT32_MAX || k > INT32_MAX / 2) return CB_EINVAL;  /* CBLAS takes int dimensions */
    if (n == 0) return CB_OK;
    cb_sgemm_fn sgemm = (cb_sgemm_fn)cblas_sgemm;
    const int avx512 = cb_isa_get()->avx512;
    const int64_t ld = (k + ARGMIN_LANES - 1) / ARGMIN_LANES * ARGMIN_LANES;
    float *bias = cb_alloc((size_t)ld * sizeof(float));
    if (!bias) return CB_ENOMEM;
    for (int64_t j = 0; j < ld; j++) bias[j] = j >= k ? INFINITY : cosine ? 0.0f : cb_sqnorm(c + j * d, d);
    const float alpha = cosine ? -1.0f : -2.0f;
    const int64_t rows = sgemm_rows(k), blocks = (n + rows - 1) / rows;
    int failed = 0;
    int t = cb_threads_for(threads, (double)n * k * d);
    if (t > blocks) t = (int)blocks;

#pragma omp parallel num_threads(t)
    {
        float *dots = cb_alloc((size_t)(rows * ld) * sizeof(float));
        if (!dots) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        else memset(dots, 0, (size_t)(rows * ld) * sizeof(float));  /* pad columns stay 0 */
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < blocks; b++) {
            if (!dots) continue;
            int64_t i0 = b * rows;
            int m = (int)(n - i0 < rows ? n - i0 : rows);
            int lda = d > 0 ? (int)d : 1;  /* CBLAS rejects a leading dimension of 0 */
            sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_TRANS, m, (int)k, (int)d, 1.0f, x + i0 * d, lda, c, lda, 0.0f,
                  dots, (int)ld);
            if (avx512) argmin_rows_v4(dots, ld, m, bias, alpha, labels + i0, values + i0);
            else argmin_rows(dots, ld, m, bias, alpha, labels + i0, values + i0);
            for (int r = 0; r < m; r++) {
                float b = values[i0 + r];
                if (cosine) {
                    values[i0 + r] = -b;
                } else {
                    float dist = b + cb_sqnorm(x + (i0 + r) * d, d);
                    values[i0 + r] = dist > 0.0f ? dist : 0.0f;  /* the expansion can dip below 0 */
                }
            }
        }
        cb_free(dots);
    }
    cb_free(bias);
    return failed ? CB_ENOMEM : CB_OK;
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
