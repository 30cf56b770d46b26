package dev.clusterby.cluster;

/** Registers a clustering method by name; listed in {@code META-INF/services/dev.clusterby.cluster.ClustererProvider}. */
public interface ClustererProvider {
    String name();

    /** A clusterer configured from params; read every param it supports, the registry rejects the rest. */
    Clusterer create(Params params);
}
