package dev.clusterby.cluster;

/**
 * Builds a fitted model back from its saved {@link ModelState}: one reader per state kind. The built-in kinds are
 * {@code kmeans}, {@code gmm} and {@code nearest-training-points}; a user's method adds its own through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.clusterby.cluster.ModelReader}). A built-in kind
 * cannot be replaced.
 *
 * <p>A reader meets files from anywhere: it must check what it reads (the {@link ModelState} getters do) and fail
 * only with {@code ClusterbyException}, and refuse a state version newer than it knows.
 */
public interface ModelReader {

    /** The state kind this reader reads, such as {@code kmeans}. */
    String kind();

    /** The model of the state; its {@code labels()} are empty, since a saved model holds no training rows. */
    SavableModel read(ModelState state);
}
