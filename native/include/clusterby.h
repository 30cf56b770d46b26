/*
 * clusterby native kernels: the C side of dev.clusterby.internal.compute.nativ.NativeBackend.
 *
 * Matrices are float32 row-major; labels and indices int32; moments float64. Every kernel returns
 * CB_OK or a negative CB_E* code and fully overwrites its outputs. `threads` <= 0 means the default:
 * the CLUSTERBY_THREADS environment variable, else the online processor count. The Java backend always passes
 * its thread count (clusterby's Settings.threads), so from Java the variable matters only through Settings,
 * which reads the same CLUSTERBY_THREADS when nothing else sets the threads.
 *
 * Environment variables for tests and tuning only (not user settings; they may change without notice):
 *   CLUSTERBY_ISA         lowers the CPU path: "x86-64-v3" (AVX2) or "x86-64" (baseline), so tests cover
 *                         every path on one machine; read once, at the first kernel call.
 *   CLUSTERBY_PANEL_KIB   the assign kernels' centroid panel budget in KiB (cache blocking experiments).
 *   CLUSTERBY_SGEMM_ROWS  the row block of cb_assign_sgemm (tuning experiments).
 *
 * The Java bindings (clusterby_h.java) are generated from this file by gen-bindings.py: keep one
 * declaration per line, with only the types that script knows.
 */
#ifndef CLUSTERBY_H
#define CLUSTERBY_H

#include <stdint.h>

#if defined(__GNUC__)
#define CB_API __attribute__((visibility("default")))
#else
#define CB_API
#endif

#define CB_OK 0
#define CB_EINVAL -1
#define CB_ENOMEM -2

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, "major.minor.patch". */
CB_API const char *cb_version(void);
/* The instruction-set path the kernels run: "AVX-512 (x86-64-v4)", "AVX2 (x86-64-v3)" or "baseline x86-64". */
CB_API const char *cb_cpu_path(void);
/* The thread count used when a kernel is passed threads <= 0. */
CB_API int cb_default_threads(void);

/* Nearest centroid by squared L2 (ties to the lower index); distances clamped at 0. */
CB_API int cb_assign_l2(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, int32_t *labels, float *min_distances, int threads);
/* Highest dot product for L2-normalised rows (ties to the lower index). */
CB_API int cb_assign_cosine(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, int32_t *labels, float *max_similarity, int threads);
/* Squared L2 distances of every point to every centroid, out n x k (row-major), clamped at 0. */
CB_API int cb_distances_l2(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, float *out, int threads);
/*
 * cb_assign_l2 (cosine == 0) or cb_assign_cosine (cosine != 0) through a caller-supplied cblas_sgemm: X.C^T in
 * row blocks that stay in L2, each fused with the argmin. Each thread calls the sgemm on its own block, so a
 * threaded BLAS should be set to one thread. Same contract and outputs as the C-tile kernels, which measured faster
 * on every shape tried (benchmarks/RESULTS-perf.md); kept for other machines and BLAS builds.
 */
CB_API int cb_assign_sgemm(const float *points, int64_t n, int64_t d, const float *centroids, int64_t k, int cosine, void *cblas_sgemm, int32_t *labels, float *values, int threads);
/* Per-cluster float64 sums (k x d) and int64 counts; labels outside 0..k-1 are skipped. */
CB_API int cb_accumulate(const float *points, int64_t n, int64_t d, const int32_t *labels, int64_t k, double *sums, int64_t *counts, int threads);
/* GMM E-step, diagonal precisions; writes responsibilities (n x k) and the total log-likelihood. */
CB_API int cb_gmm_estep_diag(const float *points, int64_t n, int64_t d, const float *means, const float *precisions, const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood, int threads);
/* GMM E-step, full covariance through k row-major, upper-triangular d x d precision Cholesky factors (zeros below the diagonal are skipped). */
CB_API int cb_gmm_estep_full(const float *points, int64_t n, int64_t d, const float *means, const float *precision_cholesky, const double *log_norm, int64_t k, float *responsibilities, double *log_likelihood, int threads);
/* GMM M-step moments: nk (k), sum_x (k x d), sum_xx (k x d, or k x d x d when full != 0). */
CB_API int cb_gmm_moments(const float *points, int64_t n, int64_t d, const float *responsibilities, int64_t k, int full, double *nk, double *sum_x, double *sum_xx, int threads);
/* Mean over rows of |ds/dx| per dimension for s = x.t (cosine == 0) or cos(x, t) (cosine != 0). */
CB_API int cb_mean_abs_gradient(const float *points, int64_t n, int64_t d, const float *instruction, int cosine, double *mean_abs_gradient, int threads);
/* The m nearest other rows of every row (squared L2, nearest first, ties to the lower index); needs 1 <= m < n. */
CB_API int cb_knn(const float *points, int64_t n, int64_t d, int64_t m, int32_t *indices, float *distances, int threads);

#ifdef __cplusplus
}
#endif

#endif
