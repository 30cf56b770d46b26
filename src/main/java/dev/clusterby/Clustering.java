package dev.clusterby;

import dev.clusterby.cluster.ClusterOptions;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.Map;

/**
 * The entry points that tie the house together: embed a column (through the cache), cluster the embedding
 * on a compute backend, and hand back labels. {@link DataPanel#clusterBy} calls into here.
 */
public final class Clustering {
    private Clustering() {}

    /** The names of the registered clustering methods, built-in and plugged in, in order. */
    public static java.util.Set<String> methods() {
        return Clusterers.names();
    }

    /** The names of the encoders: the built-in ones and those plugged in through {@code EncoderProvider}. */
    public static java.util.List<String> encoders() {
        return dev.clusterby.internal.embed.Encoders.names();
    }

    /** Every known compute backend: whether it runs here, on what device or why not, and which one is the default. */
    public static java.util.List<BackendStatus> backends() {
        return ComputeBackends.status();
    }

    /** Labels for a column, embedded with the encoder ({@code auto} for its modality) and clustered by the method. */
    public static IntColumn cluster(Column column, String method, String encoder, Map<String, ?> params) {
        return fit(column, ClusterSpec.defaults().withMethod(method).withEncoder(encoder).withParams(params)).labels();
    }

    /** Labels, the fitted model (of the spec's model type) and how the embedding was obtained. */
    public static <M extends Clusterer.Fitted> ClusterResult<M> fit(Column column, ClusterSpec<M> spec) {
        return run(null, column, spec);
    }

    /** {@link #fit(Column, ClusterSpec)} with typed options and the other defaults: {@code fit(col, KMeans.Options.of(5)).model().centroids()}. */
    public static <M extends Clusterer.Fitted> ClusterResult<M> fit(Column column, ClusterOptions<M> options) {
        return fit(column, ClusterSpec.defaults().withOptions(options));
    }

    static <M extends Clusterer.Fitted> ClusterBy<M> clusterBy(DataPanel panel, String columnName, ClusterSpec<M> spec) {
        Column column = panel.column(columnName);
        return new ClusterBy<>(panel, columnName, spec, run(panel, column, spec));
    }

    /** k larger than the rows fails before any embedding work is spent. */
    private static void checkKBeforeEmbedding(ClusterSpec<?> spec, int rows) {
        Object k = spec.params().get("k");
        if (k == null) return;
        try {
            long value = Long.parseLong(k.toString().trim());
            if (value > rows) throw new ClusterbyException.InvalidData("k=" + value + " is larger than the " + rows + " rows");
        } catch (NumberFormatException ignored) {
            // Non-numeric k (such as "auto") is the method's to interpret.
        }
    }

    /** The rows without errors, or null when every row is good. */
    private static int[] goodRows(int rows, java.util.SortedMap<Integer, String> errors) {
        if (errors.isEmpty()) return null;
        int[] good = new int[rows - errors.size()];
        for (int row = 0, g = 0; row < rows; row++) if (!errors.containsKey(row)) good[g++] = row;
        return good;
    }

    private static <M extends Clusterer.Fitted> ClusterResult<M> run(DataPanel panel, Column column, ClusterSpec<M> spec) {
        Clusterer<? extends M> clusterer = spec.resolve();
        if (column.size() == 0) throw new ClusterbyException.InvalidData("column '" + column.name() + "' has no rows to cluster");
        checkKBeforeEmbedding(spec, column.size());
        if (spec.instruction() != null) Instructions.check(column, spec.instruction());
        Settings settings = spec.settings().resolve(); // once per call: API, then property, then environment
        ComputeBackend backend = ComputeBackends.select(settings);
        Crop crop = spec.instruction() == null ? null : spec.instruction().crop();
        try (Embeddings.Resolved embedding = Embeddings.resolve(panel, column, spec.encoder(), crop, settings, spec.progress());
             Arena views = Arena.ofShared()) {
            int[] good = goodRows(column.size(), embedding.errors());
            // Clusterers (and instruction views) see only the rows that were embedded; the others get label -1.
            TensorColumn points = good == null ? null : embedding.tensor().take(good);
            try {
                if (good != null) checkKBeforeEmbedding(spec, good.length);
                FloatMatrix data = points == null ? embedding.tensor().matrix() : points.matrix();
                int rows = data.rows();
                InstructionReport report = null;
                if (spec.instruction() != null) {
                    // The view is derived from the cached embedding, so an instruction never re-encodes the column.
                    Instructions.Applied applied = Instructions.apply(column, data, spec, settings, backend, views);
                    if (applied != null) {
                        data = applied.view();
                        report = applied.report();
                    }
                }
                long start = System.nanoTime();
                M model = clusterer.fit(data, backend);
                double seconds = (System.nanoTime() - start) / 1e9;
                int[] labels = model.labels();
                if (labels.length != rows) {
                    throw new ClusterbyException("method '" + clusterer.name() + "' returned " + labels.length
                            + " labels for " + rows + " rows");
                }
                if (good != null) {
                    int[] all = new int[column.size()];
                    java.util.Arrays.fill(all, -1);
                    for (int i = 0; i < good.length; i++) all[good[i]] = labels[i];
                    labels = all;
                }
                return new ClusterResult<>(IntColumn.of("cluster", labels), model, clusterer.name(), embedding.encoder(),
                        embedding.columnName(), embedding.computed(), embedding.cached(), backend.name(), seconds,
                        report, embedding.errors());
            } finally {
                if (points != null) points.close();
            }
        }
    }
}
