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

/* Turns log-probabilities into responsibilities; returns the row's log-sum-exp. */
static double normalise_row(double *logp, int64_t k, float *resp) {
    double max = -INFINITY;
    for (int64_t c = 0; c < k; c++) max = logp[c] > max ? logp[c] : max;
    /* One exp per entry, in float (exp dominated the E-step; float keeps 1e-7 relative, far inside the
     * responsibilities' tolerance, and the sum stays double); then scale by 1/sum. */
    double sum = 0;
    for (int64_t c = 0; c < k; c++) sum += logp[c] = expf((float)(logp[c] - max));
    double scale = 1.0 / sum;
    for (int64_t c = 0; c < k; c++) resp[c] = (float)(logp[c] * scale);
    return max + log(sum);
}

int cb_gmm_estep_diag(const float *points, int64_t n, int64_t d, const float *means, const float *precisions,
                      const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood,
                      int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !means || !precisions || !log_norm || !responsibilities ||
        !log_likelihood)
        return CB_EINVAL;
    /*
     * Expanded quadratic form, so the work runs on the same register tiles as assign:
     * sum_j p (x - m)^2 = [x^2, x] . [p, -2 p m] + sum_j p m^2, one dot product of length 2d per point and component.
     */
    const cb_isa *isa = cb_isa_get();
    const int mr = isa->mr, nr = isa->nr;
    const int64_t d2 = 2 * d, panels = (k + nr - 1) / nr;
    float *augmented = cb_alloc((size_t)(k * d2) * sizeof(float));
    float *packed = cb_alloc((size_t)(panels * nr * d2) * sizeof(float));
    double *constant = cb_alloc((size_t)k * sizeof(double));
    if (!augmented || !packed || !constant) {
        cb_free(augmented);
        cb_free(packed);
        cb_free(constant);
        return CB_ENOMEM;
    }
    for (int64_t c = 0; c < k; c++) {
        double sum = 0;
        for (int64_t j = 0; j < d; j++) {
            double p = precisions[c * d + j], m = means[c * d + j];
            sum += p * m * m;
            augmented[c * d2 + j] = (float)p;
            augmented[c * d2 + d + j] = (float)(-2.0 * p * m);
        }
        constant[c] = sum;
    }
    cb_pack_panels(augmented, k, d2, nr, packed);
    const int64_t tiles = (n + mr - 1) / mr;
    int t = cb_threads_for(threads, (double)n * k * d * 3);
    double total = 0;
    int failed = 0;
#pragma omp parallel num_threads(t) reduction(+ : total)
    {
        float *xa = cb_alloc((size_t)(mr * d2) * sizeof(float));
        float *tile = cb_alloc((size_t)mr * nr * sizeof(float));
        double *logp = cb_alloc((size_t)(mr * k) * sizeof(double));
        int ok = xa && tile && logp;
        if (!ok) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
#pragma omp for schedule(static)
        for (int64_t ti = 0; ti < tiles; ti++) {
            if (!ok) continue;
            int64_t i0 = ti * mr;
            int rows = (int)(n - i0 < mr ? n - i0 : mr);
            memset(xa, 0, (size_t)(mr * d2) * sizeof(float));
            for (int r = 0; r < rows; r++) {
                const float *x = points + (i0 + r) * d;
                for (int64_t j = 0; j < d; j++) {
                    xa[r * d2 + j] = x[j] * x[j];
                    xa[r * d2 + d + j] = x[j];
                }
            }
            for (int64_t pnl = 0; pnl < panels; pnl++) {
                isa->tile(xa, d2, packed + pnl * d2 * nr, d2, tile);
                int64_t c0 = pnl * nr;
                int cols = (int)(k - c0 < nr ? k - c0 : nr);
                for (int r = 0; r < rows; r++) {
                    for (int l = 0; l < cols; l++) {
                        double quad = (double)tile[r * nr + l] + constant[c0 + l];
                        logp[r * k + c0 + l] = log_norm[c0 + l] - 0.5 * (quad > 0 ? quad : 0);
                    }
                }
            }
            for (int r = 0; r < rows; r++) total += normalise_row(logp + r * k, k, responsibilities + (i0 + r) * k);
        }
        cb_free(xa);
        cb_free(tile);
        cb_free(logp);
    }
    cb_free(augmented);
    cb_free(packed);
    cb_free(constant);
    *log_likelihood = total;
    return failed ? CB_ENOMEM : CB_OK;
}

/* y += a * row, in double; the inner loop of (x - mu) P. */
CB_CLONES static void axpy_d(double *restrict y, double a, const float *restrict row, int64_t d) {
    for (int64_t j = 0; j < d; j++) y[j] += a * row[j];
}

#define FULL_BLOCK 16

int cb_gmm_estep_full(const float *points, int64_t n, int64_t d, const float *means, const float *precision_cholesky,
                      const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood,
                      int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !means || !precision_cholesky || !log_norm || !responsibilities ||
        !log_likelihood)
        return CB_EINVAL;
    int t = cb_threads_for(threads, (double)n * k * d * d);
    int64_t blocks = (n + FULL_BLOCK - 1) / FULL_BLOCK;
    double total = 0;
    int failed = 0;
#pragma omp parallel num_threads(t) reduction(+ : total)
    {
        /* A block of rows shares each factor P_c while it is in cache. */
        double *logp = cb_alloc((size_t)FULL_BLOCK * k * sizeof(double));
        double *z = cb_alloc((size_t)FULL_BLOCK * d * sizeof(double));
        double *y = cb_alloc((size_t)FULL_BLOCK * d * sizeof(double));
        int ok = logp && z && y;
        if (!ok) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < blocks; b++) {
            if (!ok) continue;
            int64_t i0 = b * FULL_BLOCK;
            int rows = (int)(n - i0 < FULL_BLOCK ? n - i0 : FULL_BLOCK);
            for (int64_t c = 0; c < k; c++) {
                const float *mu = means + c * d;
                const float *P = precision_cholesky + c * d * d;
                for (int r = 0; r < rows; r++) {
                    const float *x = points + (i0 + r) * d;
                    for (int64_t j = 0; j < d; j++) z[r * d + j] = (float)(x[j] - mu[j]);
                }
                memset(y, 0, (size_t)(rows * d) * sizeof(double));
                for (int64_t row = 0; row < d; row++)
                    for (int r = 0; r < rows; r++) axpy_d(y + r * d, z[r * d + row], P + row * d, d);
                for (int r = 0; r < rows; r++) {
                    double quad = 0;
                    for (int64_t j = 0; j < d; j++) quad += y[r * d + j] * y[r * d + j];
                    logp[r * k + c] = log_norm[c] - 0.5 * quad;
                }
            }
            for (int r = 0; r < rows; r++) total += normalise_row(logp + r * k, k, responsibilities + (i0 + r) * k);
        }
        cb_free(logp);
        cb_free(z);
        cb_free(y);
    }
    *log_likelihood = total;
    return failed ? CB_ENOMEM : CB_OK;
}

/* acc[j] += r x[j] (and r x[j]^2 for the diagonal) over a column range. */
CB_CLONES static void moment_row(double *restrict sx, double *restrict sxx, double r, const float *restrict x,
                                 int64_t j0, int64_t j1) {
    for (int64_t j = j0; j < j1; j++) {
        double rx = r * x[j];
        sx[j] += rx;
        if (sxx) sxx[j] += rx * x[j];
    }
}

#define MOMENT_ROWS 256

int cb_gmm_moments(const float *points, int64_t n, int64_t d, const float *responsibilities, int64_t k, int full,
                   double *nk, double *sum_x, double *sum_xx, int threads) {
    if (n < 0 || d < 0 || k < 1 || !points || !responsibilities || !nk || !sum_x || !sum_xx) return CB_EINVAL;
    int t = cb_threads_for(threads, (double)n * k * (full ? d * d / 2 + d : 2 * d));
    memset(nk, 0, (size_t)k * sizeof(double));
    memset(sum_x, 0, (size_t)(k * d) * sizeof(double));
    memset(sum_xx, 0, (size_t)(full ? k * d * d : k * d) * sizeof(double));
    /* Tasks are (component, column range) pairs, so no two threads write the same sum and none needs a copy. */
    int64_t chunks = k >= t ? 1 : t;
    int64_t tasks = k * chunks;
#pragma omp parallel num_threads(t)
    {
        int id = THREAD_ID(), count = THREAD_COUNT();
        int64_t lo = tasks * id / count, hi = tasks * (id + 1) / count;
        for (int64_t i0 = 0; i0 < n; i0 += MOMENT_ROWS) {
            int64_t i1 = i0 + MOMENT_ROWS < n ? i0 + MOMENT_ROWS : n;
            for (int64_t task = lo; task < hi; task++) {
                int64_t c = task / chunks, chunk = task % chunks;
                int64_t j0 = d * chunk / chunks, j1 = d * (chunk + 1) / chunks;
                double *sx = sum_x + c * d;
                for (int64_t i = i0; i < i1; i++) {
                    double r = responsibilities[i * k + c];
                    const float *x = points + i * d;
                    if (chunk == 0) nk[c] += r;
                    moment_row(sx, full ? NULL : sum_xx + c * d, r, x, j0, j1);
                    if (full) {
                        /* (r x_j) x_j2 is exact up to one rounding either way round, so the upper half suffices. */
                        double *block = sum_xx + c * d * d;
                        for (int64_t j = j0; j < j1; j++) {
                            double rx = r * x[j];
                            axpy_d(block + j * d + j, rx, x + j, d - j);
                        }
                    }
                }
            }
        }
    }
    if (full) {
        for (int64_t c = 0; c < k; c++) {
            double *block = sum_xx + c * d * d;
            for (int64_t j = 0; j < d; j++)
                for (int64_t j2 = 0; j2 < j; j2++) block[j * d + j2] = block[j2 * d + j];
        }
    }
    return CB_OK;
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
