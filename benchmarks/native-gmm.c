/*
 * Times the native GMM kernels on one EM iteration's shapes (default 20000 x 32: diag with 32 components, full
 * with 16): E-step diag, E-step full, moments diag, moments full. Reports the best wall and process-CPU time of each
 * over the reps (CPU time is less sensitive than wall time to other jobs taking the cores; with t threads a kernel
 * that keeps them busy shows CPU ~ t x wall). Inputs are seeded random, responsibilities come from the E-steps.
 * Usage: native-gmm [threads [reps [n d]]]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "clusterby.h"

static double clock_of(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned long long state = 88172645463325252ULL;
static double uniform(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (state >> 11) * (1.0 / 9007199254740992.0);
}

static float *floats(size_t count) { return aligned_alloc(64, (count * 4 + 63) / 64 * 64); }
static double *doubles(size_t count) { return aligned_alloc(64, (count * 8 + 63) / 64 * 64); }

typedef struct { double wall, cpu; } best_t;
static void keep(best_t *b, double w, double c) {
    if (w < b->wall) b->wall = w;
    if (c < b->cpu) b->cpu = c;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2, reps = argc > 2 ? atoi(argv[2]) : 20;
    long n = argc > 4 ? atol(argv[3]) : 20000, d = argc > 4 ? atol(argv[4]) : 32;
    const long kd = 32, kf = 16;
    float *x = floats(n * d), *resp_d = floats(n * kd), *resp_f = floats(n * kf);
    float *mean_d = floats(kd * d), *prec_d = floats(kd * d), *mean_f = floats(kf * d), *chol = floats(kf * d * d);
    double *norm_d = doubles(kd), *norm_f = doubles(kf), ll;
    double *nk = doubles(kd), *sx = doubles(kd * d), *sxx = doubles(kf * d * d > kd * d ? kf * d * d : kd * d);
    for (long i = 0; i < n * d; i++) x[i] = (float)(4 * uniform() - 2);
    for (long i = 0; i < kd * d; i++) {
        mean_d[i] = (float)(4 * uniform() - 2);
        prec_d[i] = (float)(0.5 + uniform());
    }
    for (long c = 0; c < kd; c++) norm_d[c] = -0.9 * d - uniform();
    for (long i = 0; i < kf * d; i++) mean_f[i] = (float)(4 * uniform() - 2);
    for (long c = 0; c < kf; c++) {
        norm_f[c] = -0.9 * d - uniform();
        for (long a = 0; a < d; a++)
            for (long b = 0; b < d; b++)
                chol[(c * d + a) * d + b] = a == b ? (float)(0.7 + uniform()) : a < b ? (float)(0.3 * (uniform() - 0.5) / sqrt(d)) : 0;
    }
    best_t e_diag = {1e9, 1e9}, e_full = {1e9, 1e9}, m_diag = {1e9, 1e9}, m_full = {1e9, 1e9};
    double load0[3] = {0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load0[0], &load0[1], &load0[2]) != 3) load0[0] = -1;
        fclose(f);
    }
    for (int rep = 0; rep < reps; rep++) {
        double w, c;
#define TIME(best, call)                                                         \
        w = clock_of(CLOCK_MONOTONIC), c = clock_of(CLOCK_PROCESS_CPUTIME_ID);   \
        if ((call) != CB_OK) { fprintf(stderr, #call " failed\n"); return 1; }   \
        keep(&best, clock_of(CLOCK_MONOTONIC) - w, clock_of(CLOCK_PROCESS_CPUTIME_ID) - c)
        TIME(e_diag, cb_gmm_estep_diag(x, n, d, mean_d, prec_d, norm_d, kd, resp_d, &ll, threads));
        TIME(m_diag, cb_gmm_moments(x, n, d, resp_d, kd, 0, nk, sx, sxx, threads));
        TIME(e_full, cb_gmm_estep_full(x, n, d, mean_f, chol, norm_f, kf, resp_f, &ll, threads));
        TIME(m_full, cb_gmm_moments(x, n, d, resp_f, kf, 1, nk, sx, sxx, threads));
    }
    printf("native GMM kernels, %ld x %ld, %d threads, best of %d, %s, load %.2f at start\n", n, d, threads, reps,
           cb_cpu_path(), load0[0]);
    printf("%-24s %10s %10s\n", "kernel", "wall ms", "cpu ms");
    printf("%-24s %10.3f %10.3f\n", "estep diag (k=32)", e_diag.wall * 1e3, e_diag.cpu * 1e3);
    printf("%-24s %10.3f %10.3f\n", "moments diag (k=32)", m_diag.wall * 1e3, m_diag.cpu * 1e3);
    printf("%-24s %10.3f %10.3f\n", "estep full (k=16)", e_full.wall * 1e3, e_full.cpu * 1e3);
    printf("%-24s %10.3f %10.3f\n", "moments full (k=16)", m_full.wall * 1e3, m_full.cpu * 1e3);
    printf("%-24s %10.3f %10.3f\n", "diag EM kernels", (e_diag.wall + m_diag.wall) * 1e3, (e_diag.cpu + m_diag.cpu) * 1e3);
    printf("%-24s %10.3f %10.3f\n", "full EM kernels", (e_full.wall + m_full.wall) * 1e3, (e_full.cpu + m_full.cpu) * 1e3);
    return 0;
}
