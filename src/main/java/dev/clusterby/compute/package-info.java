/**
 * The compute extension point: {@link dev.clusterby.compute.ComputeBackend} is the set of kernels (nearest centroid,
 * distances, moments, ...) that the clustering methods run on, over off-heap float32
 * {@link dev.clusterby.compute.FloatMatrix} data. The built-in backends (scalar Java, Vector API, native C, OpenCL)
 * live under {@code dev.clusterby.internal}, which is not API.
 */
package dev.clusterby.compute;
