package dev.clusterby.cluster;

import dev.clusterby.compute.FloatMatrix;

import java.util.SplittableRandom;

/**
 * The mean silhouette coefficient on a seeded sample of rows, as scikit-learn's
 * {@code silhouette_score(X, labels, sample_size=…)}: Euclidean (not squared) distances, a = mean distance to the
 * rest of its own cluster, b = the lowest mean distance to another cluster, s = (b − a) / max(a, b), and 0 for a
 * row alone in its cluster. The pairwise distances of the sample are computed once, so scoring many labelings of
 * the same data (one per k) costs O(s²) each.
 */
final class Silhouette {
    static final int DEFAULT_SAMPLE = 2000;

    private final int[] rows;
    /** Row-major s×s Euclidean distances of the sampled rows. */
    private final float[] distances;

    private Silhouette(int[] rows, float[] distances) {
        this.rows = rows;
        this.distances = distances;
    }

    /** All rows when there are at most {@code size}, else {@code size} rows drawn without replacement. */
    static Silhouette sample(FloatMatrix data, int size, long seed) {
        int n = data.rows(), d = data.cols();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int s = Math.min(size, n);
        if (s < n) {
            SplittableRandom random = new SplittableRandom(seed ^ 0x5157L);
            for (int i = 0; i < s; i++) {
                int j = i + random.nextInt(n - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int[] rows = java.util.Arrays.copyOf(order, s);
        float[][] x = new float[s][];
        for (int i = 0; i < s; i++) x[i] = data.row(rows[i]).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        float[] distances = new float[s * s];
        for (int i = 0; i < s; i++) {
            float[] a = x[i];
            for (int j = i + 1; j < s; j++) {
                float[] b = x[j];
                double sum = 0;
                for (int p = 0; p < d; p++) {
                    double diff = a[p] - b[p];
                    sum += diff * diff;
                }
                float distance = (float) Math.sqrt(sum);
                distances[i * s + j] = distance;
                distances[j * s + i] = distance;
            }
        }
        return new Silhouette(rows, distances);
    }

    /** The mean silhouette of the sampled rows under labels of all n rows; NaN when the sample holds fewer than 2 clusters. */
    double score(int[] labels) {
        int s = rows.length;
        int k = 0;
        for (int row : rows) k = Math.max(k, labels[row] + 1);
        int[] label = new int[s];
        int[] sizes = new int[k];
        for (int i = 0; i < s; i++) sizes[label[i] = labels[rows[i]]]++;
        int clusters = 0;
        for (int size : sizes) if (size > 0) clusters++;
        if (clusters < 2 || clusters >= s) return Double.NaN;
        double total = 0;
        double[] sums = new double[k];
        for (int i = 0; i < s; i++) {
            java.util.Arrays.fill(sums, 0);
            int base = i * s;
            for (int j = 0; j < s; j++) sums[label[j]] += distances[base + j];
            int own = label[i];
            if (sizes[own] <= 1) continue;
            double a = sums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) if (c != own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
            double max = Math.max(a, b);
            if (max > 0) total += (b - a) / max;
        }
        return total / s;
    }
}
