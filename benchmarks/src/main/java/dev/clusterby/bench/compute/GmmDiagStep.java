package dev.clusterby.bench.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.clusterby.internal.compute.Segments.DOUBLE;

/**
 * One EM iteration of a diagonal GMM on the kernels, with scikit-learn's M-step: weights nk/n, means sumX/nk,
 * variances sumXX/nk − mean² + reg_covar (1e-6), then the precisions and log normalisers for the next E-step.
 */
final class GmmDiagStep {
    static final double REG_COVAR = 1e-6;
    final FloatMatrix points, means, precisions, resp;
    final MemorySegment logNorm, nk, sumX, sumXX;

    GmmDiagStep(Arena arena, FloatMatrix points, FloatMatrix means, FloatMatrix precisions) {
        int n = points.rows(), k = means.rows(), d = points.cols();
        this.points = points;
        this.means = means;
        this.precisions = precisions;
        resp = Segments.matrix(arena, n, k);
        logNorm = Segments.doubles(arena, k);
        nk = Segments.doubles(arena, k);
        sumX = Segments.doubles(arena, (long) k * d);
        sumXX = Segments.doubles(arena, (long) k * d);
        double[] weights = new double[k];
        java.util.Arrays.fill(weights, 1.0 / k);
        setLogNorm(weights);
    }

    /** Returns the mean log-likelihood per point of the E-step (scikit-learn's lower_bound_). */
    double iterate(ComputeBackend backend) {
        int n = points.rows(), k = means.rows(), d = points.cols();
        double logLikelihood = backend.gmmEStepDiag(points, means, precisions, logNorm, resp);
        backend.gmmMoments(points, resp, false, nk, sumX, sumXX);
        double[] weights = new double[k];
        for (int c = 0; c < k; c++) {
            double count = nk.getAtIndex(DOUBLE, c) + 10 * Math.ulp(1.0); // as sklearn, so an empty component stays finite
            weights[c] = count / n;
            for (int j = 0; j < d; j++) {
                long at = (long) c * d + j;
                double mean = sumX.getAtIndex(DOUBLE, at) / count;
                double variance = Math.max(sumXX.getAtIndex(DOUBLE, at) / count - mean * mean, 0) + REG_COVAR;
                means.set(c, j, (float) mean);
                precisions.set(c, j, (float) (1 / variance));
            }
        }
        setLogNorm(weights);
        return logLikelihood / n;
    }

    /** log w_c − d/2·log 2π + ½ Σ_j log precision_cj. */
    void setLogNorm(double[] weights) {
        int k = means.rows(), d = points.cols();
        for (int c = 0; c < k; c++) {
            double sum = 0;
            for (int j = 0; j < d; j++) sum += Math.log(precisions.get(c, j));
            logNorm.setAtIndex(DOUBLE, c, Math.log(weights[c]) - 0.5 * d * Math.log(2 * Math.PI) + 0.5 * sum);
        }
    }
}
