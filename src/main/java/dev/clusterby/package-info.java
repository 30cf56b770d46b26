/**
 * clusterby's API: a dataframe of unstructured data ({@link dev.clusterby.DataPanel} and its typed columns) that
 * can be grouped by the values of a column ({@link dev.clusterby.GroupBy}) or clustered by one
 * ({@link dev.clusterby.ClusterBy}): text and images are embedded by an encoder, the embedding is cached in a hidden
 * column, and a clustering method labels the rows. {@link dev.clusterby.Clustering} does the same on a single
 * column without a panel.
 *
 * <p>This package and the extension points in {@link dev.clusterby.cluster}, {@link dev.clusterby.embed} and
 * {@link dev.clusterby.compute} are the public API. Packages under {@code dev.clusterby.internal} are not: their
 * types may change or go in any release.
 */
package dev.clusterby;
