package dev.clusterby.compute.java;

import dev.clusterby.compute.FloatMatrix;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.clusterby.compute.Segments.DOUBLE;
import static dev.clusterby.compute.Segments.FLOAT;
import static dev.clusterby.compute.Segments.INT;
import static dev.clusterby.compute.Segments.LONG;

/**
 * The Vector API kernels behind {@link VectorBackend}. Loaded by name only once {@code jdk.incubator.vector} is known
 * to be in the boot layer, since this class's static initialiser touches the Vector API.
 *
 * <p>The dense kernels are GEMM-shaped: the second operand (centroids, precisions, other points) is packed once,
 * transposed into panels of {@link #W} columns, and a 4-row × W-column register tile accumulates
 * {@code Σ_j x[i,j] · B[j, cols]} with one broadcast per point value and one FMA per 16 products. Epilogues (distance,
 * argmin, log-sum-exp) work on the finished tile, vectorised across columns.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Panel width: 4 vectors, so the 4×4 tile holds 16 accumulators, half the AVX-512 register file. */
    private static final int W = 4 * L;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();
    /** Floats that fill one double vector when widened. */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.nativeOrder();
    private static final int TILE = 4;

    private VectorKernels() {}

    /** Called reflectively by {@link VectorBackend#create()}: initialises the species and names them. */
    public static String describe() {
        return S.vectorBitSize() + "-bit (" + L + " floats)";
    }

    // ---- assignment ----

    static void assign(VectorBackend.Parallel parallel, FloatMatrix points, FloatMatrix centroids, MemorySegment labels,
                       MemorySegment values, boolean cosine) {
        int n = points.rows(), d = points.cols(), k = centroids.rows();
        if (n == 0) return;
        int kp = roundUp(k, L);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment panels = pack(arena, centroids, 0, k, kp);
            // Padding columns get +inf so they never win the argmin; cosine scores are −dot.
            float[] cn = new float[kp];
            for (int c = 0; c < kp; c++) cn[c] = c >= k ? Float.POSITIVE_INFINITY : cosine ? 0f : sqNorm(centroids.data(), rowOffset(c, d), d);
            MemorySegment x = points.data();
            parallel.run(n, TILE, (thread, from, to) -> {
                float[] out = new float[TILE * W];
                float[] best = new float[TILE];
                int[] bestIndex = new int[TILE];
                float[] xn = new float[TILE];
                long[] off = new long[TILE];
                for (int i0 = from; i0 < to; i0 += TILE) {
                    for (int p = 0; p < TILE; p++) {
                        off[p] = rowOffset(Math.min(i0 + p, to - 1), d);
                        xn[p] = cosine ? 0f : sqNorm(x, off[p], d);
                        best[p] = Float.POSITIVE_INFINITY;
                        bestIndex[p] = 0;
                    }
                    for (int col0 = 0; col0 < kp; col0 += W) {
                        int w = Math.min(W, kp - col0);
                        multiply(x, off, d, panels, (long) col0 * d, w, out);
                        for (int p = 0; p < TILE; p++) {
                            FloatVector xnv = FloatVector.broadcast(S, xn[p]);
                            for (int v = 0; v < w; v += L) {
                                FloatVector dot = FloatVector.fromArray(S, out, p * W + v);
                                FloatVector cnv = FloatVector.fromArray(S, cn, col0 + v);
                                FloatVector score = cosine ? cnv.sub(dot) : dot.mul(-2f).add(cnv).add(xnv);
                                float min = score.reduceLanes(VectorOperators.MIN);
                                // Strictly less, scanning columns upwards: ties keep the lower index.
                                if (min < best[p]) {
                                    best[p] = min;
                                    bestIndex[p] = col0 + v + score.compare(VectorOperators.EQ, min).firstTrue();
                                }
                            }
                        }
                    }
                    for (int p = 0; p < TILE && i0 + p < to; p++) {
                        labels.setAtIndex(INT, i0 + p, bestIndex[p]);
                        values.setAtIndex(FLOAT, i0 + p, cosine ? -best[p] : Math.max(0f, best[p]));
                    }
                }
            });
        }
    }

    // ---- k-means M-step ----

    static void accumulate(VectorBackend.Parallel parallel, int threads, FloatMatrix points, MemorySegment labels, int k,
                           MemorySegment sums, MemorySegment counts) {
        int n = points.rows(), d = points.cols(), dp = roundUp(d, DL);
        double[][] partSums = new double[threads][];
        long[][] partCounts = new long[threads][];
        MemorySegment x = points.data();
        int used = parallel.run(n, 64, (thread, from, to) -> {
            double[] s = new double[k * dp];
            long[] cnt = new long[k];
            for (int i = from; i < to; i++) {
                int c = labels.getAtIndex(INT, i);
                if (c < 0 || c >= k) continue;
                cnt[c]++;
                addWidened(x, rowOffset(i, d), d, 1.0, s, c * dp);
            }
            partSums[thread] = s;
            partCounts[thread] = cnt;
        });
        for (int c = 0; c < k; c++) {
            long total = 0;
            for (int t = 0; t < used; t++) total += partCounts[t][c];
            counts.setAtIndex(LONG, c, total);
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int t = 0; t < used; t++) sum += partSums[t][c * dp + j];
                sums.setAtIndex(DOUBLE, (long) c * d + j, sum);
            }
        }
    }

    // ---- GMM ----

    static double gmmEStepDiag(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix means,
                               FloatMatrix precisions, MemorySegment logNorm, FloatMatrix responsibilities) {
        int n = points.rows(), d = points.cols(), k = means.rows(), kp = roundUp(k, L);
        if (n == 0) return 0;
        // Expanded quadratic form: Σ_j p(x−m)² = x²·p + x·(−2p∘m) + Σ_j p m².
        float[] constant = new float[kp], lnf = new float[kp];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment pPanels = pack(arena, precisions, 0, k, kp);
            MemorySegment qPanels = arena.allocate((long) kp * d * Float.BYTES, 64);
            for (int c = 0; c < kp; c++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    double p = c < k ? precisions.get(c, j) : 0, m = c < k ? means.get(c, j) : 0;
                    sum += p * m * m;
                    qPanels.setAtIndex(FLOAT, panelIndex(c, j, d, kp), (float) (-2 * p * m));
                }
                constant[c] = c < k ? (float) sum : Float.POSITIVE_INFINITY;
                lnf[c] = c < k ? (float) logNorm.getAtIndex(DOUBLE, c) : 0f;
            }
            return eStep(parallel, threads, points, responsibilities, kp, (x, off, logp) -> {
                float[] out = new float[TILE * W];
                for (int col0 = 0; col0 < kp; col0 += W) {
                    int w = Math.min(W, kp - col0);
                    multiplyQuadratic(x, off, d, pPanels, qPanels, (long) col0 * d, w, out);
                    for (int p = 0; p < TILE; p++) {
                        for (int v = 0; v < w; v += L) {
                            FloatVector quad = FloatVector.fromArray(S, out, p * W + v)
                                    .add(FloatVector.fromArray(S, constant, col0 + v)).max(0f);
                            FloatVector.fromArray(S, lnf, col0 + v).sub(quad.mul(0.5f)).intoArray(logp[p], col0 + v);
                        }
                    }
                }
            });
        }
    }

    static double gmmEStepFull(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix means,
                               MemorySegment cholesky, MemorySegment logNorm, FloatMatrix responsibilities) {
        int n = points.rows(), d = points.cols(), k = means.rows(), kp = roundUp(k, L), dp = roundUp(d, L);
        if (n == 0) return 0;
        float[] lnf = new float[kp];
        for (int c = 0; c < k; c++) lnf[c] = (float) logNorm.getAtIndex(DOUBLE, c);
        try (Arena arena = Arena.ofShared()) {
            // ‖(x−μ)P‖² = ‖xP − μP‖²: each P_c packed as panels of its columns, μ_c P_c computed once in double.
            MemorySegment panels = arena.allocate((long) k * d * dp * Float.BYTES, 64);
            float[] muP = new float[k * dp];
            for (int c = 0; c < k; c++) {
                long block = (long) c * d * d;
                for (int row = 0; row < d; row++) {
                    for (int col = 0; col < d; col++) {
                        panels.setAtIndex(FLOAT, (long) c * d * dp + panelIndex(col, row, d, dp),
                                cholesky.getAtIndex(FLOAT, block + (long) row * d + col));
                    }
                }
                for (int col = 0; col < d; col++) {
                    double y = 0;
                    for (int row = 0; row < d; row++) y += (double) means.get(c, row) * cholesky.getAtIndex(FLOAT, block + (long) row * d + col);
                    muP[c * dp + col] = (float) y;
                }
            }
            return eStep(parallel, threads, points, responsibilities, kp, (x, off, logp) -> {
                float[] out = new float[TILE * W];
                float[] quad = new float[TILE];
                for (int c = 0; c < kp; c++) {
                    if (c >= k) {
                        for (int p = 0; p < TILE; p++) logp[p][c] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    java.util.Arrays.fill(quad, 0f);
                    for (int col0 = 0; col0 < dp; col0 += W) {
                        int w = Math.min(W, dp - col0);
                        multiply(x, off, d, panels, (long) c * d * dp + (long) col0 * d, w, out);
                        for (int p = 0; p < TILE; p++) {
                            FloatVector acc = FloatVector.zero(S);
                            for (int v = 0; v < w; v += L) {
                                FloatVector y = FloatVector.fromArray(S, out, p * W + v).sub(FloatVector.fromArray(S, muP, c * dp + col0 + v));
                                acc = y.fma(y, acc);
                            }
                            quad[p] += acc.reduceLanes(VectorOperators.ADD);
                        }
                    }
                    for (int p = 0; p < TILE; p++) logp[p][c] = lnf[c] - 0.5f * quad[p];
                }
            });
        }
    }

    /** Fills logp[row][0..kp) (padding −inf) for the 4 rows at the given offsets. */
    private interface LogDensity {
        void fill(MemorySegment x, long[] offsets, float[][] logp);
    }

    /** Tiles the rows, lets the density fill log p, then normalises each row; returns Σ log-sum-exp. */
    private static double eStep(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix responsibilities,
                                int kp, LogDensity density) {
        int n = points.rows(), d = points.cols(), k = responsibilities.cols();
        double[] partial = new double[threads];
        MemorySegment x = points.data(), r = responsibilities.data();
        int used = parallel.run(n, TILE, (thread, from, to) -> {
            float[][] logp = new float[TILE][kp];
            long[] off = new long[TILE];
            double total = 0;
            for (int i0 = from; i0 < to; i0 += TILE) {
                for (int p = 0; p < TILE; p++) off[p] = rowOffset(Math.min(i0 + p, to - 1), d);
                density.fill(x, off, logp);
                for (int p = 0; p < TILE && i0 + p < to; p++) total += normalise(logp[p], k, r, (long) (i0 + p) * k * Float.BYTES);
            }
            partial[thread] = total;
        });
        double total = 0;
        for (int t = 0; t < used; t++) total += partial[t];
        return total;
    }

    private static double normalise(float[] logp, int k, MemorySegment out, long outOffset) {
        int kp = logp.length;
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < kp; c += L) maxV = maxV.max(FloatVector.fromArray(S, logp, c));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        FloatVector sumV = FloatVector.zero(S);
        for (int c = 0; c < kp; c += L) sumV = sumV.add(FloatVector.fromArray(S, logp, c).sub(max).lanewise(VectorOperators.EXP));
        double lse = max + Math.log(sumV.reduceLanes(VectorOperators.ADD));
        float shift = (float) lse;
        for (int c = 0; c < k; c += L) {
            FloatVector rv = FloatVector.fromArray(S, logp, c).sub(shift).lanewise(VectorOperators.EXP);
            if (c + L <= k) rv.intoMemorySegment(out, outOffset + (long) c * Float.BYTES, LE);
            else rv.intoMemorySegment(out, outOffset + (long) c * Float.BYTES, LE, S.indexInRange(c, k));
        }
        return lse;
    }

    static void gmmMoments(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix responsibilities,
                           boolean full, MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        int n = points.rows(), d = points.cols(), k = responsibilities.cols(), dp = roundUp(d, DL);
        long xxPart = full ? (long) k * d * dp : (long) k * dp;
        if (xxPart > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("full moments of " + k + "×" + d + "² are too large");
        double[][] pn = new double[threads][], px = new double[threads][], pxx = new double[threads][];
        // One partial sum per thread; when the d×d blocks are large, fewer threads keep the memory bounded.
        int grain = xxPart * 8 * threads > (256L << 20) ? Math.max(1, n) : 16;
        MemorySegment x = points.data(), r = responsibilities.data();
        int used = parallel.run(n, grain, (thread, from, to) -> {
            double[] sn = new double[k], sx = new double[k * dp], sxx = new double[(int) xxPart];
            double[] row = new double[dp], sq = new double[dp];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0);
                addWidened(x, rowOffset(i, d), d, 1.0, row, 0);
                for (int j = 0; j < dp; j += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, row, j);
                    v.mul(v).intoArray(sq, j);
                }
                for (int c = 0; c < k; c++) {
                    double w = r.getAtIndex(FLOAT, (long) i * k + c);
                    if (w == 0) continue;
                    sn[c] += w;
                    axpy(w, row, sx, c * dp, 0, dp);
                    if (!full) {
                        axpy(w, sq, sxx, c * dp, 0, dp);
                    } else {
                        // Upper triangle only (from the vector holding the diagonal); mirrored when merging.
                        for (int j = 0; j < d; j++) {
                            int start = j - j % DL;
                            axpy(w * row[j], row, sxx, (c * d + j) * dp, start, dp);
                        }
                    }
                }
            }
            pn[thread] = sn;
            px[thread] = sx;
            pxx[thread] = sxx;
        });
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int t = 0; t < used; t++) s += pn[t][c];
            nk.setAtIndex(DOUBLE, c, s);
            for (int j = 0; j < d; j++) {
                double sx = 0, sxx = 0;
                for (int t = 0; t < used; t++) {
                    sx += px[t][c * dp + j];
                    if (!full) sxx += pxx[t][c * dp + j];
                }
                sumX.setAtIndex(DOUBLE, (long) c * d + j, sx);
                if (!full) {
                    sumXX.setAtIndex(DOUBLE, (long) c * d + j, sxx);
                    continue;
                }
                for (int j2 = 0; j2 < d; j2++) {
                    int a = Math.min(j, j2), b = Math.max(j, j2);
                    double v = 0;
                    for (int t = 0; t < used; t++) v += pxx[t][(c * d + a) * dp + b];
                    sumXX.setAtIndex(DOUBLE, (long) c * d * d + (long) j * d + j2, v);
                }
            }
        }
    }

    // ---- instruction mask ----

    static void meanAbsGradient(VectorBackend.Parallel parallel, int threads, FloatMatrix points, MemorySegment instruction,
                                boolean cosine, MemorySegment result) {
        int n = points.rows(), d = points.cols(), dp = roundUp(d, DL);
        double[] t = new double[dp];
        double tt = 0;
        for (int j = 0; j < d; j++) {
            t[j] = instruction.getAtIndex(FLOAT, j);
            tt += t[j] * t[j];
        }
        double tNorm = Math.sqrt(tt);
        if (!cosine || n == 0) {
            // ∂(x·t)/∂x = t for every row, so the mean is |t|.
            for (int j = 0; j < d; j++) result.setAtIndex(DOUBLE, j, n == 0 ? 0 : Math.abs(t[j]));
            return;
        }
        double[][] partial = new double[threads][];
        MemorySegment x = points.data();
        // In double: the two terms of the gradient cancel (exactly, when d = 1), so float would leave 1e-8 residues.
        int used = parallel.run(n, 64, (thread, from, to) -> {
            double[] sum = new double[dp], row = new double[dp];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0);
                addWidened(x, rowOffset(i, d), d, 1.0, row, 0);
                DoubleVector dotV = DoubleVector.zero(DS), xxV = DoubleVector.zero(DS);
                for (int j = 0; j < dp; j += DL) {
                    DoubleVector xv = DoubleVector.fromArray(DS, row, j);
                    dotV = xv.fma(DoubleVector.fromArray(DS, t, j), dotV);
                    xxV = xv.fma(xv, xxV);
                }
                double dot = dotV.reduceLanes(VectorOperators.ADD), xNorm = Math.sqrt(xxV.reduceLanes(VectorOperators.ADD));
                if (xNorm == 0 || tNorm == 0) continue;
                // ∂cos/∂x = t/(‖x‖‖t‖) − (x·t) x/(‖x‖³‖t‖)
                double a = 1.0 / (xNorm * tNorm), b = dot / (xNorm * xNorm * xNorm * tNorm);
                for (int j = 0; j < dp; j += DL) {
                    DoubleVector g = DoubleVector.fromArray(DS, t, j).mul(a).sub(DoubleVector.fromArray(DS, row, j).mul(b)).abs();
                    g.add(DoubleVector.fromArray(DS, sum, j)).intoArray(sum, j);
                }
            }
            partial[thread] = sum;
        });
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int q = 0; q < used; q++) s += partial[q][j];
            result.setAtIndex(DOUBLE, j, s / n);
        }
    }

    // ---- neighbours ----

    static void knn(VectorBackend.Parallel parallel, FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        int n = points.rows(), d = points.cols();
        final int rowBlock = 64;
        MemorySegment x = points.data();
        float[] norms = new float[n];
        for (int i = 0; i < n; i++) norms[i] = sqNorm(x, rowOffset(i, d), d);
        parallel.run(n, rowBlock, (thread, from, to) -> {
            try (Arena arena = Arena.ofConfined()) {
                // Each thread packs a panel of W other rows at a time and reuses it across its row block.
                MemorySegment panel = arena.allocate((long) W * d * Float.BYTES + 64, 64);
                float[] on = new float[W];
                float[] out = new float[TILE * W];
                long[] off = new long[TILE];
                int[][] bestIndex = new int[rowBlock][m];
                double[][] bestDistance = new double[rowBlock][m];
                int[] filled = new int[rowBlock];
                for (int r0 = from; r0 < to; r0 += rowBlock) {
                    int r1 = Math.min(to, r0 + rowBlock);
                    java.util.Arrays.fill(filled, 0);
                    for (int col0 = 0; col0 < n; col0 += W) {
                        int cols = Math.min(W, n - col0), w = roundUp(cols, L);
                        packPanel(x, d, col0, cols, w, panel);
                        for (int c = 0; c < w; c++) on[c] = c < cols ? norms[col0 + c] : Float.POSITIVE_INFINITY;
                        for (int i0 = r0; i0 < r1; i0 += TILE) {
                            for (int p = 0; p < TILE; p++) off[p] = rowOffset(Math.min(i0 + p, r1 - 1), d);
                            multiply(x, off, d, panel, 0, w, out);
                            for (int p = 0; p < TILE && i0 + p < r1; p++) {
                                int i = i0 + p, slot = i - r0;
                                FloatVector xnv = FloatVector.broadcast(S, norms[i]);
                                for (int v = 0; v < w; v += L) {
                                    FloatVector dist = FloatVector.fromArray(S, out, p * W + v).mul(-2f)
                                            .add(FloatVector.fromArray(S, on, v)).add(xnv).max(0f);
                                    if (filled[slot] == m
                                            && !dist.compare(VectorOperators.LT, (float) bestDistance[slot][m - 1]).anyTrue()) continue;
                                    for (int lane = 0; lane < L; lane++) {
                                        int other = col0 + v + lane;
                                        if (other >= n || other == i) continue;
                                        filled[slot] = Kernels.insertSorted(bestIndex[slot], bestDistance[slot], filled[slot], m,
                                                other, dist.lane(lane));
                                    }
                                }
                            }
                        }
                    }
                    for (int i = r0; i < r1; i++) {
                        for (int s = 0; s < m; s++) {
                            indices.setAtIndex(INT, (long) i * m + s, bestIndex[i - r0][s]);
                            distances.setAtIndex(FLOAT, (long) i * m + s, (float) bestDistance[i - r0][s]);
                        }
                    }
                }
            }
        });
    }

    // ---- building blocks ----

    /**
     * out[p·W + col] = Σ_j x[row p, j] · B[j, col] for the 4 rows at {@code off} and the {@code w} columns of the panel
     * at {@code base} (floats), laid out row-major with stride w.
     */
    private static void multiply(MemorySegment x, long[] off, int d, MemorySegment b, long base, int w, float[] out) {
        if (w == W) {
            multiply4x4(x, off[0], off[1], off[2], off[3], d, b, base * Float.BYTES, out);
        } else {
            for (int v = 0; v < w; v += L) multiply4x1(x, off[0], off[1], off[2], off[3], d, b, (base + v) * Float.BYTES, (long) w * Float.BYTES, out, v);
        }
    }

    private static void multiply4x4(MemorySegment x, long o0, long o1, long o2, long o3, int d, MemorySegment b, long at,
                                    float[] out) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        final long stride = (long) W * Float.BYTES, lane = (long) L * Float.BYTES;
        for (int j = 0; j < d; j++, at += stride) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, at, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, at + lane, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, at + 2 * lane, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, at + 3 * lane, LE);
            long jo = (long) j * Float.BYTES;
            FloatVector x0 = FloatVector.broadcast(S, x.get(FLOAT, o0 + jo));
            a00 = x0.fma(b0, a00); a01 = x0.fma(b1, a01); a02 = x0.fma(b2, a02); a03 = x0.fma(b3, a03);
            FloatVector x1 = FloatVector.broadcast(S, x.get(FLOAT, o1 + jo));
            a10 = x1.fma(b0, a10); a11 = x1.fma(b1, a11); a12 = x1.fma(b2, a12); a13 = x1.fma(b3, a13);
            FloatVector x2 = FloatVector.broadcast(S, x.get(FLOAT, o2 + jo));
            a20 = x2.fma(b0, a20); a21 = x2.fma(b1, a21); a22 = x2.fma(b2, a22); a23 = x2.fma(b3, a23);
            FloatVector x3 = FloatVector.broadcast(S, x.get(FLOAT, o3 + jo));
            a30 = x3.fma(b0, a30); a31 = x3.fma(b1, a31); a32 = x3.fma(b2, a32); a33 = x3.fma(b3, a33);
        }
        a00.intoArray(out, 0); a01.intoArray(out, L); a02.intoArray(out, 2 * L); a03.intoArray(out, 3 * L);
        a10.intoArray(out, W); a11.intoArray(out, W + L); a12.intoArray(out, W + 2 * L); a13.intoArray(out, W + 3 * L);
        a20.intoArray(out, 2 * W); a21.intoArray(out, 2 * W + L); a22.intoArray(out, 2 * W + 2 * L); a23.intoArray(out, 2 * W + 3 * L);
        a30.intoArray(out, 3 * W); a31.intoArray(out, 3 * W + L); a32.intoArray(out, 3 * W + 2 * L); a33.intoArray(out, 3 * W + 3 * L);
    }

    private static void multiply4x1(MemorySegment x, long o0, long o1, long o2, long o3, int d, MemorySegment b, long at,
                                    long stride, float[] out, int outCol) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < d; j++, at += stride) {
            FloatVector bv = FloatVector.fromMemorySegment(S, b, at, LE);
            long jo = (long) j * Float.BYTES;
            a0 = FloatVector.broadcast(S, x.get(FLOAT, o0 + jo)).fma(bv, a0);
            a1 = FloatVector.broadcast(S, x.get(FLOAT, o1 + jo)).fma(bv, a1);
            a2 = FloatVector.broadcast(S, x.get(FLOAT, o2 + jo)).fma(bv, a2);
            a3 = FloatVector.broadcast(S, x.get(FLOAT, o3 + jo)).fma(bv, a3);
        }
        a0.intoArray(out, outCol); a1.intoArray(out, W + outCol); a2.intoArray(out, 2 * W + outCol); a3.intoArray(out, 3 * W + outCol);
    }

    /** out[p·W + col] = Σ_j x² · P[j, col] + x · Q[j, col], one panel column vector at a time. */
    private static void multiplyQuadratic(MemorySegment x, long[] off, int d, MemorySegment pp, MemorySegment qp, long base,
                                          int w, float[] out) {
        long stride = (long) w * Float.BYTES;
        for (int v = 0; v < w; v += L) {
            long at = (base + v) * Float.BYTES;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < d; j++, at += stride) {
                FloatVector pv = FloatVector.fromMemorySegment(S, pp, at, LE), qv = FloatVector.fromMemorySegment(S, qp, at, LE);
                long jo = (long) j * Float.BYTES;
                float x0 = x.get(FLOAT, off[0] + jo), x1 = x.get(FLOAT, off[1] + jo), x2 = x.get(FLOAT, off[2] + jo), x3 = x.get(FLOAT, off[3] + jo);
                a0 = FloatVector.broadcast(S, x0 * x0).fma(pv, FloatVector.broadcast(S, x0).fma(qv, a0));
                a1 = FloatVector.broadcast(S, x1 * x1).fma(pv, FloatVector.broadcast(S, x1).fma(qv, a1));
                a2 = FloatVector.broadcast(S, x2 * x2).fma(pv, FloatVector.broadcast(S, x2).fma(qv, a2));
                a3 = FloatVector.broadcast(S, x3 * x3).fma(pv, FloatVector.broadcast(S, x3).fma(qv, a3));
            }
            a0.intoArray(out, v); a1.intoArray(out, W + v); a2.intoArray(out, 2 * W + v); a3.intoArray(out, 3 * W + v);
        }
    }

    /** Packs rows [0, count) of m, transposed, into panels of W columns (the last one {@code padded − start} wide, zero-padded). */
    private static MemorySegment pack(Arena arena, FloatMatrix m, int start, int count, int padded) {
        int d = m.cols();
        MemorySegment panels = arena.allocate((long) Math.max(padded, 1) * Math.max(d, 1) * Float.BYTES, 64);
        for (int c = 0; c < count; c++) {
            for (int j = 0; j < d; j++) panels.setAtIndex(FLOAT, panelIndex(c, j, d, padded), m.get(start + c, j));
        }
        return panels;
    }

    /** Packs rows [col0, col0+cols) of x transposed into one panel of width w (zero-padded). */
    private static void packPanel(MemorySegment x, int d, int col0, int cols, int w, MemorySegment panel) {
        for (int c = 0; c < w; c++) {
            long src = rowOffset(col0 + Math.min(c, cols - 1), d);
            for (int j = 0; j < d; j++) panel.setAtIndex(FLOAT, (long) j * w + c, c < cols ? x.get(FLOAT, src + (long) j * Float.BYTES) : 0f);
        }
    }

    /** Where element (column c, row j) of a d-row matrix with {@code padded} columns lives in the panel layout. */
    private static long panelIndex(int c, int j, int d, int padded) {
        int col0 = c - c % W, w = Math.min(W, padded - col0);
        return (long) col0 * d + (long) j * w + (c - col0);
    }

    private static float sqNorm(MemorySegment x, long off, int d) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < d; j += L) {
            FloatVector v = load(x, off, j, d);
            acc = v.fma(v, acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** L floats of the row at off from column j, zeros past column d. */
    private static FloatVector load(MemorySegment x, long off, int j, int d) {
        long at = off + (long) j * Float.BYTES;
        return j + L <= d ? FloatVector.fromMemorySegment(S, x, at, LE) : FloatVector.fromMemorySegment(S, x, at, LE, S.indexInRange(j, d));
    }

    /** acc[accOff + j] += scale · x[j] for j < d, widened to double. */
    private static void addWidened(MemorySegment x, long off, int d, double scale, double[] acc, int accOff) {
        for (int j = 0; j < d; j += DL) {
            long at = off + (long) j * Float.BYTES;
            FloatVector f = j + DL <= d ? FloatVector.fromMemorySegment(FH, x, at, LE)
                    : FloatVector.fromMemorySegment(FH, x, at, LE, FH.indexInRange(j, d));
            DoubleVector v = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector.fromArray(DS, acc, accOff + j).add(v.mul(scale)).intoArray(acc, accOff + j);
        }
    }

    /** y[yOff + j] += a · x[j] for j in [from, to), all multiples of DL. */
    private static void axpy(double a, double[] x, double[] y, int yOff, int from, int to) {
        DoubleVector av = DoubleVector.broadcast(DS, a);
        for (int j = from; j < to; j += DL) {
            DoubleVector.fromArray(DS, x, j).fma(av, DoubleVector.fromArray(DS, y, yOff + j)).intoArray(y, yOff + j);
        }
    }

    private static long rowOffset(int row, int d) {
        return (long) row * d * Float.BYTES;
    }

    private static int roundUp(int v, int multiple) {
        return Math.max(multiple, (v + multiple - 1) / multiple * multiple);
    }
}
