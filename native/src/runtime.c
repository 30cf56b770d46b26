/* CPU path selection, threading defaults, scratch memory and the register-blocked dot-product tiles. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define CB_FTZ_DAZ 0x8040u /* MXCSR flush-to-zero (bit 15) and denormals-are-zero (bit 6) */
#endif

/*
 * One tile per ISA. GCC vector extensions keep the source portable; the target attribute decides the
 * registers: 12x32 fills 24 of the 32 zmm registers, 6x16 fills 12 of the 16 ymm registers.
 */
#define CB_DEFINE_TILE(NAME, T, TARGET, VW, MR, NV)                                                    \
    __attribute__((target(TARGET))) static void NAME(const T *restrict x, int64_t ldx,                 \
                                                      const T *restrict panel, int64_t d,              \
                                                      T *restrict out) {                               \
        typedef T vf __attribute__((vector_size((VW) * sizeof(T))));                                   \
        vf acc[MR][NV];                                                                                \
        _Pragma("GCC unroll 16") for (int r = 0; r < (MR); r++)                                        \
            _Pragma("GCC unroll 4") for (int v = 0; v < (NV); v++) acc[r][v] = (vf){0};               \
        for (int64_t j = 0; j < d; j++) {                                                              \
            vf cv[NV];                                                                                 \
            _Pragma("GCC unroll 4") for (int v = 0; v < (NV); v++)                                     \
                cv[v] = *(const vf *)(panel + j * ((VW) * (NV)) + v * (VW));                           \
            _Pragma("GCC unroll 16") for (int r = 0; r < (MR); r++) {                                  \
                T xr = x[r * ldx + j];                                                                 \
                _Pragma("GCC unroll 4") for (int v = 0; v < (NV); v++) acc[r][v] += xr * cv[v];        \
            }                                                                                          \
        }                                                                                              \
        _Pragma("GCC unroll 16") for (int r = 0; r < (MR); r++)                                        \
            _Pragma("GCC unroll 4") for (int v = 0; v < (NV); v++)                                     \
                *(vf *)(out + r * ((VW) * (NV)) + v * (VW)) = acc[r][v];                               \
    }

CB_DEFINE_TILE(tile_v4, float, "arch=x86-64-v4,prefer-vector-width=512", 16, 12, 2)
CB_DEFINE_TILE(tile_v3, float, "arch=x86-64-v3", 8, 6, 2)
CB_DEFINE_TILE(tile_base, float, "arch=x86-64", 4, 4, 2)
/* float64 tiles of the same register shapes (half the lanes), for sums that must not round in float32 */
CB_DEFINE_TILE(tile_d_v4, double, "arch=x86-64-v4,prefer-vector-width=512", 8, 12, 2)
CB_DEFINE_TILE(tile_d_v3, double, "arch=x86-64-v3", 4, 6, 2)
CB_DEFINE_TILE(tile_d_base, double, "arch=x86-64", 2, 4, 2)

static const cb_isa ISA_V4 = {"AVX-512 (x86-64-v4)", 12, 32, 1, tile_v4, 12, 16, tile_d_v4};
static const cb_isa ISA_V3 = {"AVX2 (x86-64-v3)", 6, 16, 0, tile_v3, 6, 8, tile_d_v3};
static const cb_isa ISA_BASE = {"baseline x86-64", 4, 8, 0, tile_base, 4, 4, tile_d_base};

static const cb_isa *chosen_isa;

/* What the CPU supports, lowered by CLUSTERBY_ISA (x86-64-v3, x86-64) so tests can cover every path. */
const cb_isa *cb_isa_get(void) {
    const cb_isa *isa = __atomic_load_n(&chosen_isa, __ATOMIC_ACQUIRE);
    if (isa) return isa;
    __builtin_cpu_init();
    int level = __builtin_cpu_supports("x86-64-v4") ? 4 : __builtin_cpu_supports("x86-64-v3") ? 3 : 1;
    const char *cap = getenv("CLUSTERBY_ISA");
    if (cap && strcmp(cap, "x86-64-v3") == 0 && level > 3) level = 3;
    if (cap && strcmp(cap, "x86-64") == 0) level = 1;
    isa = level == 4 ? &ISA_V4 : level == 3 ? &ISA_V3 : &ISA_BASE;
    __atomic_store_n(&chosen_isa, isa, __ATOMIC_RELEASE);
    return isa;
}

const char *cb_version(void) { return CB_VERSION; }

const char *cb_cpu_path(void) { return cb_isa_get()->name; }

int cb_default_threads(void) {
    const char *env = getenv("CLUSTERBY_THREADS");
    if (env && *env) {
        long t = strtol(env, NULL, 10);
        if (t > 0 && t <= 4096) return (int)t;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

/* Below about a million multiply-adds the fork/join costs more than it saves. */
int cb_threads_for(int requested, double work) {
    int t = requested > 0 ? requested : cb_default_threads();
    return work < 1e6 ? 1 : t;
}

void *cb_alloc(size_t bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, rounded ? rounded : 64);
}

void cb_free(void *p) { free(p); }

CB_CLONES void cb_pack_panels(const float *a, int64_t k, int64_t d, int nr, float *packed) {
    int64_t panels = (k + nr - 1) / nr;
    for (int64_t p = 0; p < panels; p++) {
        float *out = packed + p * d * nr;
        for (int64_t j = 0; j < d; j++) {
            for (int l = 0; l < nr; l++) {
                int64_t row = p * nr + l;
                out[j * nr + l] = row < k ? a[row * d + j] : 0.0f;
            }
        }
    }
}

CB_CLONES float cb_sqnorm(const float *x, int64_t d) {
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t j = 0; j < d; j++) s += x[j] * x[j];
    return s;
}

unsigned cb_denormals_flush(void) {
#ifdef CB_FTZ_DAZ
    unsigned mode = _mm_getcsr();
    _mm_setcsr(mode | CB_FTZ_DAZ);
    return mode;
#else
    return 0;
#endif
}

void cb_denormals_restore(unsigned mode) {
#ifdef CB_FTZ_DAZ
    _mm_setcsr(mode);
#else
    (void)mode;
#endif
}
