/*
 * Times one Lloyd iteration at n x d, k (default 100000 x 128, k=256) on both assign paths of libclusterby: the
 * C tiles and the sgemm-fused path through OpenBLAS (dlopen'ed when given), against a plain sgemm of the same shape
 * in the same process. Reps interleave the assign variants, so machine load hits them alike; the best of each is
 * shown, with the load average (on a shared machine, compare ratios from one run, not runs).
 * Usage: native-assign <libopenblas.so or ""> [threads] [n d k]
 */
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

/* CPU seconds of the whole process: less sensitive than wall time to other jobs taking the cores. */
static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double load1(void) {
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

int main(int argc, char **argv) {
    int threads = argc > 2 ? atoi(argv[2]) : 2, reps = 15;
    int n = argc > 5 ? atoi(argv[3]) : 100000, d = argc > 5 ? atoi(argv[4]) : 128, k = argc > 5 ? atoi(argv[5]) : 256;
    float *x = malloc(sizeof(float) * n * d), *c = malloc(sizeof(float) * k * d), *dist = malloc(sizeof(float) * n);
    float *dist2 = malloc(sizeof(float) * n), *out = malloc(sizeof(float) * (size_t)n * k);
    int32_t *labels = malloc(sizeof(int32_t) * n), *labels2 = malloc(sizeof(int32_t) * n);
    double *sums = malloc(sizeof(double) * k * d);
    int64_t *counts = malloc(sizeof(int64_t) * k);
    srand(1);
    for (long i = 0; i < (long)n * d; i++) x[i] = rand() / (float)RAND_MAX;
    for (long i = 0; i < (long)k * d; i++) c[i] = rand() / (float)RAND_MAX;

    sgemm_fn sgemm = NULL;
    void (*set_threads)(int) = NULL;
    if (argc > 1 && argv[1][0]) {
        void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        sgemm = lib ? (sgemm_fn)dlsym(lib, "cblas_sgemm") : NULL;
        set_threads = lib ? (void (*)(int))dlsym(lib, "openblas_set_num_threads") : NULL;
        if (!sgemm || !set_threads) {
            fprintf(stderr, "no cblas_sgemm/openblas_set_num_threads in %s: %s\n", argv[1], dlerror());
            return 1;
        }
    }
    /*
     * Phase 1 interleaves the Lloyd pieces: C tiles, accumulate, sgemm-fused (OpenBLAS on 1 thread, ours over row
     * blocks). Phase 2 times OpenBLAS threading itself: a plain sgemm, and (BENCH_BLAS_THREADED) the fused path with
     * OpenBLAS threading the GEMM. It comes last because OpenBLAS's idle workers spin for a while after a threaded
     * call and would slow whatever runs next.
     */
    double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9}, bcpu[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
    for (int phase = 1; phase <= 2; phase++) {
        if (phase == 2 && !sgemm) break;
        for (int r = 0; r < reps; r++) {
            for (int v = phase == 1 ? 0 : 3; v < (phase == 1 ? 3 : 5); v++) {
                if (v == 2 && !sgemm) break;
                if (v == 4 && !getenv("BENCH_BLAS_THREADED")) break;
                if (sgemm) set_threads(v == 2 ? 1 : threads);
                double t0 = now(), c0 = cpu();
                switch (v) {
                    case 0: cb_assign_l2(x, n, d, c, k, labels, dist, threads); break;
                    case 1: cb_accumulate(x, n, d, labels, k, sums, counts, threads); break;
                    case 2: cb_assign_sgemm(x, n, d, c, k, 0, (void *)sgemm, labels2, dist2, threads); break;
                    /* RowMajor=101, NoTrans=111, Trans=112: X (n x d) times C^T (d x k). */
                    case 3: sgemm(101, 111, 112, n, k, d, 1.0f, x, d, c, d, 0.0f, out, k); break;
                    case 4: cb_assign_sgemm(x, n, d, c, k, 0, (void *)sgemm, labels2, dist2, 1); break;
                }
                double t = now() - t0, tc = cpu() - c0;
                best[v] = t < best[v] ? t : best[v];
                bcpu[v] = tc < bcpu[v] ? tc : bcpu[v];
            }
        }
    }
    double flops = 2.0 * n * k * d, g = 1e-9;
    printf("%dx%d k=%d, %d threads, path %s, load average %.2f\n", n, d, k, threads, cb_cpu_path(), load1());
    printf("best of %d; wall s, GFLOP/s, and CPU s of the process (all threads)\n", reps);
    printf("assign C tiles         : %.4f s %6.1f GFLOP/s  cpu %.4f s\n", best[0], flops / best[0] * g, bcpu[0]);
    printf("accumulate             : %.4f s                  cpu %.4f s\n", best[1], bcpu[1]);
    printf("Lloyd (C tiles)        : %.4f s\n", best[0] + best[1]);
    if (sgemm) {
        printf("assign sgemm-fused     : %.4f s %6.1f GFLOP/s  cpu %.4f s\n", best[2], flops / best[2] * g, bcpu[2]);
        if (best[4] < 1e9)
            printf("  (BLAS-threaded GEMM) : %.4f s %6.1f GFLOP/s  cpu %.4f s\n", best[4], flops / best[4] * g, bcpu[4]);
        printf("Lloyd (sgemm-fused)    : %.4f s\n", best[2] + best[1]);
        printf("plain sgemm same shape : %.4f s %6.1f GFLOP/s  cpu %.4f s -> C tiles %.0f%%, sgemm-fused %.0f%% of it\n",
               best[3], flops / best[3] * g, bcpu[3], 100 * best[3] / best[0], 100 * best[3] / best[2]);
        int diff = 0;
        for (int i = 0; i < n; i++) diff += labels[i] != labels2[i];
        printf("labels differing between the paths: %d of %d (near-ties)\n", diff, n);
    }
    return 0;
}
