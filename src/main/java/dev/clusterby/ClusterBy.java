package dev.clusterby;

/** Rows grouped by cluster. (Being built.) */
public final class ClusterBy extends SliceBy {
    ClusterBy(DataPanel panel, int[] labels, int k) {
        super(panel, labels, k);
    }

    @Override String keyName() { return "cluster"; }

    @Override public Column keys() {
        return IntColumn.of("cluster", java.util.stream.IntStream.range(0, groupCount()).toArray());
    }
}
