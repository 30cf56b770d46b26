package dev.clusterby.internal.instruct;

import dev.clusterby.compute.FloatMatrix;

import java.util.ArrayList;
import java.util.List;

/** An orthonormal basis of the span of centred prompt embeddings, and the projection of items onto it. */
final class Subspace {
    /** Directions shorter than this fraction of the longest centred prompt are dependent: dropped. */
    static final double DROP_BELOW = 1e-6;

    private Subspace() {}

    /**
     * Centres the m prompt rows, then modified Gram–Schmidt in double, run twice per vector ("twice is enough")
     * so the basis stays orthogonal when prompts are nearly parallel. Returns r ≤ m−1 unit rows.
     */
    static double[][] basis(FloatMatrix prompts) {
        int m = prompts.rows(), d = prompts.cols();
        double[] mean = new double[d];
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) mean[j] += prompts.get(i, j);
        for (int j = 0; j < d; j++) mean[j] /= m;
        double[][] centred = new double[m][d];
        double longest = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) centred[i][j] = prompts.get(i, j) - mean[j];
            longest = Math.max(longest, norm(centred[i]));
        }
        List<double[]> basis = new ArrayList<>();
        if (longest == 0) return new double[0][];
        for (double[] v : centred) {
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : basis) {
                    double dot = dot(v, q);
                    for (int j = 0; j < d; j++) v[j] -= dot * q[j];
                }
            }
            double length = norm(v);
            if (length <= DROP_BELOW * longest) continue;
            for (int j = 0; j < d; j++) v[j] /= length;
            basis.add(v);
        }
        return basis.toArray(double[][]::new);
    }

    /** Coordinates of each item in the basis: out[i][r] = x_i · q_r (n×r, written into {@code out}). */
    static void project(FloatMatrix items, double[][] basis, FloatMatrix out) {
        int n = items.rows(), d = items.cols();
        // n×d×r with r ≤ a few dozen: small next to the embedding itself, so plain Java is enough here.
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) row[j] = items.get(i, j);
            for (int r = 0; r < basis.length; r++) out.set(i, r, (float) dot(row, basis[r]));
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
