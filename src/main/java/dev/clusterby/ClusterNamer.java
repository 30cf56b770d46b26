package dev.clusterby;

import java.util.List;

/**
 * Names clusters: the extension point of {@link ClusterBy#describe(DescribeOptions)}. The built-in namer picks, among
 * each cluster's keywords, frequent phrases and image phrases, the one whose embedding (same encoder as the
 * clustering) is closest to the cluster's centroid and farthest from the others; its pick is {@link Cluster#suggestedName()}.
 * Plug in your own, for example one that asks a language model, with
 * {@code cb.describe(DescribeOptions.defaults().withNamer(clusters -> …))}. Describe keeps the names unique by adding
 * the cluster number to a repeated name; a blank name is an error naming the cluster.
 */
@FunctionalInterface
public interface ClusterNamer {
    /** The built-in namer: each cluster's {@link Cluster#suggestedName()}. */
    ClusterNamer EMBEDDING = clusters -> clusters.stream().map(Cluster::suggestedName).toList();

    /** One name per cluster, in the order given. */
    List<String> name(List<Cluster> clusters);

    /**
     * What is known of one cluster when it is named.
     *
     * @param cluster        the cluster id (-1 for rows in no cluster)
     * @param size           its rows
     * @param keywords       its top terms by class-based TF-IDF, best first (empty without text)
     * @param phrases        its most frequent 1- to 3-word phrases, most frequent first (empty without text)
     * @param imagePhrases   vocabulary phrases that match its centroid relative to the other clusters (images with a
     *                       joint text-image encoder only; else empty), best first
     * @param exemplars      the text (or image path) of the rows nearest its centroid, nearest first
     * @param suggestedName  the built-in namer's choice
     */
    record Cluster(int cluster, int size, List<String> keywords, List<String> phrases, List<String> imagePhrases,
                   List<String> exemplars, String suggestedName) {
        /** Keeps unmodifiable copies. */
        public Cluster {
            keywords = List.copyOf(keywords);
            phrases = List.copyOf(phrases);
            imagePhrases = List.copyOf(imagePhrases);
            exemplars = List.copyOf(exemplars);
        }
    }
}
