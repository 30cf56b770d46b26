// clusterby OpenCL kernels. Float64 sums when the device has cl_khr_fp64, else float (ACC).
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double ACC;
#else
typedef float ACC;
#endif

// Tiled assignment: a 16x16 work-group owns 64 points; each work-item a 4x4 register tile of (point, centroid)
// dot products. Points and centroids are staged in local memory TK dimensions at a time.
#define TS 64
#define RT 4
#define TK 16

__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void assign_tiled(__global const float* x, __global const float* cen, __global const float* cnorm,
                  const int n, const int k, const int d, const int cosine,
                  __global int* labels, __global float* values) {
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int row0 = get_group_id(1) * TS;
    __local float xs[TK][TS + 1];
    __local float cs[TK][TS + 1];
    __local float redv[TS][16];
    __local int redi[TS][16];
    float best[RT];
    int bidx[RT];
    for (int a = 0; a < RT; a++) { best[a] = INFINITY; bidx[a] = 0; }
    const int lid = ty * 16 + tx;
    for (int col0 = 0; col0 < k; col0 += TS) {
        float acc[RT][RT];
        for (int a = 0; a < RT; a++) for (int b = 0; b < RT; b++) acc[a][b] = 0.0f;
        for (int j0 = 0; j0 < d; j0 += TK) {
            // 256 work-items load TK x 64 = 1024 values of each tile: 4 each.
            for (int e = lid; e < TK * TS; e += 256) {
                int r = e / TK, jj = e % TK;
                int gi = row0 + r, gc = col0 + r, gj = j0 + jj;
                xs[jj][r] = (gi < n && gj < d) ? x[(long) gi * d + gj] : 0.0f;
                cs[jj][r] = (gc < k && gj < d) ? cen[(long) gc * d + gj] : 0.0f;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int jj = 0; jj < TK; jj++) {
                float xv[RT], cv[RT];
                for (int a = 0; a < RT; a++) xv[a] = xs[jj][ty * RT + a];
                for (int b = 0; b < RT; b++) cv[b] = cs[jj][tx * RT + b];
                for (int a = 0; a < RT; a++) for (int b = 0; b < RT; b++) acc[a][b] = fma(xv[a], cv[b], acc[a][b]);
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        for (int b = 0; b < RT; b++) {
            int c = col0 + tx * RT + b;
            if (c >= k) break;
            float cn = cnorm[c];
            for (int a = 0; a < RT; a++) {
                float s = cosine ? -acc[a][b] : cn - 2.0f * acc[a][b];
                // Columns of one work-item rise, so strict < keeps the lower index.
                if (s < best[a]) { best[a] = s; bidx[a] = c; }
            }
        }
    }
    for (int a = 0; a < RT; a++) { redv[ty * RT + a][tx] = best[a]; redi[ty * RT + a][tx] = bidx[a]; }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < TS) {
        int r = lid, gi = row0 + r;
        float bv = redv[r][0];
        int bi = redi[r][0];
        for (int t = 1; t < 16; t++) {
            float v = redv[r][t];
            int i = redi[r][t];
            if (v < bv || (v == bv && i < bi)) { bv = v; bi = i; }
        }
        if (gi < n) {
            labels[gi] = bi;
            if (cosine) {
                values[gi] = -bv;
            } else {
                float xn = 0.0f;
                for (int j = 0; j < d; j++) { float v = x[(long) gi * d + j]; xn = fma(v, v, xn); }
                values[gi] = fmax(0.0f, xn + bv);
            }
        }
    }
}

// Fallback for devices whose work-groups are smaller than 256: one work-item per point.
__kernel void assign_naive(__global const float* x, __global const float* cen, __global const float* cnorm,
                           const int n, const int k, const int d, const int cosine,
                           __global int* labels, __global float* values) {
    int i = get_global_id(0);
    if (i >= n) return;
    float xn = 0.0f;
    for (int j = 0; j < d; j++) { float v = x[(long) i * d + j]; xn = fma(v, v, xn); }
    float best = INFINITY;
    int bi = 0;
    for (int c = 0; c < k; c++) {
        float dot = 0.0f;
        for (int j = 0; j < d; j++) dot = fma(x[(long) i * d + j], cen[(long) c * d + j], dot);
        float s = cosine ? -dot : cnorm[c] - 2.0f * dot;
        if (s < best) { best = s; bi = c; }
    }
    labels[i] = bi;
    values[i] = cosine ? -best : fmax(0.0f, xn + best);
}

// One work-item per dimension j: it owns column j of every cluster's sum, so no atomics are needed.
__kernel void accumulate(__global const float* x, __global const int* labels, const int n, const int k, const int d,
                         __global ACC* sums) {
    int j = get_global_id(0);
    if (j >= d) return;
    for (int c = 0; c < k; c++) sums[(long) c * d + j] = 0;
    for (int i = 0; i < n; i++) {
        int c = labels[i];
        if (c >= 0 && c < k) sums[(long) c * d + j] += x[(long) i * d + j];
    }
}

// log p[i,c] for one point; full selects the Cholesky form.
inline ACC gmm_logp(__global const float* x, __global const float* means, __global const float* prec,
                    __global const ACC* logNorm, const int d, const int full, const int i, const int c) {
    ACC quad = 0;
    if (!full) {
        for (int j = 0; j < d; j++) {
            ACC diff = (ACC) x[(long) i * d + j] - means[(long) c * d + j];
            quad += prec[(long) c * d + j] * diff * diff;
        }
    } else {
        long block = (long) c * d * d;
        for (int col = 0; col < d; col++) {
            ACC y = 0;
            for (int row = 0; row < d; row++) {
                y += ((ACC) x[(long) i * d + row] - means[(long) c * d + row]) * prec[block + (long) row * d + col];
            }
            quad += y * y;
        }
    }
    return logNorm[c] - 0.5 * quad;
}

// One work-item per point: two passes (max, then exp-sum) so nothing is stored at reduced precision.
__kernel void gmm_estep(__global const float* x, __global const float* means, __global const float* prec,
                        __global const ACC* logNorm, const int n, const int k, const int d, const int full,
                        __global float* resp, __global ACC* lse) {
    int i = get_global_id(0);
    if (i >= n) return;
    ACC max = -INFINITY;
    for (int c = 0; c < k; c++) max = fmax(max, gmm_logp(x, means, prec, logNorm, d, full, i, c));
    ACC sum = 0;
    for (int c = 0; c < k; c++) {
        ACC e = exp(gmm_logp(x, means, prec, logNorm, d, full, i, c) - max);
        resp[(long) i * k + c] = (float) e;
        sum += e;
    }
    ACC inv = 1 / sum;
    for (int c = 0; c < k; c++) resp[(long) i * k + c] = (float) (resp[(long) i * k + c] * inv);
    lse[i] = max + log(sum);
}

// One work-item per (c, j): nk (j == 0), sumX and the diagonal sumXX.
__kernel void gmm_moments(__global const float* x, __global const float* resp, const int n, const int k, const int d,
                          const int full, __global ACC* nk, __global ACC* sumX, __global ACC* sumXX) {
    int g = get_global_id(0);
    if (g >= k * d) return;
    int c = g / d, j = g % d;
    ACC s0 = 0, s1 = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        ACC r = resp[(long) i * k + c], v = x[(long) i * d + j];
        s0 += r;
        s1 += r * v;
        s2 += r * v * v;
    }
    if (j == 0) nk[c] = s0;
    sumX[g] = s1;
    if (!full) sumXX[g] = s2;
}

// One work-item per (c, j, j2) of the full second moments.
__kernel void gmm_moments_full(__global const float* x, __global const float* resp, const int n, const int k, const int d,
                               __global ACC* sumXX) {
    long g = get_global_id(0);
    if (g >= (long) k * d * d) return;
    int c = (int) (g / ((long) d * d)), j = (int) ((g / d) % d), j2 = (int) (g % d);
    ACC s = 0;
    for (int i = 0; i < n; i++) {
        ACC r = resp[(long) i * k + c];
        s += r * x[(long) i * d + j] * x[(long) i * d + j2];
    }
    sumXX[g] = s;
}

// Cosine gradient, pass 1: per row the coefficients a = 1/(|x||t|) and b = (x.t)/(|x|^3 |t|), or 0 for a zero row.
__kernel void cosine_coefficients(__global const float* x, __global const float* t, const int n, const int d,
                                  const ACC tNorm, __global ACC* ab) {
    int i = get_global_id(0);
    if (i >= n) return;
    ACC dot = 0, xx = 0;
    for (int j = 0; j < d; j++) {
        ACC v = x[(long) i * d + j];
        dot += v * t[j];
        xx += v * v;
    }
    ACC xNorm = sqrt(xx);
    int skip = xNorm == 0 || tNorm == 0;
    ab[2 * i] = skip ? 0 : 1 / (xNorm * tNorm);
    ab[2 * i + 1] = skip ? 0 : dot / (xNorm * xNorm * xNorm * tNorm);
}

// Pass 2: one work-item per dimension sums |a t_j - b x_ij| over rows.
__kernel void cosine_gradient(__global const float* x, __global const float* t, __global const ACC* ab,
                              const int n, const int d, __global ACC* mean) {
    int j = get_global_id(0);
    if (j >= d) return;
    ACC s = 0;
    for (int i = 0; i < n; i++) s += fabs(ab[2 * i] * t[j] - ab[2 * i + 1] * x[(long) i * d + j]);
    mean[j] = n == 0 ? 0 : s / n;
}

// One work-item per row keeps its m nearest in its own output rows, by insertion (ties to the lower index).
__kernel void knn(__global const float* x, const int n, const int d, const int m,
                  __global int* indices, __global float* distances) {
    int i = get_global_id(0);
    if (i >= n) return;
    __global int* bi = indices + (long) i * m;
    __global float* bd = distances + (long) i * m;
    int filled = 0;
    for (int o = 0; o < n; o++) {
        if (o == i) continue;
        float dist = 0.0f;
        for (int j = 0; j < d; j++) {
            float diff = x[(long) i * d + j] - x[(long) o * d + j];
            dist = fma(diff, diff, dist);
        }
        if (filled == m && dist >= bd[m - 1]) continue;
        int slot = filled < m ? filled : m - 1;
        while (slot > 0 && bd[slot - 1] > dist) {
            bd[slot] = bd[slot - 1];
            bi[slot] = bi[slot - 1];
            slot--;
        }
        bd[slot] = dist;
        bi[slot] = o;
        if (filled < m) filled++;
    }
}
