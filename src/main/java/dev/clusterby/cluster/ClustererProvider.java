package dev.clusterby.cluster;

/**
 * Registers a clustering method by name; listed in {@code META-INF/services/dev.clusterby.cluster.ClustererProvider}.
 * A provider turns the string map (the CLI's {@code --param key=value}, {@code ClusterSpec.withParams}) into its
 * typed {@link ClusterOptions}, the same records a Java caller passes directly, so both paths validate alike.
 */
public interface ClustererProvider {

    /** The method name, matched case-insensitively; built-in names take precedence. */
    String name();

    /**
     * The method's options read from params, with kebab-case keys. Read every key the method supports: the
     * registry rejects the keys nobody read, except {@code seed}, which every method accepts (a deterministic one
     * may ignore it) so that scripts can pass the same flags to any method.
     */
    ClusterOptions<?> options(Params params);
}
