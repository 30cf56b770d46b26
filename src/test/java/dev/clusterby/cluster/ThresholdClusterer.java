package dev.clusterby.cluster;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

/**
 * A user's clusterer, written only against the public SPI: a row goes to cluster 1 when its coordinate
 * {@code column} is at least {@code cut}, else to cluster 0. Registered by name ({@code threshold}) through
 * {@code META-INF/services/dev.clusterby.cluster.ClustererProvider} in the test resources.
 */
public final class ThresholdClusterer implements Clusterer {
    private final int column;
    private final double cut;

    public ThresholdClusterer(int column, double cut) {
        this.column = column;
        this.cut = cut;
    }

    /** The ServiceLoader entry: reads its two params; the registry rejects any other. */
    public static final class Provider implements ClustererProvider {
        @Override public String name() { return "threshold"; }

        @Override
        public Clusterer create(Params params) {
            return new ThresholdClusterer(params.getInt("column", 0), params.getDouble("cut", 0));
        }
    }

    public record Fit(int[] labels, int k) implements Fitted {
        @Override public int iterations() { return 0; }
    }

    @Override public String name() { return "threshold"; }

    @Override
    public Fitted fit(FloatMatrix data, ComputeBackend backend) {
        int[] labels = new int[data.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = data.get(i, column) >= cut ? 1 : 0;
        return new Fit(labels, 2);
    }
}
