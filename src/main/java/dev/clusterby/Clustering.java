package dev.clusterby;

/** Entry points. (Being built.) */
public final class Clustering {
    private Clustering() {}

    static ClusterBy clusterBy(DataPanel panel, String column, ClusterSpec spec) {
        throw new ClusterbyException("being built");
    }
}
