package dev.clusterby.internal.compute.java;

import dev.clusterby.compute.FloatMatrix;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;
import static dev.clusterby.internal.compute.Segments.LONG;

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

    /** Full E-step tile: rows in lanes, two vectors of them. */
    private static final int FULL_ROWS = 2 * L;
    /** Full E-step tile: output columns of P_c per register tile (8 columns × 2 row vectors = 16 accumulators). */
    private static final int FULL_COLS = 8;
    /** Diag E-step tile: rows per tile (the components, in lanes, run in chunks of two vectors). */
    private static final int DIAG_ROWS = 4;

    /**
     * Diagonal E-step in the direct form Σ_j p_cj (x_j − m_cj)², components in lanes (means and precisions transposed
     * to d × kp, pad lanes p = 0). Not the expanded x²p − 2xmp + m²p: with reg-covar 1e-6 a precision reaches 1e6 and
     * the expansion cancels in float32.
     */
    static double gmmEStepDiag(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix means,
                               FloatMatrix precisions, MemorySegment logNorm, FloatMatrix responsibilities) {
        int n = points.rows(), d = points.cols(), k = means.rows(), kp = roundUp(k, L);
        if (n == 0) return 0;
        float[] mt = new float[d * kp], pt = new float[d * kp];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                mt[j * kp + c] = means.get(c, j);
                pt[j * kp + c] = precisions.get(c, j);
            }
        }
        MemorySegment x = points.data();
        return eStep(parallel, threads, points, responsibilities, logNorm, kp, DIAG_ROWS, () -> {
            long[] off = new long[DIAG_ROWS];
            return (i0, rows, quad) -> {
                // Rows past the end repeat the last row; their results are not used.
                for (int p = 0; p < DIAG_ROWS; p++) off[p] = rowOffset(i0 + Math.min(p, rows - 1), d);
                int c0 = 0;
                for (; c0 + 2 * L <= kp; c0 += 2 * L) diagQuad4x2(x, off, d, mt, pt, kp, c0, quad);
                if (c0 < kp) diagQuad4x1(x, off, d, mt, pt, kp, c0, quad);
            };
        });
    }

    /** quad[p·kp + c] for 4 rows and the 2L components from c0: two vectors of components per row. */
    private static void diagQuad4x2(MemorySegment x, long[] off, int d, float[] mt, float[] pt, int kp, int c0, float[] quad) {
        FloatVector q00 = FloatVector.zero(S), q01 = q00, q10 = q00, q11 = q00, q20 = q00, q21 = q00, q30 = q00, q31 = q00;
        long o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3];
        for (int j = 0, at = c0; j < d; j++, at += kp) {
            FloatVector m0 = FloatVector.fromArray(S, mt, at), m1 = FloatVector.fromArray(S, mt, at + L);
            FloatVector p0 = FloatVector.fromArray(S, pt, at), p1 = FloatVector.fromArray(S, pt, at + L);
            long jo = (long) j * Float.BYTES;
            FloatVector x0 = FloatVector.broadcast(S, x.get(FLOAT, o0 + jo));
            FloatVector e0 = x0.sub(m0), e1 = x0.sub(m1);
            q00 = p0.mul(e0).fma(e0, q00); q01 = p1.mul(e1).fma(e1, q01);
            FloatVector x1 = FloatVector.broadcast(S, x.get(FLOAT, o1 + jo));
            e0 = x1.sub(m0); e1 = x1.sub(m1);
            q10 = p0.mul(e0).fma(e0, q10); q11 = p1.mul(e1).fma(e1, q11);
            FloatVector x2 = FloatVector.broadcast(S, x.get(FLOAT, o2 + jo));
            e0 = x2.sub(m0); e1 = x2.sub(m1);
            q20 = p0.mul(e0).fma(e0, q20); q21 = p1.mul(e1).fma(e1, q21);
            FloatVector x3 = FloatVector.broadcast(S, x.get(FLOAT, o3 + jo));
            e0 = x3.sub(m0); e1 = x3.sub(m1);
            q30 = p0.mul(e0).fma(e0, q30); q31 = p1.mul(e1).fma(e1, q31);
        }
        q00.intoArray(quad, c0); q01.intoArray(quad, c0 + L);
        q10.intoArray(quad, kp + c0); q11.intoArray(quad, kp + c0 + L);
        q20.intoArray(quad, 2 * kp + c0); q21.intoArray(quad, 2 * kp + c0 + L);
        q30.intoArray(quad, 3 * kp + c0); q31.intoArray(quad, 3 * kp + c0 + L);
    }

    /** As {@link #diagQuad4x2} for the last vector of components. */
    private static void diagQuad4x1(MemorySegment x, long[] off, int d, float[] mt, float[] pt, int kp, int c0, float[] quad) {
        FloatVector q0 = FloatVector.zero(S), q1 = q0, q2 = q0, q3 = q0;
        for (int j = 0, at = c0; j < d; j++, at += kp) {
            FloatVector m = FloatVector.fromArray(S, mt, at), p = FloatVector.fromArray(S, pt, at);
            long jo = (long) j * Float.BYTES;
            FloatVector e0 = FloatVector.broadcast(S, x.get(FLOAT, off[0] + jo)).sub(m);
            FloatVector e1 = FloatVector.broadcast(S, x.get(FLOAT, off[1] + jo)).sub(m);
            FloatVector e2 = FloatVector.broadcast(S, x.get(FLOAT, off[2] + jo)).sub(m);
            FloatVector e3 = FloatVector.broadcast(S, x.get(FLOAT, off[3] + jo)).sub(m);
            q0 = p.mul(e0).fma(e0, q0); q1 = p.mul(e1).fma(e1, q1);
            q2 = p.mul(e2).fma(e2, q2); q3 = p.mul(e3).fma(e3, q3);
        }
        q0.intoArray(quad, c0); q1.intoArray(quad, kp + c0); q2.intoArray(quad, 2 * kp + c0); q3.intoArray(quad, 3 * kp + c0);
    }

    /**
     * Full E-step: per component, a tile of rows shifted by its mean, (x − μ_c), times P_c, and quad = Σ_j y_j², all
     * float32. Subtracting the mean first keeps float32 exact where the factor is large (nearly singular covariance);
     * expanding xP − μP would cancel there. Rows run in lanes (the tile is P_cᵀ times the shifted rows, transposed), so
     * Σ_j y_j² is a vertical FMA per output column and needs no cross-lane reduction per (row, component).
     */
    static double gmmEStepFull(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix means,
                               MemorySegment cholesky, MemorySegment logNorm, FloatMatrix responsibilities) {
        int n = points.rows(), d = points.cols(), k = means.rows(), kp = roundUp(k, L), jp = roundUp(d, FULL_COLS);
        if (n == 0) return 0;
        long packedSize = (long) k * d * jp;
        if (packedSize > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("full E-step of " + k + "×" + d + "² is too large");
        // P_c row-major with rows padded to jp columns (zeros), so every column group of FULL_COLS is whole.
        float[] packed = new float[(int) packedSize], mu = new float[k * d];
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < d; a++) {
                mu[c * d + a] = means.get(c, a);
                MemorySegment.copy(cholesky, FLOAT, ((long) c * d + a) * d * Float.BYTES, packed, (c * d + a) * jp, d);
            }
        }
        MemorySegment x = points.data();
        return eStep(parallel, threads, points, responsibilities, logNorm, kp, FULL_ROWS, () -> {
            float[] block = new float[FULL_ROWS * d], xt = new float[d * FULL_ROWS], shifted = new float[d * FULL_ROWS];
            float[] q = new float[FULL_ROWS];
            return (i0, rows, quad) -> {
                // The tile's rows transposed (d × FULL_ROWS), zero past the last row; copied to the heap first.
                MemorySegment.copy(x, FLOAT, rowOffset(i0, d), block, 0, rows * d);
                for (int r = 0; r < FULL_ROWS; r++) {
                    for (int a = 0; a < d; a++) xt[a * FULL_ROWS + r] = r < rows ? block[r * d + a] : 0f;
                }
                for (int c = 0; c < k; c++) {
                    for (int a = 0; a < d; a++) {
                        FloatVector m = FloatVector.broadcast(S, mu[c * d + a]);
                        for (int v = 0; v < FULL_ROWS; v += L) {
                            FloatVector.fromArray(S, xt, a * FULL_ROWS + v).sub(m).intoArray(shifted, a * FULL_ROWS + v);
                        }
                    }
                    fullQuad(shifted, d, packed, c * d * jp, jp, q);
                    for (int r = 0; r < rows; r++) quad[r * kp + c] = q[r];
                }
            };
        });
    }

    /**
     * q[r] = Σ_j (Σ_a s[a][r] P[a][j])² for the FULL_ROWS rows of the transposed shifted tile s: per group of
     * FULL_COLS columns, an 8 × 2-vector register tile (one broadcast of P per column, one load per row vector).
     * P is upper triangular (the contract), so the columns of a group take rows a up to the group's last column only.
     */
    private static void fullQuad(float[] s, int d, float[] p, int pAt, int jp, float[] q) {
        FloatVector q0 = FloatVector.zero(S), q1 = q0;
        for (int j0 = 0; j0 < jp; j0 += FULL_COLS) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
            int aEnd = Math.min(d, j0 + FULL_COLS);  // P[a][j] = 0 for a > j
            for (int a = 0, sAt = 0, at = pAt + j0; a < aEnd; a++, sAt += FULL_ROWS, at += jp) {
                FloatVector s0 = FloatVector.fromArray(S, s, sAt), s1 = FloatVector.fromArray(S, s, sAt + L);
                FloatVector b = FloatVector.broadcast(S, p[at]);
                a00 = b.fma(s0, a00); a01 = b.fma(s1, a01);
                b = FloatVector.broadcast(S, p[at + 1]);
                a10 = b.fma(s0, a10); a11 = b.fma(s1, a11);
                b = FloatVector.broadcast(S, p[at + 2]);
                a20 = b.fma(s0, a20); a21 = b.fma(s1, a21);
                b = FloatVector.broadcast(S, p[at + 3]);
                a30 = b.fma(s0, a30); a31 = b.fma(s1, a31);
                b = FloatVector.broadcast(S, p[at + 4]);
                a40 = b.fma(s0, a40); a41 = b.fma(s1, a41);
                b = FloatVector.broadcast(S, p[at + 5]);
                a50 = b.fma(s0, a50); a51 = b.fma(s1, a51);
                b = FloatVector.broadcast(S, p[at + 6]);
                a60 = b.fma(s0, a60); a61 = b.fma(s1, a61);
                b = FloatVector.broadcast(S, p[at + 7]);
                a70 = b.fma(s0, a70); a71 = b.fma(s1, a71);
            }
            q0 = a00.fma(a00, q0).add(a10.mul(a10)).add(a20.mul(a20)).add(a30.mul(a30))
                    .add(a40.mul(a40)).add(a50.mul(a50)).add(a60.mul(a60)).add(a70.mul(a70));
            q1 = a01.fma(a01, q1).add(a11.mul(a11)).add(a21.mul(a21)).add(a31.mul(a31))
                    .add(a41.mul(a41)).add(a51.mul(a51)).add(a61.mul(a61)).add(a71.mul(a71));
        }
        q0.intoArray(q, 0);
        q1.intoArray(q, L);
    }

    /** Fills quad[r·kp + c] (float32 Σ, c < k) for the rows [i0, i0 + rows) of one tile. */
    private interface QuadTile {
        void fill(int i0, int rows, float[] quad);
    }

    /** One QuadTile per thread, each with its own scratch. */
    private interface QuadTiles {
        QuadTile forThread();
    }

    /**
     * Tiles the rows, lets the density fill the quadratic forms, then turns each row into responsibilities; returns
     * Σ log-sum-exp. Log-probabilities logNorm − ½ quad are formed in double (logNorm can be in the thousands, where
     * a float32 ulp is 1e-3), the differences to the row maximum exponentiated in float.
     */
    private static double eStep(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix responsibilities,
                                MemorySegment logNorm, int kp, int tileRows, QuadTiles tiles) {
        int n = points.rows(), k = responsibilities.cols();
        double[] lnd = new double[kp];
        // Padding components get −inf, so they contribute exp(−inf) = 0.
        for (int c = 0; c < kp; c++) lnd[c] = c < k ? logNorm.getAtIndex(DOUBLE, c) : Double.NEGATIVE_INFINITY;
        double[] partial = new double[threads];
        MemorySegment out = responsibilities.data();
        int used = parallel.run(n, tileRows, (thread, from, to) -> {
            QuadTile tile = tiles.forThread();
            float[] quad = new float[tileRows * kp], e = new float[kp];
            double[] logp = new double[kp];
            LogSumExp lse = new LogSumExp();
            for (int i0 = from; i0 < to; i0 += tileRows) {
                int rows = Math.min(tileRows, to - i0);
                tile.fill(i0, rows, quad);
                for (int r = 0; r < rows; r++) normalise(quad, r * kp, lnd, k, logp, e, out, (long) (i0 + r) * k * Float.BYTES, lse);
            }
            partial[thread] = lse.total();
        });
        double total = 0;
        for (int t = 0; t < used; t++) total += partial[t];
        return total;
    }

    /**
     * One row: logp = lnd − ½ quad (double), responsibilities exp(logp − max) / Σ into out, and (max, Σ) into lse.
     * Differences below −87 give exactly 0 (exp would be a float denormal, and those are slow).
     */
    private static void normalise(float[] quad, int qAt, double[] lnd, int k, double[] logp, float[] e, MemorySegment out,
                                  long outOffset, LogSumExp lse) {
        int kp = lnd.length;
        DoubleVector maxV = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
        for (int c = 0; c < kp; c += DL) {
            DoubleVector q = (DoubleVector) FloatVector.fromArray(FH, quad, qAt + c).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector v = DoubleVector.fromArray(DS, lnd, c).sub(q.mul(0.5));
            v.intoArray(logp, c);
            maxV = maxV.max(v);
        }
        double max = maxV.reduceLanes(VectorOperators.MAX);
        for (int c = 0; c < kp; c += DL) {
            ((FloatVector) DoubleVector.fromArray(DS, logp, c).sub(max).convertShape(VectorOperators.D2F, FH, 0)).intoArray(e, c);
        }
        FloatVector sumV = FloatVector.zero(S);
        for (int c = 0; c < kp; c += L) {
            FloatVector v = FloatVector.fromArray(S, e, c);
            FloatVector ev = v.max(-87f).lanewise(VectorOperators.EXP).blend(0f, v.compare(VectorOperators.LT, -87f));
            ev.intoArray(e, c);
            sumV = sumV.add(ev);
        }
        double sum = sumV.reduceLanes(VectorOperators.ADD);
        float scale = (float) (1.0 / sum);
        for (int c = 0; c < k; c += L) {
            FloatVector rv = FloatVector.fromArray(S, e, c).mul(scale);
            if (c + L <= k) rv.intoMemorySegment(out, outOffset + (long) c * Float.BYTES, LE);
            else rv.intoMemorySegment(out, outOffset + (long) c * Float.BYTES, LE, S.indexInRange(c, k));
        }
        lse.add(max, sum);
    }

    /**
     * Σ over rows of max + log(sum) with one log per 8 rows: each sum lies in [1, k], so a product of 8 stays far
     * inside double range. Math.log per row was a visible share of the diagonal E-step.
     */
    private static final class LogSumExp {
        private double total, product = 1;
        private int pending;

        void add(double max, double sum) {
            total += max;
            product *= sum;
            if (++pending == 8 || product > 1e200) flush();
        }

        private void flush() {
            total += Math.log(product);
            product = 1;
            pending = 0;
        }

        double total() {
            if (pending > 0) flush();
            return total;
        }
    }

    /** Rows per moments block: a left tile and a panel of float64 (MOMENT_BLOCK × MOMENT_COLS) stay in L1 together. */
    private static final int MOMENT_BLOCK = 128;
    /** Moments register tile: 4 left rows × 4 double vectors. */
    private static final int MOMENT_ROWS = 4;
    private static final int MOMENT_COLS = 4 * DL;

    /**
     * M-step moments as one float64 product per block of rows (a row of ones in the left factor gives the plain sums):
     * <pre>
     *   diag: [x², x, 1]ᵀ R        → sumXX[c][j] at (j, c), sumX[c][j] at (d + j, c), nk[c] at (2d, c)
     *   full: [x, 1]ᵀ [R⊗X, R]     → sumXX[c][a][b] at (b, c·d + a), sumX[c][a] at (d, c·d + a), nk[c] at (d, kd + c)
     * </pre>
     * Float64 because the M-step subtracts μμᵀ from these: float32 sums lose nearly singular covariances (digits,
     * reg-covar 1e-6) to rounding. Threads own (panel, left tile) pairs and add each block's tile in row order, so every
     * sum has one writer and the result does not depend on the thread count. Full sums are symmetric: only the pairs
     * with left row ≤ column are computed (and read back mirrored), so each sumXX block comes out exactly symmetric.
     */
    static void gmmMoments(VectorBackend.Parallel parallel, int threads, FloatMatrix points, FloatMatrix responsibilities,
                           boolean full, MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        int n = points.rows(), d = points.cols(), k = responsibilities.cols();
        int left = full ? d + 1 : 2 * d + 1, ltiles = (left + MOMENT_ROWS - 1) / MOMENT_ROWS;
        long cols = full ? (long) k * d + k : k, panels = (cols + MOMENT_COLS - 1) / MOMENT_COLS, ld = panels * MOMENT_COLS;
        if (ltiles * MOMENT_ROWS * ld > Integer.MAX_VALUE - 64 || ltiles * panels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("moments of " + k + " components × " + d + " dimensions are too large");
        }
        double[] acc = new double[(int) (ltiles * MOMENT_ROWS * ld)];
        MemorySegment x = points.data(), r = responsibilities.data();
        int ldi = (int) ld;
        // The (panel, left tile) pairs to compute, panel-major; threads split this list, not the full grid, so the
        // work stays balanced after skipping. Full: a panel of columns (c, a) for a ≤ aMax needs left rows b ≤ aMax
        // (the other half is the mirror), plus the tile with the row of ones (row d); columns of R need that tile only.
        int[] active = new int[(int) (ltiles * panels)];
        int count = 0;
        for (long p = 0; p < panels; p++) {
            long g0 = p * MOMENT_COLS, g1 = Math.min(g0 + MOMENT_COLS, cols) - 1, kd = (long) k * d;
            long aMax = !full ? left : g0 >= kd ? -1 : g1 < kd && g0 / d == g1 / d ? g1 % d : d - 1;
            for (int lt = 0; lt < ltiles; lt++) {
                if ((long) lt * MOMENT_ROWS <= aMax || (full && lt == d / MOMENT_ROWS)) active[count++] = (int) (p * ltiles + lt);
            }
        }
        int tasks = count;
        parallel.run(tasks, 1, (thread, from, to) -> {
            // Left factor transposed, one row per block position: lhs[row·MOMENT_BLOCK + i]; pad rows stay 0.
            double[] lhs = new double[ltiles * MOMENT_ROWS * MOMENT_BLOCK], panel = new double[MOMENT_BLOCK * MOMENT_COLS];
            float[] xb = new float[MOMENT_BLOCK * d], rb = new float[MOMENT_BLOCK * k];
            int ones = full ? d : 2 * d;
            java.util.Arrays.fill(lhs, ones * MOMENT_BLOCK, (ones + 1) * MOMENT_BLOCK, 1.0);
            for (int i0 = 0; i0 < n; i0 += MOMENT_BLOCK) {
                int rows = Math.min(MOMENT_BLOCK, n - i0);
                // The block on the heap: element reads from a shared segment in the strided loops below were slow.
                MemorySegment.copy(x, FLOAT, rowOffset(i0, d), xb, 0, rows * d);
                MemorySegment.copy(r, FLOAT, (long) i0 * k * Float.BYTES, rb, 0, rows * k);
                buildLeft(xb, rows, d, full, lhs);
                int built = -1;
                for (int at = from; at < to; at++) {
                    int p = active[at] / ltiles, lt = active[at] % ltiles;
                    if (p != built) {
                        buildPanel(xb, rb, rows, d, k, full, (long) p * MOMENT_COLS, panel);
                        built = p;
                    }
                    momentTile(lhs, lt * MOMENT_ROWS * MOMENT_BLOCK, panel, rows, acc, lt * MOMENT_ROWS * ldi + p * MOMENT_COLS, ldi);
                }
            }
        });
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < d; a++) {
                if (full) {
                    for (int b = 0; b < d; b++) {  // computed: left row ≤ column
                        double v = b <= a ? acc[b * ldi + c * d + a] : acc[a * ldi + c * d + b];
                        sumXX.setAtIndex(DOUBLE, ((long) c * d + a) * d + b, v);
                    }
                    sumX.setAtIndex(DOUBLE, (long) c * d + a, acc[d * ldi + c * d + a]);
                } else {
                    sumXX.setAtIndex(DOUBLE, (long) c * d + a, acc[a * ldi + c]);
                    sumX.setAtIndex(DOUBLE, (long) c * d + a, acc[(d + a) * ldi + c]);
                }
            }
            nk.setAtIndex(DOUBLE, c, full ? acc[d * ldi + k * d + c] : acc[2 * d * ldi + c]);
        }
    }

    /**
     * The block's left factor, transposed: diag x² (rows 0..d), x (d..2d); full x (0..d). The ones row is fixed.
     * Column by column: the reads stride through the block (in L1) and the writes stream; row by row, the writes went
     * to 2d lines a power of two apart, which share a handful of L1 sets and evicted each other.
     */
    private static void buildLeft(float[] xb, int rows, int d, boolean full, double[] lhs) {
        for (int a = 0; a < d; a++) {
            int to = a * MOMENT_BLOCK, plain = (d + a) * MOMENT_BLOCK;
            for (int i = 0, from = a; i < rows; i++, from += d) {
                double v = xb[from];
                if (full) {
                    lhs[to + i] = v;
                } else {
                    lhs[to + i] = v * v;
                    lhs[plain + i] = v;
                }
            }
        }
    }

    /**
     * The block's right factor, one panel: panel[i·MOMENT_COLS + l] is column g = g0 + l of diag R (g < k), full
     * R⊗X then R (r_c x_a at g = c·d + a, then r_c at g = kd + c); 0 past the last column. In float64, where the
     * product of two floats is exact. Whole slices of one row of R or X are widened as vectors; the rest (a panel
     * across two components, or past the last column) element by element.
     */
    private static void buildPanel(float[] xb, float[] rb, int rows, int d, int k, boolean full, long g0, double[] panel) {
        long cols = full ? (long) k * d + k : k, g1 = g0 + MOMENT_COLS - 1, rStart = full ? (long) k * d : 0;
        if (g1 < cols && g0 >= rStart) {  // responsibilities only
            int c0 = (int) (g0 - rStart);
            for (int i = 0; i < rows; i++) widen(rb, i * k + c0, 1.0, panel, i * MOMENT_COLS);
        } else if (full && g1 < rStart && g0 / d == g1 / d) {  // one component: r_c times a slice of x
            int c = (int) (g0 / d), a0 = (int) (g0 % d);
            for (int i = 0; i < rows; i++) widen(xb, i * d + a0, rb[i * k + c], panel, i * MOMENT_COLS);
        } else {
            // Diag is the R region alone (rStart = 0).
            int c0 = (int) (g0 < rStart ? g0 / d : k + (g0 - rStart)), a0 = (int) (g0 < rStart ? g0 % d : 0);
            for (int i = 0; i < rows; i++) {
                int c = c0, a = a0;
                for (int l = 0; l < MOMENT_COLS; l++) {
                    // c < k: r_c x_a (a runs through x, then on to the next component); c ≥ k: r_(c−k), then 0.
                    panel[i * MOMENT_COLS + l] = c < k ? (double) rb[i * k + c] * xb[i * d + a] : c - k < k ? rb[i * k + c - k] : 0;
                    if (c >= k || ++a == d) {
                        a = 0;
                        c++;
                    }
                }
            }
        }
    }

    /** to[at + l] = w · src[from + l] (float → double, exact) for MOMENT_COLS values. */
    private static void widen(float[] src, int from, double w, double[] to, int at) {
        for (int l = 0; l < MOMENT_COLS; l += DL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(FH, src, from + l).convertShape(VectorOperators.F2D, DS, 0);
            v.mul(w).intoArray(to, at + l);
        }
    }

    /**
     * acc[at + row·ld + col] += Σ_i lhs[l0 + row·MOMENT_BLOCK + i] · panel[i·MOMENT_COLS + col] over the block's rows:
     * a 4 × 4-vector register tile, one broadcast per left row and one load per column vector.
     */
    private static void momentTile(double[] lhs, int l0, double[] panel, int rows, double[] acc, int at, int ld) {
        DoubleVector a00 = DoubleVector.zero(DS), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        DoubleVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int i = 0, pAt = 0; i < rows; i++, pAt += MOMENT_COLS) {
            DoubleVector b0 = DoubleVector.fromArray(DS, panel, pAt), b1 = DoubleVector.fromArray(DS, panel, pAt + DL);
            DoubleVector b2 = DoubleVector.fromArray(DS, panel, pAt + 2 * DL), b3 = DoubleVector.fromArray(DS, panel, pAt + 3 * DL);
            DoubleVector x0 = DoubleVector.broadcast(DS, lhs[l0 + i]);
            a00 = x0.fma(b0, a00); a01 = x0.fma(b1, a01); a02 = x0.fma(b2, a02); a03 = x0.fma(b3, a03);
            DoubleVector x1 = DoubleVector.broadcast(DS, lhs[l0 + MOMENT_BLOCK + i]);
            a10 = x1.fma(b0, a10); a11 = x1.fma(b1, a11); a12 = x1.fma(b2, a12); a13 = x1.fma(b3, a13);
            DoubleVector x2 = DoubleVector.broadcast(DS, lhs[l0 + 2 * MOMENT_BLOCK + i]);
            a20 = x2.fma(b0, a20); a21 = x2.fma(b1, a21); a22 = x2.fma(b2, a22); a23 = x2.fma(b3, a23);
            DoubleVector x3 = DoubleVector.broadcast(DS, lhs[l0 + 3 * MOMENT_BLOCK + i]);
            a30 = x3.fma(b0, a30); a31 = x3.fma(b1, a31); a32 = x3.fma(b2, a32); a33 = x3.fma(b3, a33);
        }
        // Added in place, not through a helper: a vector passed to a call C2 does not inline gets boxed, every row.
        int r1 = at + ld, r2 = at + 2 * ld, r3 = at + 3 * ld;
        a00.add(DoubleVector.fromArray(DS, acc, at)).intoArray(acc, at);
        a01.add(DoubleVector.fromArray(DS, acc, at + DL)).intoArray(acc, at + DL);
        a02.add(DoubleVector.fromArray(DS, acc, at + 2 * DL)).intoArray(acc, at + 2 * DL);
        a03.add(DoubleVector.fromArray(DS, acc, at + 3 * DL)).intoArray(acc, at + 3 * DL);
        a10.add(DoubleVector.fromArray(DS, acc, r1)).intoArray(acc, r1);
        a11.add(DoubleVector.fromArray(DS, acc, r1 + DL)).intoArray(acc, r1 + DL);
        a12.add(DoubleVector.fromArray(DS, acc, r1 + 2 * DL)).intoArray(acc, r1 + 2 * DL);
        a13.add(DoubleVector.fromArray(DS, acc, r1 + 3 * DL)).intoArray(acc, r1 + 3 * DL);
        a20.add(DoubleVector.fromArray(DS, acc, r2)).intoArray(acc, r2);
        a21.add(DoubleVector.fromArray(DS, acc, r2 + DL)).intoArray(acc, r2 + DL);
        a22.add(DoubleVector.fromArray(DS, acc, r2 + 2 * DL)).intoArray(acc, r2 + 2 * DL);
        a23.add(DoubleVector.fromArray(DS, acc, r2 + 3 * DL)).intoArray(acc, r2 + 3 * DL);
        a30.add(DoubleVector.fromArray(DS, acc, r3)).intoArray(acc, r3);
        a31.add(DoubleVector.fromArray(DS, acc, r3 + DL)).intoArray(acc, r3 + DL);
        a32.add(DoubleVector.fromArray(DS, acc, r3 + 2 * DL)).intoArray(acc, r3 + 2 * DL);
        a33.add(DoubleVector.fromArray(DS, acc, r3 + 3 * DL)).intoArray(acc, r3 + 3 * DL);
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

    private static long rowOffset(int row, int d) {
        return (long) row * d * Float.BYTES;
    }

    private static int roundUp(int v, int multiple) {
        return Math.max(multiple, (v + multiple - 1) / multiple * multiple);
    }
}
