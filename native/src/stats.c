/* k-means accumulation, GMM E-step and moments, and the instruction mask's gradient statistic. */
#include <math.h>
#include <string.h>
#include "internal.h"

#ifdef _OPENMP
#include <omp.h>
#define THREAD_ID() omp_get_thread_num()
#define THREAD_COUNT() omp_get_num_threads()
#else
#define THREAD_ID() 0
#define THREAD_COUNT() 1
#endif

CB_CLONES static void add_row(double *restrict acc, const float *restrict x, int64_t d) {
    for (int64_t j = 0; j < d; j++) acc[j] += x[j];
}

int cb_accumulate(const float *points, int64_t n, int64_t d, const int32_t *labels, int64_t k, double *sums,
                  int64_t *counts, int threads) {
    if (n < 0 || d < 0 || k < 0 || !points || !labels || !sums || !counts) return CB_EINVAL;
    int t = cb_threads_for(threads, (double)n * d * 4);
    /* Each thread sums into its own copy (k*d doubles), then the copies are added in thread order. */
    double *part = t > 1 ? cb_alloc((size_t)(t - 1) * k * d * sizeof(double)) : NULL;
    int64_t *cpart = t > 1 ? cb_alloc((size_t)(t - 1) * k * sizeof(int64_t)) : NULL;
    if (t > 1 && (!part || !cpart)) {
        cb_free(part);
        cb_free(cpart);
        t = 1;
    }
    memset(sums, 0, (size_t)(k * d) * sizeof(double));
    memset(counts, 0, (size_t)k * sizeof(int64_t));
    if (t > 1) {
        memset(part, 0, (size_t)(t - 1) * k * d * sizeof(double));
        memset(cpart, 0, (size_t)(t - 1) * k * sizeof(int64_t));
    }
#pragma omp parallel num_threads(t)
    {
        int id = THREAD_ID(), count = THREAD_COUNT();
        double *s = id == 0 ? sums : part + (size_t)(id - 1) * k * d;
        int64_t *cn = id == 0 ? counts : cpart + (size_t)(id - 1) * k;
        int64_t lo = n * id / count, hi = n * (id + 1) / count;
        for (int64_t i = lo; i < hi; i++) {
            int32_t c = labels[i];
            if (c < 0 || c >= k) continue;
            cn[c]++;
            add_row(s + c * d, points + i * d, d);
        }
    }
    for (int id = 1; id < t; id++) {
        for (int64_t a = 0; a < k * d; a++) sums[a] += part[(size_t)(id - 1) * k * d + a];
        for (int64_t c = 0; c < k; c++) counts[c] += cpart[(size_t)(id - 1) * k + c];
    }
    cb_free(part);
    cb_free(cpart);
    return CB_OK;
}

/*
 * exp on 16 floats at once, Cephes' expf polynomial (about 1 ulp) after splitting x = n ln2 + r; inputs below -87
 * (results near FLT_MIN) give exactly 0, never a denormal. glibc's expf is one call per value, and it
 * dominated the E-step.
 */
__attribute__((always_inline)) static inline vf16 exp16(vf16 x) {
    const vf16 lo = (vf16){0} - 87.0f;
    vi16 small = x < lo;
    x = VSEL(small, lo, x);
    vf16 n = x * 1.44269504088896341f + 0.5f;
    vi16 ni = __builtin_convertvector(n, vi16);
    ni -= (vi16)(n < __builtin_convertvector(ni, vf16)) & 1;  /* floor, so n ln2 <= x + ln2/2 */
    vf16 nf = __builtin_convertvector(ni, vf16);
    vf16 r = x - nf * 0.693359375f - nf * -2.12194440e-4f;
    vf16 p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    return (vf16)((vi16)(p * (vf16)((ni + 127) << 23)) & ~small);
}

typedef double vd8 __attribute__((vector_size(64)));
typedef int64_t vl8 __attribute__((vector_size(64)));

/*
 * Turns a row of log-probabilities into responsibilities; returns the row's sum of exp(logp - max) and sets *max.
 * The differences to the maximum are exponentiated in float (relative error ~1e-7, far inside the responsibilities'
 * use); partial sums are float over at most k/16 terms each, then added in double. Written on 8- and 16-lane
 * vectors because the scalar max and sum loops are serial dependency chains that no compiler may reorder.
 * scratch holds k rounded up to 16 floats.
 */
CB_CLONES static double normalise_row(const double *restrict logp, int64_t k, float *restrict resp,
                                      float *restrict scratch, double *restrict max_out) {
    const int64_t padded = cb_lanes16(k);
    vd8 vmax = (vd8){0} - INFINITY;
    int64_t c = 0;
    for (; c + 8 <= k; c += 8) {
        vd8 v;
        memcpy(&v, logp + c, sizeof v);
        vl8 gt = v > vmax;
        vmax = (vd8)(((vl8)v & gt) | ((vl8)vmax & ~gt));
    }
    double max = -INFINITY;
    for (int l = 0; l < 8; l++) max = vmax[l] > max ? vmax[l] : max;
    for (; c < k; c++) max = logp[c] > max ? logp[c] : max;
    for (c = 0; c < k; c++) scratch[c] = (float)(logp[c] - max);
    for (c = k; c < padded; c++) scratch[c] = -100.0f;
    vf16 vsum = (vf16){0};
    for (c = 0; c < padded; c += 16) {
        vf16 e = exp16(*(const vf16 *)(scratch + c));
        *(vf16 *)(scratch + c) = e;
        vsum += e;
    }
    double sum = 0;
    for (int l = 0; l < 16; l++) sum += vsum[l];
    float scale = (float)(1.0 / sum);
    for (c = 0; c < k; c++) resp[c] = scratch[c] * scale;
    *max_out = max;
    return sum;
}

/*
 * Adds rows' log-sum-exps, max + log(sum), to *total with one log per group: the sums lie in [1, k], so a product
 * of a few of them stays far inside double range.
 */
typedef struct {
    double max_total, product;
    int pending;
} lse_acc;

static inline void lse_add(lse_acc *acc, double max, double sum) {
    acc->max_total += max;
    acc->product = acc->pending ? acc->product * sum : sum;
    if (++acc->pending == 8 || acc->product > 1e200) {
        acc->max_total += log(acc->product);
        acc->pending = 0;
    }
}

static inline double lse_total(lse_acc *acc) {
    if (acc->pending) acc->max_total += log(acc->product);
    acc->pending = 0;
    return acc->max_total;
}

/*
 * quad[c] = sum_j p[j][c] (x_j - m[j][c])^2 for one row, over components in lanes (means and precisions transposed to
 * d x kp, kp = k rounded up to 16, pad lanes 0). The direct form, not the expanded x^2 p - 2 x m p + m^2 p: with
 * reg-covar 1e-6 a precision reaches 1e6 and the expansion would cancel in float32.
 */
CB_CLONES static void diag_quad_row(const float *restrict x, int64_t d, const float *restrict mt,
                                    const float *restrict pt, int64_t kp, float *restrict quad) {
    for (int64_t c = 0; c < kp; c++) quad[c] = 0.0f;
    for (int64_t j = 0; j < d; j++) {
        const float xj = x[j];
        const float *mj = mt + j * kp, *pj = pt + j * kp;
#pragma omp simd
        for (int64_t c = 0; c < kp; c++) {
            float diff = xj - mj[c];
            quad[c] += pj[c] * diff * diff;
        }
    }
}

int cb_gmm_estep_diag(const float *points, int64_t n, int64_t d, const float *means, const float *precisions,
                      const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood,
                      int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !means || !precisions || !log_norm || !responsibilities ||
        !log_likelihood)
        return CB_EINVAL;
    const int64_t kp = cb_lanes16(k);
    float *mt = cb_alloc((size_t)((d > 0 ? d : 1) * kp) * sizeof(float));
    float *pt = cb_alloc((size_t)((d > 0 ? d : 1) * kp) * sizeof(float));
    if (!mt || !pt) {
        cb_free(mt);
        cb_free(pt);
        return CB_ENOMEM;
    }
    for (int64_t j = 0; j < d; j++)
        for (int64_t c = 0; c < kp; c++) {
            mt[j * kp + c] = c < k ? means[c * d + j] : 0.0f;
            pt[j * kp + c] = c < k ? precisions[c * d + j] : 0.0f;
        }
    const int64_t rows_per_task = 64, tasks = (n + rows_per_task - 1) / rows_per_task;
    int t = cb_threads_for(threads, (double)n * k * d * 3);
    double total = 0;
    int failed = 0;
#pragma omp parallel num_threads(t) reduction(+ : total)
    {
        unsigned fp_mode = cb_denormals_flush();
        float *quad = cb_alloc((size_t)kp * sizeof(float));
        double *logp = cb_alloc((size_t)k * sizeof(double));
        float *scratch = cb_alloc((size_t)cb_lanes16(k) * sizeof(float));
        int ok = quad && logp && scratch;
        if (!ok) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
#pragma omp for schedule(dynamic, 8)
        for (int64_t task = 0; task < tasks; task++) {
            if (!ok) continue;
            int64_t i1 = (task + 1) * rows_per_task < n ? (task + 1) * rows_per_task : n;
            lse_acc lse = {0, 1, 0};
            for (int64_t i = task * rows_per_task; i < i1; i++) {
                diag_quad_row(points + i * d, d, mt, pt, kp, quad);
                for (int64_t c = 0; c < k; c++) logp[c] = log_norm[c] - 0.5 * quad[c];
                double max, sum = normalise_row(logp, k, responsibilities + i * k, scratch, &max);
                lse_add(&lse, max, sum);
            }
            total += lse_total(&lse);
        }
        cb_free(quad);
        cb_free(logp);
        cb_free(scratch);
        cb_denormals_restore(fp_mode);
    }
    cb_free(mt);
    cb_free(pt);
    *log_likelihood = total;
    return failed ? CB_ENOMEM : CB_OK;
}

/* rows of x minus mu into an mr x d tile; rows past `rows` are 0 */
CB_CLONES static void shift_rows(const float *restrict x, int64_t d, int rows, int mr, const float *restrict mu,
                                 float *restrict out) {
    for (int r = 0; r < rows; r++)
        for (int64_t j = 0; j < d; j++) out[r * d + j] = x[r * d + j] - mu[j];
    for (int r = rows; r < mr; r++)
        for (int64_t j = 0; j < d; j++) out[r * d + j] = 0.0f;
}

/* quad[r] += sum over lanes of tile[r][l]^2, per row in float (one panel's share), added in double */
CB_CLONES static void sum_squares_rows(const float *restrict tile, int mr, int nr, double *restrict quad) {
    for (int r = 0; r < mr; r++) {
        float s = 0;
#pragma omp simd reduction(+ : s)
        for (int l = 0; l < nr; l++) s += tile[r * nr + l] * tile[r * nr + l];
        quad[r] += s;
    }
}

/*
 * Full E-step on the assign register tiles: for each component, a tile of rows shifted by its mean, (x - mu_c), times
 * P_c packed as panels (lanes are columns of P_c, zero past d), and quad_c = sum of the squared lanes. Subtracting
 * the mean first keeps float32 exact where the factor is large (a nearly singular covariance); expanding
 * x P - mu P would cancel there.
 */
int cb_gmm_estep_full(const float *points, int64_t n, int64_t d, const float *means, const float *precision_cholesky,
                      const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood,
                      int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !means || !precision_cholesky || !log_norm || !responsibilities ||
        !log_likelihood)
        return CB_EINVAL;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    const int64_t per = (d + nr - 1) / nr, dd = d > 0 ? d : 1;  /* panels per component */
    float *packed = cb_alloc((size_t)(k * per * nr * dd) * sizeof(float));
    if (!packed) return CB_ENOMEM;
    for (int64_t c = 0; c < k; c++) {
        for (int64_t p = 0; p < per; p++) {
            float *panel = packed + (c * per + p) * dd * nr;
            for (int64_t a = 0; a < d; a++)
                for (int l = 0; l < nr; l++) {
                    int64_t j = p * nr + l;
                    panel[a * nr + l] = j < d ? precision_cholesky[(c * d + a) * d + j] : 0.0f;
                }
        }
    }
    const int64_t tiles = (n + mr - 1) / mr;
    int t = cb_threads_for(threads, (double)n * k * d * d);
    double total = 0;
    int failed = 0;
#pragma omp parallel num_threads(t) reduction(+ : total)
    {
        unsigned fp_mode = cb_denormals_flush();
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        float *shifted = cb_alloc((size_t)(mr * dd) * sizeof(float));
        double *logp = cb_alloc((size_t)(mr * k) * sizeof(double));
        float *scratch = cb_alloc((size_t)cb_lanes16(k) * sizeof(float));
        int ok = tile && shifted && logp && scratch;
        if (!ok) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
#pragma omp for schedule(dynamic, 16)
        for (int64_t ti = 0; ti < tiles; ti++) {
            if (!ok) continue;
            int64_t i0 = ti * mr;
            int rows = (int)(n - i0 < mr ? n - i0 : mr);
            for (int64_t c = 0; c < k; c++) {
                shift_rows(points + i0 * d, d, rows, mr, means + c * d, shifted);
                double quad[64];
                for (int r = 0; r < mr; r++) quad[r] = 0;
                for (int64_t p = 0; p < per; p++) {
                    /* P_c is upper triangular: columns below (p + 1) nr take rows a < (p + 1) nr only. */
                    int64_t len = (p + 1) * nr < d ? (p + 1) * nr : d;
                    isa->tile(shifted, d, packed + (c * per + p) * dd * nr, len, tile);
                    sum_squares_rows(tile, mr, nr, quad);
                }
                for (int r = 0; r < rows; r++) logp[r * k + c] = log_norm[c] - 0.5 * quad[r];
            }
            lse_acc lse = {0, 1, 0};
            for (int r = 0; r < rows; r++) {
                double max, sum = normalise_row(logp + r * k, k, responsibilities + (i0 + r) * k, scratch, &max);
                lse_add(&lse, max, sum);
            }
            total += lse_total(&lse);
        }
        cb_free(scratch);
        cb_free(tile);
        cb_free(shifted);
        cb_free(logp);
        cb_denormals_restore(fp_mode);
    }
    cb_free(packed);
    *log_likelihood = total;
    return failed ? CB_ENOMEM : CB_OK;
}

/*
 * The moments' right-hand factor for a block, one panel: rows x nr, lane l is column g = g0 + l of
 *   diag: R (g < k),   full: R (x) X then R (r_c x_a at g = c*d + a, then r_c at g = k*d + c);
 * lanes past the last column are 0. In float64, where a product of two floats is exact.
 */
CB_CLONES static void build_panel(const float *restrict x, int64_t d, const float *restrict resp, int64_t k, int full,
                                  int64_t g0, int nr, int rows, double *restrict panel) {
    const int64_t cols = full ? k * d + k : k, g1 = g0 + nr - 1, rstart = full ? k * d : 0;
    if (g1 < cols && g0 >= rstart) {  /* responsibilities only */
        for (int i = 0; i < rows; i++)
            for (int l = 0; l < nr; l++) panel[i * nr + l] = resp[i * k + g0 - rstart + l];
        return;
    }
    if (full && d > 0 && g1 < k * d && g0 / d == g1 / d) {  /* one component: r_c times a slice of x */
        const int64_t c = g0 / d, a0 = g0 % d;
        for (int i = 0; i < rows; i++) {
            const double w = resp[i * k + c];
            for (int l = 0; l < nr; l++) panel[i * nr + l] = w * x[i * d + a0 + l];
        }
        return;
    }
    for (int i = 0; i < rows; i++) {
        for (int l = 0; l < nr; l++) {
            int64_t g = g0 + l;
            double v = 0.0;
            if (g < cols) v = g >= rstart ? resp[i * k + g - rstart] : (double)resp[i * k + g / d] * x[i * d + g % d];
            panel[i * nr + l] = v;
        }
    }
}

/*
 * The left factor for a block, transposed so each of its rows runs along the block (the tiles' reduction axis):
 *   diag: x^2 (d rows), x (d rows), 1;   full: x (d rows), 1;   then zero rows up to a multiple of mr.
 */
CB_CLONES static void build_left(const float *restrict x, int64_t d, int full, int64_t left_rows, int rows,
                                 double *restrict lhs) {
    const int64_t ones = full ? d : 2 * d;
    /* Column by column: the reads stride through the block (in L1), the writes stream. */
    for (int64_t a = 0; a < d; a++) {
        double *to = lhs + a * rows, *plain = lhs + (d + a) * rows;
        for (int i = 0; i < rows; i++) {
            double v = x[i * d + a];
            if (full) {
                to[i] = v;
            } else {
                to[i] = v * v;
                plain[i] = v;
            }
        }
    }
    for (int i = 0; i < rows; i++) lhs[ones * rows + i] = 1.0;
    memset(lhs + (ones + 1) * rows, 0, (size_t)((left_rows - ones - 1) * rows) * sizeof(double));
}

/* Rows per moments block: a left tile and a panel of float64 stay in L1/L2 together. */
#define MOMENT_BLOCK 256

/*
 * M-step moments as one float64 product per block of rows, on the float64 register tiles (a row of ones in the
 * left factor gives the plain sums):
 *   diag: [x^2, x, 1]^T R         -> sum_xx[c][j] at (j, c), sum_x[c][j] at (d + j, c), nk[c] at (2d, c)
 *   full: [x, 1]^T [R (x) X, R]   -> sum_xx[c][a][b] at (b, c*d + a), sum_x[c][a] at (d, c*d + a), nk[c] at (d, kd + c)
 * Float64 because the M-step subtracts mu mu^T from these: a float32 sum loses nearly singular covariances (digits,
 * reg-covar 1e-6) to rounding. Threads own (panel, left tile) pairs, so every sum has one writer and the result does
 * not depend on the thread count; sum_xx blocks come out exactly symmetric.
 */
int cb_gmm_moments(const float *points, int64_t n, int64_t d, const float *responsibilities, int64_t k, int full,
                   double *nk, double *sum_x, double *sum_xx, int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !responsibilities || !nk || !sum_x || !sum_xx) return CB_EINVAL;
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr_d, nr = isa->nr_d;
    const int64_t left = full ? d + 1 : 2 * d + 1, cols = full ? k * d + k : k;
    const int64_t ltiles = (left + mr - 1) / mr, panels = (cols + nr - 1) / nr, ld = panels * nr;
    const int64_t blocks = (n + MOMENT_BLOCK - 1) / MOMENT_BLOCK;
    /*
     * Tasks are (panel, left tile) pairs, panel-major. Full moments are symmetric: a panel whose columns are
     * (c, a) for a <= amax needs only left rows b <= amax, plus the tile holding the row of ones (row d); the
     * responsibility columns need only that tile. The other half is read back mirrored below.
     */
    int64_t *active = cb_alloc((size_t)(ltiles * panels) * sizeof(int64_t));
    double *acc = cb_alloc((size_t)(ltiles * mr * ld) * sizeof(double));
    if (!acc || !active) {
        cb_free(acc);
        cb_free(active);
        return CB_ENOMEM;
    }
    int64_t tasks = 0;
    for (int64_t p = 0; p < panels; p++) {
        int64_t g0 = p * nr, g1 = g0 + nr - 1 < cols - 1 ? g0 + nr - 1 : cols - 1;
        int64_t amax = !full ? left : g0 >= k * d ? -1 : g1 < k * d && g0 / d == g1 / d ? g1 % d : d - 1;
        for (int64_t lt = 0; lt < ltiles; lt++)
            if (lt * mr <= amax || (full && lt == d / mr)) active[tasks++] = p * ltiles + lt;
    }
    memset(acc, 0, (size_t)(ltiles * mr * ld) * sizeof(double));
    int t = cb_threads_for(threads, (double)n * k * (full ? d * d : 2 * d));
    if (t > tasks) t = (int)tasks;
    int failed = 0;
#pragma omp parallel num_threads(t)
    {
        unsigned fp_mode = cb_denormals_flush();
        int id = THREAD_ID(), count = THREAD_COUNT();
        int64_t from = tasks * id / count, to = tasks * (id + 1) / count;
        double *lhs = cb_alloc((size_t)(ltiles * mr * MOMENT_BLOCK) * sizeof(double));
        double *panel = cb_alloc((size_t)(MOMENT_BLOCK * nr) * sizeof(double));
        double *tile = cb_alloc((size_t)mr * nr * sizeof(double));
        int ok = lhs && panel && tile;
        if (!ok) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        for (int64_t b = 0; ok && b < blocks; b++) {
            const int64_t i0 = b * MOMENT_BLOCK;
            const int rows = (int)(n - i0 < MOMENT_BLOCK ? n - i0 : MOMENT_BLOCK);
            const float *x = points + i0 * d, *resp = responsibilities + i0 * k;
            build_left(x, d, full, ltiles * mr, rows, lhs);
            int64_t built = -1;
            for (int64_t at = from; at < to; at++) {
                int64_t p = active[at] / ltiles, lt = active[at] % ltiles;
                if (p != built) {
                    build_panel(x, d, resp, k, full, p * nr, nr, rows, panel);
                    built = p;
                }
                isa->tile_d(lhs + lt * mr * rows, rows, panel, rows, tile);
                double *dst = acc + lt * mr * ld + p * nr;
                for (int r = 0; r < mr; r++)
                    for (int l = 0; l < nr; l++) dst[r * ld + l] += tile[r * nr + l];
            }
        }
        cb_free(lhs);
        cb_free(panel);
        cb_free(tile);
        cb_denormals_restore(fp_mode);
    }
    cb_free(active);
    if (full) {
        for (int64_t c = 0; c < k; c++) {
            for (int64_t a = 0; a < d; a++) {
                for (int64_t b2 = 0; b2 < d; b2++)  /* the computed half: row <= column */
                    sum_xx[(c * d + a) * d + b2] = b2 <= a ? acc[b2 * ld + c * d + a] : acc[a * ld + c * d + b2];
                sum_x[c * d + a] = acc[d * ld + c * d + a];
            }
            nk[c] = acc[d * ld + k * d + c];
        }
    } else {
        for (int64_t c = 0; c < k; c++) {
            for (int64_t j = 0; j < d; j++) {
                sum_xx[c * d + j] = acc[j * ld + c];
                sum_x[c * d + j] = acc[(d + j) * ld + c];
            }
            nk[c] = acc[2 * d * ld + c];
        }
    }
    cb_free(acc);
    return failed ? CB_ENOMEM : CB_OK;
}

int cb_mean_abs_gradient(const float *points, int64_t n, int64_t d, const float *instruction, int cosine,
                         double *mean_abs_gradient, int threads) {
    if (n < 0 || d < 0 || !points || !instruction || !mean_abs_gradient) return CB_EINVAL;
    double t_norm = 0;
    for (int64_t j = 0; j < d; j++) t_norm += (double)instruction[j] * instruction[j];
    t_norm = sqrt(t_norm);
    if (!cosine || n == 0) {
        /* d(x.t)/dx = t for every row. */
        for (int64_t j = 0; j < d; j++) mean_abs_gradient[j] = n == 0 ? 0 : fabs((double)instruction[j]);
        return CB_OK;
    }
    int t = cb_threads_for(threads, (double)n * d * 4);
    double *part = cb_alloc((size_t)t * d * sizeof(double));
    if (!part) return CB_ENOMEM;
    memset(part, 0, (size_t)t * d * sizeof(double));
#pragma omp parallel num_threads(t)
    {
        int id = THREAD_ID(), count = THREAD_COUNT();
        double *acc = part + (size_t)id * d;
        for (int64_t i = n * id / count; i < n * (id + 1) / count; i++) {
            const float *x = points + i * d;
            double dot = 0, x_norm = 0;
            for (int64_t j = 0; j < d; j++) {
                dot += (double)x[j] * instruction[j];
                x_norm += (double)x[j] * x[j];
            }
            x_norm = sqrt(x_norm);
            if (x_norm == 0 || t_norm == 0) continue;
            /* dcos/dx = t/(|x||t|) - (x.t) x/(|x|^3 |t|) */
            double a = 1.0 / (x_norm * t_norm), b = dot / (x_norm * x_norm * x_norm * t_norm);
            for (int64_t j = 0; j < d; j++) acc[j] += fabs(a * instruction[j] - b * x[j]);
        }
    }
    for (int64_t j = 0; j < d; j++) {
        double s = 0;
        for (int id = 0; id < t; id++) s += part[(size_t)id * d + j];
        mean_abs_gradient[j] = s / n;
    }
    cb_free(part);
    return CB_OK;
}
