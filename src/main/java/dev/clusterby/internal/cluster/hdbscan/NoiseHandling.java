package dev.clusterby.internal.cluster.hdbscan;

import dev.clusterby.cluster.Hdbscan;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * {@code noise=assign} and {@code noise=target:P}: a noise row joins the cluster of its nearest exemplar, where a
 * cluster's exemplars are its most persistent rows (membership probability 1, at most {@value #EXEMPLARS} of them;
 * the highest-probability rows when none reach 1). {@code target:P} assigns the least outlying noise rows (lowest
 * GLOSH score) first, until at most P% of all rows are left as noise. Outlier scores are kept as they were.
 */
public final class NoiseHandling {
    static final int EXEMPLARS = 64;

    private NoiseHandling() {}

    public static int[] apply(Hdbscan.Noise noise, int[] raw, double[] probabilities, double[] scores,
                              SpanningTree.Points points, int k) {
        int[] labels = raw.clone();
        if (noise.mode() == Hdbscan.Noise.Mode.KEEP || k == 0) return labels;
        int[] noiseRows = IntStream.range(0, raw.length).filter(i -> raw[i] < 0).toArray();
        int keep = noise.mode() == Hdbscan.Noise.Mode.ASSIGN ? 0
                : (int) Math.floor(noise.targetPercent() / 100.0 * raw.length);
        if (noiseRows.length <= keep) return labels;
        int[] exemplars = exemplars(raw, probabilities, k);
        Integer[] order = Arrays.stream(noiseRows).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : Integer.compare(a, b));
        int assign = noiseRows.length - keep;
        IntStream.range(0, assign).parallel().forEach(r -> {
            int i = order[r];
            double best = Double.POSITIVE_INFINITY;
            int label = -1;
            for (int e : exemplars) {
                double dist = points.squared(i, e);
                if (dist < best) {
                    best = dist;
                    label = raw[e];
                }
            }
            labels[i] = label;
        });
        return labels;
    }

    /** Up to {@value #EXEMPLARS} rows per cluster with the highest membership probability. */
    static int[] exemplars(int[] raw, double[] probabilities, int k) {
        int[][] byCluster = new int[k][];
        Integer[] rows = IntStream.range(0, raw.length).filter(i -> raw[i] >= 0).boxed().toArray(Integer[]::new);
        Arrays.sort(rows, (a, b) -> probabilities[a] != probabilities[b] ? Double.compare(probabilities[b], probabilities[a])
                : Integer.compare(a, b));
        int[] count = new int[k];
        for (int c = 0; c < k; c++) byCluster[c] = new int[EXEMPLARS];
        for (int i : rows) if (count[raw[i]] < EXEMPLARS) byCluster[raw[i]][count[raw[i]]++] = i;
        return IntStream.range(0, k).flatMap(c -> Arrays.stream(byCluster[c], 0, count[c])).toArray();
    }
}
