package dev.clusterby.cluster;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's clusterer, written only against the public SPI: a row goes to cluster 1 when its coordinate
 * {@code column} is at least {@code cut}, else to cluster 0. Registered by name ({@code threshold}) through
 * {@code META-INF/services/dev.clusterby.cluster.ClustererProvider} in the test resources. It takes the same typed
 * path as the built-ins: the provider reads its {@link Options} from params, and the options make the clusterer.
 */
public final class ThresholdClusterer implements Clusterer<ThresholdClusterer.Fit> {
    private final int column;
    private final double cut;

    public ThresholdClusterer(int column, double cut) {
        this.column = column;
        this.cut = cut;
    }

    /** The typed options: validated once, whichever path built them. */
    public record Options(int column, double cut) implements ClusterOptions<Fit> {
        public Options {
            if (column < 0) throw new dev.clusterby.ClusterbyException.BadOption("column", "must be ≥ 0, got " + column);
        }

        public static Options fromParams(Params params) {
            return new Options(params.getInt("column", 0), params.getDouble("cut", 0));
        }

        @Override public String method() { return "threshold"; }

        @Override public ThresholdClusterer clusterer() { return new ThresholdClusterer(column, cut); }

        @Override
        public Map<String, Object> toParams() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("column", column);
            out.put("cut", cut);
            return out;
        }
    }

    /** The ServiceLoader entry: reads its two params into options; the registry rejects any other (but seed). */
    public static final class Provider implements ClustererProvider {
        @Override public String name() { return "threshold"; }

        @Override
        public Options options(Params params) {
            return Options.fromParams(params);
        }
    }

    public record Fit(int[] labels, int k, double cut) implements Fitted {
        @Override public int iterations() { return 0; }
    }

    @Override public String name() { return "threshold"; }

    @Override
    public Fit fit(FloatMatrix data, ComputeBackend backend) {
        int[] labels = new int[data.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = data.get(i, column) >= cut ? 1 : 0;
        return new Fit(labels, 2, cut);
    }
}
