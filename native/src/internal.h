/* Shared pieces of the kernels; not part of the API. */
#ifndef CB_INTERNAL_H
#define CB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "clusterby.h"

/* Generic loops get one clone per ISA level; the loader picks the best at run time. */
#define CB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

/*
 * 16-lane pieces in GCC vector types, with branch-free selects (compilers turn the plain-array form into masked
 * stores behind a branch). The target clones map one vector to a zmm, two ymm or four xmm registers.
 */
typedef float vf16 __attribute__((vector_size(64)));
typedef int32_t vi16 __attribute__((vector_size(64)));
#define VSEL(m, a, b) ((vf16)(((vi16)(a) & (m)) | ((vi16)(b) & ~(m))))
#define ISEL(m, a, b) (((a) & (m)) | ((b) & ~(m)))

/* k rounded up to whole 16-lane vectors. */
static inline int64_t cb_lanes16(int64_t k) { return (k + 15) / 16 * 16; }

/* Computes an mr x nr tile of dot products: out[r][l] = x[r] . panel column l (panel is d x nr, packed). */
typedef void (*cb_tile_fn)(const float *x, int64_t ldx, const float *panel, int64_t d, float *out);
/* The same in float64: an mr_d x nr_d tile. */
typedef void (*cb_tile_d_fn)(const double *x, int64_t ldx, const double *panel, int64_t d, double *out);

typedef struct {
    const char *name;
    int mr, nr;
    int avx512; /* the 16-lane argmin helpers may run */
    cb_tile_fn tile;
    int mr_d, nr_d;
    cb_tile_d_fn tile_d;
} cb_isa;

const cb_isa *cb_isa_get(void);
int cb_threads_for(int requested, double work);
void *cb_alloc(size_t bytes);
void cb_free(void *p);

/* Packs rows 0..k-1 of a (k x d) into ceil(k/nr) panels of d x nr, zero-padded. */
void cb_pack_panels(const float *a, int64_t k, int64_t d, int nr, float *packed);
float cb_sqnorm(const float *x, int64_t d);

/*
 * Flush-to-zero and denormals-are-zero for the calling thread, returning the old mode for cb_denormals_restore.
 * Responsibilities far below 1 make r * x products denormal, and x86 takes a microcode assist on each (measured: a
 * GMM moments pass 30x slower); values under FLT_MIN are noise next to the sums they join.
 */
unsigned cb_denormals_flush(void);
void cb_denormals_restore(unsigned mode);

#endif
