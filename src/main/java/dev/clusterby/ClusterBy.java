package dev.clusterby;

import dev.clusterby.cluster.Clusterer;

import java.util.stream.IntStream;

/**
 * Rows grouped by cluster: the result of {@link DataPanel#clusterBy}. It is a {@link Grouping}, so per-cluster
 * aggregates work as in a group-by; it also keeps the fitted model and how the embedding was obtained.
 *
 * @param <M> the fitted model type ({@code KMeans.Model} for {@code clusterBy("text")})
 */
public final class ClusterBy<M extends Clusterer.Fitted> extends Grouping {
    private final ClusterResult<M> result;
    private final String column;
    private final ClusterSpec<?> spec;
    private final ClusterModel kept;

    ClusterBy(DataPanel panel, String column, ClusterSpec<?> spec, ClusterResult<M> result, int groups, ClusterModel kept) {
        super(panel, result.labels().toIntArray(-1), groups);
        this.result = result;
        this.column = column;
        this.spec = spec;
        this.kept = kept;
    }

    /** The model to keep: {@code ClusterModel.of(clustering)}. */
    ClusterModel savedModel() {
        return kept;
    }

    /**
     * The clusters of the rows of another panel, labelled by this clustering's model without refitting (the same
     * column name, encoder and instruction view); rows already embedded are taken from the cache.
     */
    public IntColumn predict(DataPanel other) {
        return kept.predict(other);
    }

    @Override String keyName() { return "cluster"; }

    /** The cluster ids 0..k-1. */
    @Override
    public Column keys() {
        return IntColumn.of("cluster", IntStream.range(0, groupCount()).toArray());
    }

    /** The fitted model, labels, embedding statistics and timing. */
    public ClusterResult<M> result() {
        return result;
    }

    /** The fitted model, of the method's own type: {@code dp.clusterBy("text").model().centroids()}. */
    public M model() {
        return result.model();
    }

    /**
     * Every row plus the {@code cluster} column, and {@code cluster_error} saying why a row has label -1 when any has;
     * a column of the panel is never replaced (the new one becomes {@code cluster_1}, … as {@link Grouping#toDataPanel()} says).
     */
    @Override
    public DataPanel toDataPanel() {
        DataPanel labelled = super.toDataPanel();
        if (result.errors().isEmpty()) return labelled;
        StringColumn errors = result.errorColumn();
        return labelled.withColumn(errors.rename(freeName(labelled, errors.name())));
    }

    /**
     * Writes every row with its cluster (and {@code cluster_error} where a row has none) to {@code out}. When
     * {@code source}, the file this panel was read from, and {@code out} are both CSV, TSV or JSON Lines, the rows
     * are copied from it with every value exactly as written (leading zeros, long ids, timestamps with microseconds
     * and offsets, nested objects, vectors), in out's format, and the new columns appended; a column of the source is
     * never replaced (see {@link #toDataPanel()}). Otherwise (Parquet, or a source that is not text) the typed values
     * are written, as {@link DataPanel#write} does (tensor columns left out of CSV).
     */
    public void writeLabelled(java.nio.file.Path source, java.nio.file.Path out) {
        try (DataPanel labelled = toDataPanel()) {
            if (source != null && dev.clusterby.internal.io.LabelledCopy.copyable(source, out)) {
                java.util.List<String> own = panel().columnNames();
                java.util.List<Column> added = labelled.columns().stream().filter(c -> !own.contains(c.name())).toList();
                dev.clusterby.internal.io.LabelledCopy.write(source, out, added);
            } else if (out.toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(csv|tsv|tab)$")) {
                // CSV holds no tensors: they are left out (write them to .npy), the other columns are typed values.
                labelled.select(labelled.columns().stream().filter(c -> c.type() != ColumnType.TENSOR)
                        .map(Column::name).toArray(String[]::new)).write(out);
            } else {
                labelled.write(out);
            }
        }
    }

    /** Why rows could not be embedded, by row; those rows have label -1. */
    public java.util.SortedMap<Integer, String> errors() {
        return result.errors();
    }

    ClusterSpec<?> spec() {
        return spec;
    }

    /** The clustered column's name. */
    public String clusteredColumn() {
        return column;
    }

    /**
     * One row per cluster, saying what it is: {@code cluster}, {@code size}, {@code name} (1–4 words, unique),
     * {@code keywords} (class-based TF-IDF over 1- and 2-grams of the clustered text, {@code ;}-separated),
     * {@code exemplars} (the rows nearest the centroid, {@code ;}-separated indices), {@code exemplar_values} (their
     * text or image path, {@code |}-separated), {@code cohesion} (the mean cosine similarity of the rows to their
     * centroid) and {@code phrases} (for images with a joint text-image encoder: vocabulary phrases that match the
     * cluster relative to the others; else missing). Rows in no cluster (label -1) form a row {@code cluster = -1}
     * named {@code noise}. Uses the cached embedding, so no row is encoded again; only name candidates are, once.
     */
    public DataPanel describe() {
        return describe(DescribeOptions.defaults());
    }

    /** {@link #describe()} with another text column, counts, vocabulary, encoder or namer. */
    public DataPanel describe(DescribeOptions options) {
        Crop crop = spec.instruction() == null ? null : spec.instruction().crop();
        return Describe.describe(panel(), column, index().groupOf(), groupCount(), spec.encoder(), crop, spec.settings(), options);
    }

    /**
     * The 2-D map of the clustered embedding ({@code map_x}, {@code map_y}), from the cached embedding (no row is
     * encoded again), with the spec's settings; cached like {@link DataPanel#map}.
     */
    public DataPanel map(MapOptions options) {
        return layout(options).toPanel();
    }

    Maps.Layout layout(MapOptions options) {
        Crop crop = spec.instruction() == null ? null : spec.instruction().crop();
        Settings settings = spec.settings().resolve();
        try (Embeddings.Resolved embedding = Embeddings.resolve(panel(), panel().column(column), spec.encoder(), crop,
                settings, dev.clusterby.embed.Encoder.ProgressListener.NONE)) {
            return Maps.layout(panel(), embedding.tensor(), options, settings);
        }
    }

    /**
     * Writes one self-contained HTML report of this clustering to {@code file}: the map coloured by cluster, one card
     * per cluster (from {@link #describe()}), a legend, and the run's summary. See {@link ReportOptions}.
     */
    public void report(java.nio.file.Path file) {
        report(file, ReportOptions.defaults());
    }

    /** {@link #report(java.nio.file.Path)} with aggregates, a labels column for ARI/NMI, the input's name or map options. */
    public void report(java.nio.file.Path file, ReportOptions options) {
        Reports.write(this, file, options);
    }

    /** The hidden column holding the embedding used, such as {@code bge-small(text)}. */
    public String embeddingColumn() {
        return result.embeddingColumn();
    }
}
