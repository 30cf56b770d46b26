package dev.clusterby.cluster;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;

/**
 * k-means seedings, usable on their own (the Spark module's distributed k-means|| ends in {@link #plusPlus} on its
 * weighted candidates):
 * <ul>
 * <li>{@link #plusPlus}: greedy k-means++ (scikit-learn's): each new centre is the best of 2 + ln k candidates drawn
 *     in proportion to weight × squared distance to the nearest centre so far, judged by the potential it leaves.
 *     It makes k passes over its rows, so {@link KMeans} runs it on a uniform sample ({@link #sample}).</li>
 * <li>{@link #parallel}: k-means|| (Bahmani et al. 2012, Spark's default): a few passes that each keep every row with
 *     probability ℓ·d²/φ, then weighted k-means++ on the kept candidates, weighted by how many rows each is nearest to.</li>
 * </ul>
 * Centres are returned as a k×d row-major array.
 */
public final class KMeansSeeding {
    private KMeansSeeding() {}

    /** Greedy k-means++ on every row of {@code data} (weights null: each row weighs 1). */
    public static float[] plusPlus(FloatMatrix data, float[] weights, int k, SplittableRandom random, ComputeBackend backend) {
        if (k < 1 || k > data.rows()) throw new IllegalArgumentException("k=" + k + " for " + data.rows() + " rows");
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix centroids = Segments.matrix(arena, k, data.cols());
            plusPlus(data, weights, centroids, random, backend, arena);
            return centroids.toArray();
        }
    }

    /** Greedy k-means++ into {@code centroids} (k×d). */
    static void plusPlus(FloatMatrix data, float[] weights, FloatMatrix centroids, SplittableRandom random,
                         ComputeBackend backend, Arena arena) {
        int n = data.rows(), d = data.cols(), k = centroids.rows();
        int trials = 2 + (int) Math.log(k);
        copyRow(data, weights == null ? random.nextInt(n) : sample(toDoubles(weights), sum(weights), random), centroids, 0);
        FloatMatrix first = Segments.matrix(arena, n, 1);
        backend.distancesL2(data, new FloatMatrix(centroids.row(0), 1, d), first);
        // Heap copies: these loops run before the JIT warms up, where per-element segment access is slow.
        double[] closest = new double[n];
        float[] firstDistances = first.toArray();
        double potential = 0;
        for (int i = 0; i < n; i++) potential += closest[i] = weight(weights, i) * firstDistances[i];
        FloatMatrix candidates = Segments.matrix(arena, trials, d);
        FloatMatrix candidateDistances = Segments.matrix(arena, n, trials);
        float[] distances = new float[n * trials];
        double[] bestClosest = new double[n];
        int[] picks = new int[trials];
        for (int c = 1; c < k; c++) {
            for (int t = 0; t < trials; t++) {
                picks[t] = sample(closest, potential, random);
                copyRow(data, picks[t], candidates, t);
            }
            // All candidates are scored in one pass over the data, as scikit-learn does.
            backend.distancesL2(data, candidates, candidateDistances);
            MemorySegment.copy(candidateDistances.data(), FLOAT, 0, distances, 0, n * trials);
            if (weights != null) {
                for (int i = 0; i < n; i++) for (int t = 0; t < trials; t++) distances[i * trials + t] *= weights[i];
            }
            int bestTrial = 0;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                double trialPotential = 0;
                for (int i = 0; i < n; i++) trialPotential += Math.min(closest[i], distances[i * trials + t]);
                if (trialPotential < bestPotential) {
                    bestPotential = trialPotential;
                    bestTrial = t;
                }
            }
            for (int i = 0; i < n; i++) bestClosest[i] = Math.min(closest[i], distances[i * trials + bestTrial]);
            copyRow(data, picks[bestTrial], centroids, c);
            double[] swap = closest;
            closest = bestClosest;
            bestClosest = swap;
            potential = bestPotential;
        }
    }

    /**
     * k-means||: {@code rounds} passes (Spark's default is 2) with oversampling ℓ = {@code oversampling}·k (Spark's
     * 2), then weighted greedy k-means++ on the candidates. With fewer than k candidates the rest are random rows.
     */
    public static float[] parallel(FloatMatrix data, int k, int rounds, double oversampling, SplittableRandom random,
                                   ComputeBackend backend) {
        int n = data.rows(), d = data.cols();
        if (k < 1 || k > n) throw new IllegalArgumentException("k=" + k + " for " + n + " rows");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment labels = Segments.ints(arena, n);
            MemorySegment distances = Segments.floats(arena, n);
            int[] chosen = new int[Math.max(16, k)];
            int count = 0;
            chosen[count++] = random.nextInt(n);
            boolean[] taken = new boolean[n];
            taken[chosen[0]] = true;
            backend.assignL2(data, gather(data, chosen, 0, 1, arena), labels, distances);
            float[] cost = Segments.toFloatArray(distances, n);
            double ell = oversampling * k;
            for (int round = 0; round < rounds; round++) {
                double phi = 0;
                for (float c : cost) phi += c;
                if (!(phi > 0)) break;
                int from = count;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && random.nextDouble() < ell * cost[i] / phi) {
                        if (count == chosen.length) chosen = Arrays.copyOf(chosen, count * 2);
                        chosen[count++] = i;
                        taken[i] = true;
                    }
                }
                if (count == from) continue;
                backend.assignL2(data, gather(data, chosen, from, count, arena), labels, distances);
                for (int i = 0; i < n; i++) cost[i] = Math.min(cost[i], distances.getAtIndex(FLOAT, i));
            }
            while (count < k) { // too few candidates (duplicates, tiny data): fill with unseen random rows
                int row = random.nextInt(n);
                if (taken[row]) continue;
                if (count == chosen.length) chosen = Arrays.copyOf(chosen, count * 2);
                chosen[count++] = row;
                taken[row] = true;
            }
            FloatMatrix candidates = gather(data, chosen, 0, count, arena);
            backend.assignL2(data, candidates, labels, distances);
            float[] weights = new float[count];
            for (int i = 0; i < n; i++) weights[labels.getAtIndex(INT, i)]++;
            return plusPlus(candidates, weights, k, random, backend);
        }
    }

    /**
     * {@code size} distinct row indices drawn uniformly (a partial Fisher–Yates shuffle, O(size) memory through a
     * map of the swapped positions), in increasing order so that gathering them reads the data front to back.
     */
    public static int[] sample(int n, int size, SplittableRandom random) {
        if (size >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        java.util.HashMap<Integer, Integer> swapped = new java.util.HashMap<>(size * 2);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int atJ = swapped.getOrDefault(j, j);
            swapped.put(j, swapped.getOrDefault(i, i));
            out[i] = atJ;
        }
        Arrays.sort(out);
        return out;
    }

    /** The rows {@code indices[from..to)} copied into a new matrix of the arena. */
    static FloatMatrix gather(FloatMatrix data, int[] indices, int from, int to, Arena arena) {
        FloatMatrix out = Segments.matrix(arena, to - from, data.cols());
        for (int i = from; i < to; i++) copyRow(data, indices[i], out, i - from);
        return out;
    }

    private static double weight(float[] weights, int i) {
        return weights == null ? 1 : weights[i];
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) total += v;
        return total;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    static int sample(double[] weights, double total, SplittableRandom random) {
        if (!(total > 0)) return random.nextInt(weights.length);
        double target = random.nextDouble() * total;
        double running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i];
            if (running > target) return i;
        }
        for (int i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.length - 1;
    }

    static void copyRow(FloatMatrix from, int row, FloatMatrix to, int toRow) {
        MemorySegment.copy(from.row(row), 0, to.row(toRow), 0, (long) from.cols() * Float.BYTES);
    }
}
