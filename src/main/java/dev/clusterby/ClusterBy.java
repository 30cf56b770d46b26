package dev.clusterby;

import dev.clusterby.cluster.Clusterer;

import java.util.stream.IntStream;

/**
 * Rows grouped by cluster: the result of {@link DataPanel#clusterBy}. It is a {@link SliceBy}, so per-cluster
 * aggregates work as in a group-by; it also keeps the fitted model and how the embedding was obtained.
 *
 * @param <M> the fitted model type ({@code KMeans.Model} for {@code clusterBy("text")})
 */
public final class ClusterBy<M extends Clusterer.Fitted> extends SliceBy {
    private final ClusterResult<M> result;
    private final ClusterModel kept;

    ClusterBy(DataPanel panel, ClusterResult<M> result, int groups, ClusterModel kept) {
        super(panel, result.labels().toIntArray(-1), groups);
        this.result = result;
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

    /** Every row plus the {@code cluster} column, and {@code cluster_error} saying why a row has label -1 when any has. */
    @Override
    public DataPanel toDataPanel() {
        DataPanel labelled = super.toDataPanel();
        return result.errors().isEmpty() ? labelled : labelled.withColumn(result.errorColumn());
    }

    /** Why rows could not be embedded, by row; those rows have label -1. */
    public java.util.SortedMap<Integer, String> errors() {
        return result.errors();
    }

    /** The hidden column holding the embedding used, such as {@code bge-small(text)}. */
    public String embeddingColumn() {
        return result.embeddingColumn();
    }
}
