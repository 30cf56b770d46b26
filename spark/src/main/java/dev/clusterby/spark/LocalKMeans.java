package dev.clusterby.spark;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Weighted k-means on the driver, for the k-means|| candidates: k-means++ by weight × squared distance (one
 * draw per centre, as MLlib's LocalKMeans), then weighted Lloyd until the labels stop changing; the best of
 * {@code restarts} such runs by weighted cost. The candidates are few (about 4k), so restarts cost little next
 * to one distributed pass, and they keep a poor draw from deciding the whole fit.
 */
final class LocalKMeans {
    private LocalKMeans() {}

    static float[] best(float[] points, long[] weights, int dim, int k, Random random, int maxIterations, int restarts) {
        float[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int run = 0; run < restarts; run++) {
            float[] centers = fit(points, weights, dim, k, random, maxIterations);
            double cost = 0;
            for (int i = 0; i < weights.length; i++) {
                double nearest = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) nearest = Math.min(nearest, squaredDistance(points, i, centers, c, dim));
                cost += weights[i] * nearest;
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = centers;
            }
        }
        return best;
    }

    static float[] fit(float[] points, long[] weights, int dim, int k, Random random, int maxIterations) {
        int m = weights.length;
        float[] centers = new float[k * dim];
        double[] nearest = new double[m];
        int first = pickByWeight(weights, null, random);
        System.arraycopy(points, first * dim, centers, 0, dim);
        for (int i = 0; i < m; i++) nearest[i] = squaredDistance(points, i, centers, 0, dim);
        for (int c = 1; c < k; c++) {
            int chosen = pickByWeight(weights, nearest, random);
            System.arraycopy(points, chosen * dim, centers, c * dim, dim);
            for (int i = 0; i < m; i++) nearest[i] = Math.min(nearest[i], squaredDistance(points, i, centers, c, dim));
        }

        int[] labels = new int[m];
        java.util.Arrays.fill(labels, -1);
        try (Arena arena = Arena.ofShared()) {
            var matrix = Kernels.matrix(arena, points, m, dim);
            MemorySegment labelSegment = arena.allocate((long) m * Integer.BYTES, 64);
            MemorySegment distances = arena.allocate((long) m * Float.BYTES, 64);
            for (int iteration = 0; iteration < maxIterations; iteration++) {
                Kernels.backend().assignL2(matrix, Kernels.matrix(arena, centers, k, dim), labelSegment, distances);
                boolean changed = false;
                for (int i = 0; i < m; i++) {
                    int label = labelSegment.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    if (label != labels[i]) changed = true;
                    labels[i] = label;
                }
                if (!changed) break;
                double[] sums = new double[k * dim];
                double[] mass = new double[k];
                for (int i = 0; i < m; i++) {
                    mass[labels[i]] += weights[i];
                    for (int j = 0; j < dim; j++) sums[labels[i] * dim + j] += (double) weights[i] * points[i * dim + j];
                }
                for (int c = 0; c < k; c++) {
                    if (mass[c] > 0) for (int j = 0; j < dim; j++) centers[c * dim + j] = (float) (sums[c * dim + j] / mass[c]);
                    else {
                        int again = random.nextInt(m);   // an empty centre restarts at a random candidate, as MLlib's
                        System.arraycopy(points, again * dim, centers, c * dim, dim);
                    }
                }
            }
        }
        return centers;
    }

    private static int pickByWeight(long[] weights, double[] distances, Random random) {
        double total = 0;
        for (int i = 0; i < weights.length; i++) total += weights[i] * (distances == null ? 1 : distances[i]);
        if (!(total > 0)) return random.nextInt(weights.length);
        double r = random.nextDouble() * total, running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i] * (distances == null ? 1 : distances[i]);
            if (running >= r) return i;
        }
        return weights.length - 1;
    }

    private static double squaredDistance(float[] points, int i, float[] centers, int c, int dim) {
        double total = 0;
        for (int j = 0; j < dim; j++) {
            double diff = points[i * dim + j] - centers[c * dim + j];
            total += diff * diff;
        }
        return total;
    }
}
