package dev.clusterby;

import dev.clusterby.cluster.ClusterOptions;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;

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

    /** The GMM posteriors of a fitted mixture for a column; see {@link ClusterModel#predictProba}. */
    static float[][] predictProba(DataPanel panel, ClusterModel model) {
        return model.predictProba(panel);
    }

    /** {@link #fit(Column, ClusterSpec)} with typed options and the other defaults: {@code fit(col, KMeans.Options.of(5)).model().centroids()}. */
    public static <M extends Clusterer.Fitted> ClusterResult<M> fit(Column column, ClusterOptions<M> options) {
        return fit(column, ClusterSpec.defaults().withOptions(options));
    }

    static <M extends Clusterer.Fitted> ClusterBy<M> clusterBy(DataPanel panel, String columnName, ClusterSpec<M> spec) {
        Column column = panel.column(columnName);
        ClusterResult<M> result = run(panel, column, spec);
        return new ClusterBy<>(panel, columnName, spec, result, result.k(), savedModel(result));
    }

    // ---- kept models: predict and refit ----

    /** The kept model of each result of this process, by its labels column (an identity key, so the map is weak). */
    private static final Map<IntColumn, ClusterModel> SAVED = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    static ClusterModel savedModel(ClusterResult<?> result) {
        ClusterModel model = SAVED.get(result.labels());
        if (model == null) {
            throw new ClusterbyException.BadOption("result", "this result did not come from clusterBy or Clustering.fit in"
                    + " this process, so it has no model to keep");
        }
        return model;
    }

    /** What labelling needs of a panel's column: its points (embedded, viewed) and where each row went. */
    interface PointsUser<T> {
        /** {@code rows[i]} is the row of points for panel row i, or -1 for a row that could not be embedded. */
        T use(FloatMatrix points, ComputeBackend backend, int[] rows);
    }

    private record Used<T>(T value, Embeddings.Resolved embedding, String backend, double seconds) {}

    static <T> T withPoints(DataPanel panel, Column column, ClusterModel model, Settings given, PointsUser<T> user) {
        return withPoints(panel, column, model, given, Encoder.ProgressListener.NONE, user).value();
    }

    private static <T> Used<T> withPoints(DataPanel panel, Column column, ClusterModel model, Settings given,
                                          Encoder.ProgressListener progress, PointsUser<T> user) {
        model.checkColumn(column);
        if (column.size() == 0) throw new ClusterbyException.InvalidData("column '" + column.name() + "' has no rows to label");
        Settings settings = model.encoderSettings(given).resolve();
        ComputeBackend backend = ComputeBackends.select(settings);
        String encoder = encoderName(model);
        try (Embeddings.Resolved embedding = Embeddings.resolve(panel, column, encoder, null, settings, progress);
             Arena views = Arena.ofShared()) {
            if (!embedding.encoderVersion().equals(model.encoderVersion()) && !model.encoder().equals("none")) {
                throw new ClusterbyException.Unavailable("the model was made with encoder '" + model.encoder() + "' version "
                        + model.encoderVersion() + ", but this one is version " + embedding.encoderVersion());
            }
            int[] good = goodRows(column.size(), embedding.errors());
            TensorColumn points = good == null ? null : embedding.tensor().take(good);
            try {
                FloatMatrix data = model.view(points == null ? embedding.tensor().matrix() : points.matrix(), views);
                int[] rows = new int[column.size()];
                java.util.Arrays.fill(rows, -1);
                if (good == null) for (int i = 0; i < rows.length; i++) rows[i] = i;
                else for (int i = 0; i < good.length; i++) rows[good[i]] = i;
                long start = System.nanoTime();
                T value = user.use(data, backend, rows);
                return new Used<>(value, embedding, backend.name(), (System.nanoTime() - start) / 1e9);
            } finally {
                if (points != null) points.close();
            }
        }
    }

    /** The encoder to embed a kept model's column with: its own, or {@code auto} (none) for tensors and numbers. */
    private static String encoderName(ClusterModel model) {
        return model.modality() == ClusterModel.Modality.TEXT || model.modality() == ClusterModel.Modality.IMAGE
                ? model.encoder() : "auto";
    }

    /** Labels a panel's column with a kept model, without refitting; the result reports the embedding counts. */
    static ClusterBy<Clusterer.Fitted> assign(DataPanel panel, String columnName, ClusterModel model, Settings settings,
                                              Encoder.ProgressListener progress) {
        Column column = panel.column(columnName);
        Used<int[]> used = withPoints(panel, column, model, settings, progress, (points, backend, rows) -> {
            int[] predicted = model.label(points, backend);
            int[] labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) labels[i] = rows[i] < 0 ? -1 : predicted[rows[i]];
            return labels;
        });
        Embeddings.Resolved e = used.embedding();
        ClusterResult<Clusterer.Fitted> result = new ClusterResult<>(IntColumn.of("cluster", used.value()), model.fitted(),
                model.method(), e.encoder(), e.columnName(), e.computed(), e.cached(), used.backend(), used.seconds(),
                null, e.errors());
        SAVED.put(result.labels(), model);
        ClusterSpec<?> spec = ClusterSpec.defaults().withEncoder(encoderName(model)).withSettings(settings).withProgress(progress);
        return new ClusterBy<>(panel, columnName, spec, result, model.k(), model);
    }

    /**
     * Fits anew, then renames the new clusters after the previous model's: the previous model labels the same rows,
     * and the Hungarian assignment on the (new × old) table of shared rows maximises the rows whose id stays.
     */
    static <M extends Clusterer.Fitted> ClusterBy<M> refit(DataPanel panel, String columnName, ClusterSpec<M> spec,
                                                           ClusterModel previous) {
        Column column = panel.column(columnName);
        previous.checkColumn(column);
        ClusterResult<M> fresh = run(panel, column, spec.withEncoder(previous.encoder().equals("none") ? "auto" : previous.encoder()));
        ClusterModel freshModel = SAVED.get(fresh.labels());
        int[] old = withPoints(panel, column, previous, spec.settings(), (points, backend, rows) -> {
            int[] predicted = previous.label(points, backend);
            int[] out = new int[rows.length];
            for (int i = 0; i < rows.length; i++) out[i] = rows[i] < 0 ? -1 : predicted[rows[i]];
            return out;
        });
        int[] newLabels = fresh.labels().toIntArray(-1);
        int k = fresh.k(), oldK = previous.k();
        long[][] shared = new long[k][oldK];
        for (int i = 0; i < newLabels.length; i++) if (newLabels[i] >= 0 && old[i] >= 0) shared[newLabels[i]][old[i]]++;
        int[] ids = dev.clusterby.internal.cluster.Hungarian.stableIds(shared, oldK);
        int[] relabelled = new int[newLabels.length];
        for (int i = 0; i < newLabels.length; i++) relabelled[i] = newLabels[i] < 0 ? -1 : ids[newLabels[i]];
        ClusterResult<M> result = new ClusterResult<>(IntColumn.of("cluster", relabelled), fresh.model(), fresh.method(),
                fresh.encoder(), fresh.embeddingColumn(), fresh.embeddedComputed(), fresh.embeddedCached(), fresh.backend(),
                fresh.fitSeconds(), fresh.instructionReport(), fresh.errors());
        ClusterModel stable = freshModel.withIds(ids);
        SAVED.put(result.labels(), stable);
        return new ClusterBy<>(panel, columnName, spec, result, stable.k(), stable);
    }

    /**
     * What labels new points for a fitted model: the model itself when it can, else (hierarchical, spectral) the
     * nearest-training-points rule over a bounded sample of the data, taken now while the data is at hand.
     */
    private static Clusterer.Fitted predictor(String name, Clusterer.Fitted model, FloatMatrix data, ClusterSpec<?> spec) {
        if (model instanceof dev.clusterby.cluster.Agglomerative.Model || model instanceof dev.clusterby.cluster.Spectral.Model) {
            Object seed = spec.params().get("seed");
            long s = 0;
            if (seed != null) {
                try {
                    s = Long.parseLong(seed.toString().trim());
                } catch (NumberFormatException ignored) {
                    // The method validated its seed; a non-number here only means the default sample.
                }
            }
            return dev.clusterby.internal.cluster.NearestTrainingPoints.of(name, data, model.labels(), model.k(), s);
        }
        return model;
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

    /**
     * A job whose working memory cannot fit fails here, before any encoding (MemoryNeeds states the rule per method).
     * The dimension comes from the tensor or the encoder; an encoder that cannot be opened is left for the embedding
     * step to report.
     */
    private static void checkMemoryBeforeEmbedding(Column column, ClusterSpec<?> spec, Settings settings) {
        int d;
        boolean inMemory = true;
        try {
            d = switch (column) {
                case TensorColumn t -> {
                    inMemory = false; // already there (or mapped): clustering adds nothing for it
                    yield t.dim();
                }
                case StringColumn s -> dev.clusterby.internal.embed.Encoders.resolve(spec.encoder(),
                        dev.clusterby.embed.Encoder.Modality.TEXT, settings).dimension();
                case ImageColumn i -> dev.clusterby.internal.embed.Encoders.resolve(spec.encoder(),
                        dev.clusterby.embed.Encoder.Modality.IMAGE, settings).dimension();
                default -> 1;
            };
        } catch (ClusterbyException e) {
            return;
        }
        dev.clusterby.internal.cluster.MemoryNeeds.check(spec.method(), spec.params(), column.size(), d, inMemory);
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
        checkMemoryBeforeEmbedding(column, spec, settings);
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
                ClusterModel.View kept = null;
                int width = data.cols();
                if (spec.instruction() != null) {
                    // The view is derived from the cached embedding, so an instruction never re-encodes the column.
                    Instructions.Applied applied = Instructions.apply(column, data, spec, settings, backend, views);
                    if (applied != null) {
                        data = applied.view();
                        report = applied.report();
                        String text = spec.instruction().instructionText();
                        kept = new ClusterModel.View(text, report.method().id(), applied.dims(), applied.basis());
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
                ClusterResult<M> result = new ClusterResult<>(IntColumn.of("cluster", labels), model, clusterer.name(),
                        embedding.encoder(), embedding.columnName(), embedding.computed(), embedding.cached(), backend.name(),
                        seconds, report, embedding.errors(), embedding.resumed());
                SAVED.put(result.labels(), new ClusterModel(spec.method(), spec.params(), predictor(clusterer.name(), model, data, spec),
                        embedding.encoder(), embedding.encoderVersion(), ClusterModel.Modality.of(column), column.name(), width,
                        kept, null, null, null));
                return result;
            } finally {
                if (points != null) points.close();
            }
        }
    }
}
