/**
 * Clustering methods and their extension point. Each built-in method ({@link dev.clusterby.cluster.KMeans},
 * {@link dev.clusterby.cluster.MiniBatchKMeans}, {@link dev.clusterby.cluster.GaussianMixture},
 * {@link dev.clusterby.cluster.Agglomerative}, {@link dev.clusterby.cluster.Spectral}) has a validated
 * {@code Options} record, a {@link dev.clusterby.cluster.ClusterOptions} whose type parameter is its fitted model,
 * and is found by name ({@code Clustering.methods()}) for the map form, read through
 * {@link dev.clusterby.cluster.Params}. A third-party method implements {@link dev.clusterby.cluster.Clusterer} and
 * is passed directly or registered through a {@link dev.clusterby.cluster.ClustererProvider} (ServiceLoader).
 *
 * <p>Packages under {@code dev.clusterby.internal} are not API.
 */
package dev.clusterby.cluster;
