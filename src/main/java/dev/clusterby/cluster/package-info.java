/**
 * Clustering methods and their extension point. The built-in methods ({@link dev.clusterby.cluster.KMeans},
 * {@link dev.clusterby.cluster.MiniBatchKMeans}, {@link dev.clusterby.cluster.GaussianMixture},
 * {@link dev.clusterby.cluster.Agglomerative}, {@link dev.clusterby.cluster.Spectral}) are found by name through
 * {@link dev.clusterby.cluster.Clusterers}; a third-party method implements {@link dev.clusterby.cluster.Clusterer}
 * and is registered through a {@link dev.clusterby.cluster.ClustererProvider} (ServiceLoader), or passed directly.
 *
 * <p>Packages under {@code dev.clusterby.internal} are not API.
 */
package dev.clusterby.cluster;
