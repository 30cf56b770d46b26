package dev.clusterby.cluster;

import java.util.Map;

/**
 * A method's validated settings, which know the method they configure. Passing them to
 * {@code ClusterSpec.withOptions} or {@code DataPanel.clusterBy(column, options)} gives a result whose model has
 * the method's own type, so {@code model().centroids()} needs no cast. The built-in {@code Options} records and a
 * third-party {@link ClustererProvider}'s options implement it; the string map of the CLI is read into the same
 * records (each has {@code fromParams}), so both paths share one validation.
 *
 * @param <M> the fitted model type of the method
 */
public interface ClusterOptions<M extends Clusterer.Fitted> {

    /** The registered method name these options configure, such as {@code kmeans}; the CLI's {@code --method}. */
    String method();

    /** A clusterer with these options; fitting it gives an {@code M}. */
    Clusterer<M> clusterer();

    /**
     * These options as the string map the CLI and {@code ClusterSpec.withParams} take, with kebab-case keys
     * ({@code max-iter}, {@code n-init}); reading it back with the method's {@code fromParams} gives equal options.
     */
    Map<String, Object> toParams();
}
