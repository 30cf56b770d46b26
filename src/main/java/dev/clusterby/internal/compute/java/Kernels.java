package dev.clusterby.internal.compute.java;

import dev.clusterby.compute.FloatMatrix;

/** Small pieces shared by the Java backends. */
final class Kernels {
    private Kernels() {}

    static void checkSameWidth(FloatMatrix points, FloatMatrix centroids) {
        if (points.cols() != centroids.cols()) {
            throw new IllegalArgumentException("points are " + points.cols() + "-d but centroids are " + centroids.cols() + "-d");
        }
        if (centroids.rows() < 1) throw new IllegalArgumentException("no centroids");
    }

    static void checkKnn(int n, int m) {
        if (m < 1 || m >= n) throw new IllegalArgumentException("knn needs 1 <= m < n, got m=" + m + " n=" + n);
    }

    /** Turns a row of log-probabilities into responsibilities in row i; returns its log-sum-exp. */
    static double normaliseRow(double[] logp, FloatMatrix responsibilities, int i) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logp) max = Math.max(max, v);
        double sum = 0;
        for (double v : logp) sum += Math.exp(v - max);
        double lse = max + Math.log(sum);
        for (int c = 0; c < logp.length; c++) responsibilities.set(i, c, (float) Math.exp(logp[c] - lse));
        return lse;
    }

    /**
     * Keeps the m smallest (distance, index) pairs sorted ascending, ties to the lower index; returns the new fill.
     * Candidates arrive in increasing index order, so an equal distance never displaces an earlier entry.
     */
    static int insertSorted(int[] index, double[] distance, int filled, int m, int candidate, double candidateDistance) {
        if (filled == m && candidateDistance >= distance[m - 1]) return filled;
        int slot = filled < m ? filled : m - 1;
        while (slot > 0 && distance[slot - 1] > candidateDistance) {
            distance[slot] = distance[slot - 1];
            index[slot] = index[slot - 1];
            slot--;
        }
        distance[slot] = candidateDistance;
        index[slot] = candidate;
        return Math.min(filled + 1, m);
    }
}
