package dev.clusterby.internal.compute.java;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.MemorySegment;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;
import static dev.clusterby.internal.compute.Segments.LONG;

/**
 * The reference: plain single-threaded loops that follow each kernel's definition, accumulating in double.
 * Every other backend is tested against this one; it is chosen for speed only when nothing else runs.
 */
public final class ScalarBackend implements ComputeBackend {

    public static ScalarBackend create() {
        return new ScalarBackend();
    }

    @Override public String name() { return "scalar"; }

    @Override public String device() { return "1 CPU thread, scalar reference"; }

    @Override
    public void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
        Kernels.checkSameWidth(points, centroids);
        int n = points.rows(), k = centroids.rows(), d = points.cols();
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double distance = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points.get(i, j) - centroids.get(c, j);
                    distance += diff * diff;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            labels.setAtIndex(INT, i, best);
            minDistances.setAtIndex(FLOAT, i, (float) bestDistance);
        }
    }

    @Override
    public void distancesL2(FloatMatrix points, FloatMatrix centroids, FloatMatrix out) {
        Kernels.checkSameWidth(points, centroids);
        int n = points.rows(), k = centroids.rows(), d = points.cols();
        if (out.rows() != n || out.cols() != k) {
            throw new IllegalArgumentException("out is " + out.rows() + "x" + out.cols() + ", expected " + n + "x" + k);
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double distance = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points.get(i, j) - centroids.get(c, j);
                    distance += diff * diff;
                }
                out.set(i, c, (float) distance);
            }
        }
    }

    @Override
    public void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
        Kernels.checkSameWidth(points, centroids);
        int n = points.rows(), k = centroids.rows(), d = points.cols();
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestSimilarity = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += (double) points.get(i, j) * centroids.get(c, j);
                if (dot > bestSimilarity) {
                    bestSimilarity = dot;
                    best = c;
                }
            }
            labels.setAtIndex(INT, i, best);
            maxSimilarity.setAtIndex(FLOAT, i, (float) bestSimilarity);
        }
    }

    @Override
    public void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
        int n = points.rows(), d = points.cols();
        sums.asSlice(0, (long) k * d * Double.BYTES).fill((byte) 0);
        counts.asSlice(0, (long) k * Long.BYTES).fill((byte) 0);
        for (int i = 0; i < n; i++) {
            int c = labels.getAtIndex(INT, i);
            if (c < 0 || c >= k) continue;
            counts.setAtIndex(LONG, c, counts.getAtIndex(LONG, c) + 1);
            for (int j = 0; j < d; j++) {
                long at = (long) c * d + j;
                sums.setAtIndex(DOUBLE, at, sums.getAtIndex(DOUBLE, at) + points.get(i, j));
            }
        }
    }

    @Override
    public double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        int n = points.rows(), k = means.rows(), d = points.cols();
        double[] logp = new double[k];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double quad = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points.get(i, j) - means.get(c, j);
                    quad += precisions.get(c, j) * diff * diff;
                }
                logp[c] = logNorm.getAtIndex(DOUBLE, c) - 0.5 * quad;
            }
            total += Kernels.normaliseRow(logp, responsibilities, i);
        }
        return total;
    }

    @Override
    public double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        int n = points.rows(), k = means.rows(), d = points.cols();
        double[] logp = new double[k];
        double[] centred = new double[d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) centred[j] = points.get(i, j) - means.get(c, j);
                double quad = 0;
                long block = (long) c * d * d;
                for (int col = 0; col < d; col++) {
                    double y = 0;
                    for (int row = 0; row < d; row++) {
                        y += centred[row] * precisionCholesky.getAtIndex(FLOAT, block + (long) row * d + col);
                    }
                    quad += y * y;
                }
                logp[c] = logNorm.getAtIndex(DOUBLE, c) - 0.5 * quad;
            }
            total += Kernels.normaliseRow(logp, responsibilities, i);
        }
        return total;
    }

    @Override
    public void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                           MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        int n = points.rows(), k = responsibilities.cols(), d = points.cols();
        long xxSize = full ? (long) k * d * d : (long) k * d;
        nk.asSlice(0, (long) k * Double.BYTES).fill((byte) 0);
        sumX.asSlice(0, (long) k * d * Double.BYTES).fill((byte) 0);
        sumXX.asSlice(0, xxSize * Double.BYTES).fill((byte) 0);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double r = responsibilities.get(i, c);
                nk.setAtIndex(DOUBLE, c, nk.getAtIndex(DOUBLE, c) + r);
                for (int j = 0; j < d; j++) {
                    double x = points.get(i, j);
                    long at = (long) c * d + j;
                    sumX.setAtIndex(DOUBLE, at, sumX.getAtIndex(DOUBLE, at) + r * x);
                    if (!full) {
                        sumXX.setAtIndex(DOUBLE, at, sumXX.getAtIndex(DOUBLE, at) + r * x * x);
                    } else {
                        for (int j2 = 0; j2 < d; j2++) {
                            long at2 = (long) c * d * d + (long) j * d + j2;
                            sumXX.setAtIndex(DOUBLE, at2, sumXX.getAtIndex(DOUBLE, at2) + r * x * points.get(i, j2));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity,
                                MemorySegment meanAbsGradient) {
        int n = points.rows(), d = points.cols();
        double[] t = new double[d];
        double tNorm = 0;
        for (int j = 0; j < d; j++) {
            t[j] = instruction.getAtIndex(FLOAT, j);
            tNorm += t[j] * t[j];
        }
        tNorm = Math.sqrt(tNorm);
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            if (similarity == Similarity.DOT) {
                // ∂(x·t)/∂x = t for every row.
                for (int j = 0; j < d; j++) mean[j] += Math.abs(t[j]);
                continue;
            }
            double dot = 0, xNorm = 0;
            for (int j = 0; j < d; j++) {
                double x = points.get(i, j);
                dot += x * t[j];
                xNorm += x * x;
            }
            xNorm = Math.sqrt(xNorm);
            if (xNorm == 0 || tNorm == 0) continue;
            // ∂cos/∂x = t/(‖x‖‖t‖) − (x·t) x/(‖x‖³‖t‖)
            double a = 1.0 / (xNorm * tNorm), b = dot / (xNorm * xNorm * xNorm * tNorm);
            for (int j = 0; j < d; j++) mean[j] += Math.abs(a * t[j] - b * points.get(i, j));
        }
        for (int j = 0; j < d; j++) meanAbsGradient.setAtIndex(DOUBLE, j, n == 0 ? 0 : mean[j] / n);
    }

    @Override
    public void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        int n = points.rows(), d = points.cols();
        Kernels.checkKnn(n, m);
        int[] bestIndex = new int[m];
        double[] bestDistance = new double[m];
        for (int i = 0; i < n; i++) {
            int filled = 0;
            for (int other = 0; other < n; other++) {
                if (other == i) continue;
                double distance = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points.get(i, j) - points.get(other, j);
                    distance += diff * diff;
                }
                filled = Kernels.insertSorted(bestIndex, bestDistance, filled, m, other, distance);
            }
            for (int slot = 0; slot < m; slot++) {
                indices.setAtIndex(INT, (long) i * m + slot, bestIndex[slot]);
                distances.setAtIndex(FLOAT, (long) i * m + slot, (float) bestDistance[slot]);
            }
        }
    }
}
