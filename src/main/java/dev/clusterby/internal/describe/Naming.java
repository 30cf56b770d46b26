package dev.clusterby.internal.describe;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.internal.instruct.Steering;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Centroids, exemplars and cohesion of labelled rows, and the choice of one unique name per cluster. */
public final class Naming {
    private Naming() {}

    /**
     * Unit centroid directions of each class, and each row's cosine similarity to its own class's centroid (NaN for a
     * row whose embedding is missing, as for an image that could not be decoded).
     */
    public static final class Centroids {
        private final double[][] unit;
        private final double[] similarity;
        private final double[] cohesion;

        private Centroids(double[][] unit, double[] similarity, double[] cohesion) {
            this.unit = unit;
            this.similarity = similarity;
            this.cohesion = cohesion;
        }

        /** The mean cosine similarity of a class's rows to its centroid; NaN for a class without embedded rows. */
        public double cohesion(int c) {
            return cohesion[c];
        }

        /** Up to {@code count} rows of class {@code c} nearest its centroid, nearest first (ties by row). */
        public int[] nearest(FloatMatrix x, int[] classOf, int c, int count) {
            List<Integer> rows = new ArrayList<>();
            for (int row = 0; row < classOf.length; row++) if (classOf[row] == c) rows.add(row);
            rows.sort((a, b) -> {
                double sa = Double.isNaN(similarity[a]) ? Double.NEGATIVE_INFINITY : similarity[a];
                double sb = Double.isNaN(similarity[b]) ? Double.NEGATIVE_INFINITY : similarity[b];
                return sa != sb ? Double.compare(sb, sa) : Integer.compare(a, b);
            });
            return rows.stream().limit(count).mapToInt(Integer::intValue).toArray();
        }

        /**
         * Domino's phrase description: the {@code top} phrases whose vectors best match class {@code c}'s centroid
         * relative to the other clusters, scored {@code v · (centroid(c) − mean of the other centroids)}.
         */
        public List<String> relativeBest(FloatMatrix vectors, List<String> phrases, int c, int k, int top) {
            double[] direction = relativeDirection(c, k);
            Integer[] order = new Integer[phrases.size()];
            double[] score = new double[phrases.size()];
            for (int p = 0; p < phrases.size(); p++) {
                order[p] = p;
                score[p] = dot(vectors, p, direction);
            }
            Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
            return Arrays.stream(order).limit(top).map(phrases::get).toList();
        }

        /** centroid(c) minus the mean of the other clusters' centroids (0..k-1, noise left out). */
        double[] relativeDirection(int c, int k) {
            int d = unit[c].length;
            double[] direction = unit[c].clone();
            if (k < 2) return direction;
            for (int i = 0; i < k; i++) {
                if (i == c) continue;
                for (int j = 0; j < d; j++) direction[j] -= unit[i][j] / (k - 1);
            }
            return direction;
        }

        int dimension() {
            return unit.length == 0 ? 0 : unit[0].length;
        }
    }

    /** The centroids of {@code groups} classes of the rows of {@code x} ({@code classOf} in 0..groups-1). */
    public static Centroids centroids(FloatMatrix x, int[] classOf, int groups) {
        int d = x.cols();
        double[][] sum = new double[groups][d];
        float[] row = new float[d];
        boolean[] present = new boolean[classOf.length];
        for (int r = 0; r < classOf.length; r++) {
            read(x, r, row);
            if (Float.isNaN(row[0])) continue;
            present[r] = true;
            double[] s = sum[classOf[r]];
            for (int j = 0; j < d; j++) s[j] += row[j];
        }
        for (double[] s : sum) normalise(s);
        double[] similarity = new double[classOf.length];
        double[] total = new double[groups];
        int[] counted = new int[groups];
        for (int r = 0; r < classOf.length; r++) {
            if (!present[r]) {
                similarity[r] = Double.NaN;
                continue;
            }
            read(x, r, row);
            double dot = 0, norm = 0;
            double[] u = sum[classOf[r]];
            for (int j = 0; j < d; j++) {
                dot += row[j] * u[j];
                norm += (double) row[j] * row[j];
            }
            similarity[r] = norm == 0 ? 0 : dot / Math.sqrt(norm);
            total[classOf[r]] += similarity[r];
            counted[classOf[r]]++;
        }
        double[] cohesion = new double[groups];
        for (int c = 0; c < groups; c++) cohesion[c] = counted[c] == 0 ? Double.NaN : total[c] / counted[c];
        return new Centroids(sum, similarity, cohesion);
    }

    /**
     * One name per cluster 0..k-1 among its candidates: the phrase whose embedding is closest to the cluster's centroid
     * and farthest from the others ({@code cos(p, c) − mean cos(p, other)}), each phrase given to at most one cluster,
     * best pairs first. Only the candidate phrases are encoded (and cached); null where a cluster has no candidate left.
     */
    public static String[] byEmbedding(List<List<String>> candidates, Centroids centroids, int k, Encoder encoder,
                                       EmbeddingCache disk, Arena arena) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (List<String> each : candidates) for (String p : each) index.putIfAbsent(p, index.size());
        if (index.isEmpty()) return new String[k];
        if (encoder.dimension() != centroids.dimension()) {
            throw new ClusterbyException.BadOption("encoder", "'" + encoder.id() + "' gives " + encoder.dimension()
                    + " dimensions, but the clustered vectors have " + centroids.dimension()
                    + "; name the encoder that made them");
        }
        List<String> phrases = List.copyOf(index.keySet());
        FloatMatrix vectors = Steering.embed(encoder, phrases, disk, arena);
        List<double[]> pairs = new ArrayList<>(); // {score, cluster, phrase}
        for (int c = 0; c < k; c++) {
            double[] direction = centroids.relativeDirection(c, k);
            for (String p : candidates.get(c)) {
                int at = index.get(p);
                pairs.add(new double[] {dot(vectors, at, direction), c, at});
            }
        }
        pairs.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0])
                : a[1] != b[1] ? Double.compare(a[1], b[1]) : Double.compare(a[2], b[2]));
        String[] names = new String[k];
        Set<Integer> used = new HashSet<>();
        for (double[] pair : pairs) {
            int c = (int) pair[1], p = (int) pair[2];
            if (names[c] != null || used.contains(p)) continue;
            names[c] = phrases.get(p);
            used.add(p);
        }
        return names;
    }

    /** Without an encoder: each cluster's best-ranked candidate that no cluster took before, rank by rank. */
    public static String[] byRank(List<List<String>> candidates) {
        String[] names = new String[candidates.size()];
        Set<String> used = new HashSet<>();
        int longest = candidates.stream().mapToInt(List::size).max().orElse(0);
        for (int rank = 0; rank < longest; rank++) {
            for (int c = 0; c < names.length; c++) {
                if (names[c] != null || rank >= candidates.get(c).size()) continue;
                String p = candidates.get(c).get(rank);
                if (used.add(p)) names[c] = p;
            }
        }
        return names;
    }

    private static double dot(FloatMatrix vectors, int row, double[] direction) {
        double sum = 0;
        for (int j = 0; j < direction.length; j++) sum += vectors.get(row, j) * direction[j];
        return sum;
    }

    private static void read(FloatMatrix x, int row, float[] out) {
        java.lang.foreign.MemorySegment.copy(x.data(), FloatMatrix.FLOAT, (long) row * x.cols() * Float.BYTES, out, 0, x.cols());
    }

    private static void normalise(double[] v) {
        double norm = 0;
        for (double a : v) norm += a * a;
        if (norm == 0) return;
        norm = Math.sqrt(norm);
        for (int j = 0; j < v.length; j++) v[j] /= norm;
    }
}
