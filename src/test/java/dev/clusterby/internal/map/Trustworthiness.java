package dev.clusterby.internal.map;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * scikit-learn's {@code sklearn.manifold.trustworthiness} (Venna and Kaski 2001) in plain Java, so tests need no Python:
 * 1 − 2/(nk(2n − 3k − 1)) Σᵢ Σ_{j ∈ Uᵢ} (r(i, j) − k), where Uᵢ holds the k nearest neighbours of i in the layout that
 * are not among its k nearest in the input, and r(i, j) is j's rank by input distance. O(n² log n): for tests.
 */
final class Trustworthiness {
    private Trustworthiness() {}

    static double of(float[][] input, float[][] layout, int k) {
        int n = input.length;
        double penalty = IntStream.range(0, n).parallel().mapToDouble(i -> {
            int[] inputOrder = byDistance(input, i);
            int[] rank = new int[n];
            for (int r = 0; r < inputOrder.length; r++) rank[inputOrder[r]] = r + 1;
            int[] layoutOrder = byDistance(layout, i);
            double sum = 0;
            for (int s = 0; s < k; s++) sum += Math.max(0, rank[layoutOrder[s]] - k);
            return sum;
        }).sum();
        return 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
    }

    /** The other rows, nearest first (ties to the lower index, as a stable argsort). */
    private static int[] byDistance(float[][] x, int i) {
        int n = x.length;
        long[] keyed = new long[n - 1];
        int s = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double d = 0;
            for (int c = 0; c < x[i].length; c++) {
                double v = x[i][c] - x[j][c];
                d += v * v;
            }
            // float bits of a non-negative float sort as the float does
            keyed[s++] = ((long) Float.floatToIntBits((float) d) << 32) | j;
        }
        Arrays.sort(keyed);
        int[] order = new int[n - 1];
        for (int r = 0; r < n - 1; r++) order[r] = (int) keyed[r];
        return order;
    }
}
