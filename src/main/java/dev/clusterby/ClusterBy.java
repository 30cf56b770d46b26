package dev.clusterby;

import dev.clusterby.cluster.Clusterer;

import java.util.stream.IntStream;

/**
 * Rows grouped by cluster: the result of {@link DataPanel#clusterBy}. It is a {@link SliceBy}, so per-cluster
 * aggregates work as in a group-by; it also keeps the fitted model and how the embedding was obtained.
 */
public final class ClusterBy extends SliceBy {
    private final ClusterResult result;

    ClusterBy(DataPanel panel, ClusterResult result) {
        super(panel, result.labels().toIntArray(-1), result.k());
        this.result = result;
    }

    @Override String keyName() { return "cluster"; }

    /** The cluster ids 0..k-1. */
    @Override
    public Column keys() {
        return IntColumn.of("cluster", IntStream.range(0, groupCount()).toArray());
    }

    /** The fitted model, labels, embedding statistics and timing. */
    public ClusterResult result() {
        return result;
    }

    public Clusterer.Fitted model() {
        return result.model();
    }

    /** The hidden column holding the embedding used, such as {@code bge-small(text)}. */
    public String embeddingColumn() {
        return result.embeddingColumn();
    }
}
