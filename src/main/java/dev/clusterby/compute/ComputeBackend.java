package dev.clusterby.compute;

import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.MemorySegment;

/**
 * The kernels that clustering and instructions run on, over off-heap float32 row-major matrices.
 * Every backend (scalar Java reference, Vector API, native C, OpenCL) implements the same contract, and the
 * conformance suite checks each against {@code ScalarBackend}.
 *
 * <p>Segments: labels and indices are int32, distances and responsibilities float32, accumulated moments
 * float64 (they sum many rows). Output segments are fully overwritten. Backends may run a kernel on worker
 * threads: segments from any arena are accepted, and one a worker thread cannot touch (confined to the caller, or
 * a heap array) is staged through a shared copy by the backend that needs it, so pass global, automatic or shared
 * segments to avoid that copy.
 */
public interface ComputeBackend extends AutoCloseable {

    /** The name users select it by: {@code scalar}, {@code java}, {@code native}, {@code opencl}. */
    String name();

    /** The device it runs on, in words, such as "2 CPU threads, AVX-512" or "pthread-skylake-avx512 (PoCL)". */
    String device();

    /**
     * For each of the n points, the nearest of the k centroids by squared L2 distance (ties to the lower
     * index): {@code labels[i]} (int32) and {@code minDistances[i]} (float32, clamped at 0).
     */
    void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances);

    /**
     * Squared L2 distances from every point to every centroid: {@code out} is n×k float32, clamped at 0. Used where
     * each centroid's distances matter, not only the nearest (k-means++ scores several candidates in one pass).
     * The default runs {@link #assignL2} once per centroid; backends override it with one blocked pass.
     */
    default void distancesL2(FloatMatrix points, FloatMatrix centroids, FloatMatrix out) {
        int n = points.rows(), k = centroids.rows();
        if (out.rows() != n || out.cols() != k) {
            throw new IllegalArgumentException("out is " + out.rows() + "x" + out.cols() + ", expected " + n + "x" + k);
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            MemorySegment labels = Segments.ints(arena, n);
            MemorySegment distances = Segments.floats(arena, n);
            for (int c = 0; c < k; c++) {
                assignL2(points, new FloatMatrix(centroids.row(c), 1, centroids.cols()), labels, distances);
                for (int i = 0; i < n; i++) out.set(i, c, distances.getAtIndex(Segments.FLOAT, i));
            }
        }
    }

    /**
     * For L2-normalised points and centroids, the centroid of highest dot product (ties to the lower index):
     * {@code labels[i]} and {@code maxSimilarity[i]}.
     */
    void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity);

    /**
     * Per-cluster sums (k×d float64) and counts (k int64) of the points by label. Labels outside 0..k-1 are skipped.
     */
    void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts);

    /**
     * GMM E-step, diagonal covariance. {@code log p[i,c] = logNorm[c] - ½ Σ_j precisions[c,j] (x[i,j] - means[c,j])²},
     * where logNorm (float64, k) already holds the log weight and the normalising constant. Writes the
     * responsibilities (n×k float32, rows sum to 1) and returns the total log-likelihood Σ_i logsumexp_c.
     */
    double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                        FloatMatrix responsibilities);

    /**
     * GMM E-step, full covariance, through the precision Cholesky factors (k blocks of d×d, row-major, upper
     * triangular as scikit-learn's {@code precisions_cholesky_}; backends may skip the zeros below the diagonal):
     * {@code log p[i,c] = logNorm[c] - ½ ‖(x_i - μ_c) P_c‖²}.
     */
    double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky, MemorySegment logNorm,
                        FloatMatrix responsibilities);

    /**
     * GMM M-step moments: {@code nk[c] = Σ_i r[i,c]}, {@code sumX[c,j] = Σ_i r[i,c] x[i,j]}, and either the
     * diagonal {@code sumXX[c,j] = Σ_i r[i,c] x[i,j]²} (k×d) or, when {@code full}, {@code sumXX[c] = Σ_i r[i,c] x_i x_iᵀ}
     * (k×d×d). All float64.
     */
    void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                    MemorySegment nk, MemorySegment sumX, MemorySegment sumXX);

    /**
     * The instruction mask's statistic: the mean over rows of |∂s/∂x| per dimension (float64, d), where s is
     * the dot product {@code x·t} or the cosine similarity {@code x·t / (‖x‖‖t‖)} with the instruction vector t (float32, d).
     */
    void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity, MemorySegment meanAbsGradient);

    /**
     * The m nearest other rows of every row by squared L2 distance, nearest first (ties to the lower index):
     * {@code indices} n×m int32 and {@code distances} n×m float32. Requires m &lt; n.
     */
    void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances);

    /**
     * Releases devices, contexts and buffers. Safe to call twice. The backends clusterby hands out (through
     * {@code Settings.backend()}) are owned by its registry: closing one of those does nothing.
     */
    @Override
    default void close() {}

    /** The similarity whose gradient the instruction mask takes. */
    enum Similarity {
        /** The dot product x·t. */
        DOT,
        /** The cosine similarity x·t / (‖x‖‖t‖). */
        COSINE
    }
}
