/* Times cb_assign_l2 at n x d, k against an OpenBLAS sgemm of the same shape (dlopen'ed when given). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "clusterby.h"

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int n = 100000, d = 128, k = 256, reps = 15, threads = argc > 2 ? atoi(argv[2]) : 0;
    float *x = malloc(sizeof(float) * n * d), *c = malloc(sizeof(float) * k * d), *dist = malloc(sizeof(float) * n);
    int32_t *labels = malloc(sizeof(int32_t) * n);
    double *sums = malloc(sizeof(double) * k * d);
    int64_t *counts = malloc(sizeof(int64_t) * k);
    srand(1);
    for (long i = 0; i < (long)n * d; i++) x[i] = rand() / (float)RAND_MAX;
    for (long i = 0; i < (long)k * d; i++) c[i] = rand() / (float)RAND_MAX;
    double flops = 2.0 * n * k * d, best = 1e9, best_iter = 1e9;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cb_assign_l2(x, n, d, c, k, labels, dist, threads);
        double t1 = now();
        cb_accumulate(x, n, d, labels, k, sums, counts, threads);
        double t2 = now();
        if (t1 - t0 < best) best = t1 - t0;
        if (t2 - t0 < best_iter) best_iter = t2 - t0;
    }
    printf("path: %s, threads: %d\n", cb_cpu_path(), threads > 0 ? threads : cb_default_threads());
    printf("assign_l2 %dx%d k=%d: %.4f s, %.1f GFLOP/s\n", n, d, k, best, flops / best * 1e-9);
    printf("one Lloyd iteration (assign + accumulate): %.4f s\n", best_iter);
    if (argc > 1 && argv[1][0]) {
        void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        sgemm_fn sgemm = lib ? (sgemm_fn)dlsym(lib, "cblas_sgemm") : NULL;
        if (!sgemm) {
            fprintf(stderr, "no cblas_sgemm in %s: %s\n", argv[1], dlerror());
            return 1;
        }
        if (threads > 0) {
            void (*set)(int) = (void (*)(int))dlsym(lib, "openblas_set_num_threads");
            if (set) set(threads);
        }
        float *out = malloc(sizeof(float) * n * k);
        double sbest = 1e9;
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            /* RowMajor=101, NoTrans=111, Trans=112: X (n x d) times C^T (d x k). */
            sgemm(101, 111, 112, n, k, d, 1.0f, x, d, c, d, 0.0f, out, k);
            double t1 = now();
            if (t1 - t0 < sbest) sbest = t1 - t0;
        }
        printf("OpenBLAS sgemm same shape: %.4f s, %.1f GFLOP/s -> assign at %.0f%% of sgemm\n", sbest,
               flops / sbest * 1e-9, 100 * sbest / best);
    }
    return 0;
}
