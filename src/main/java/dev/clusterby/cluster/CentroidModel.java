package dev.clusterby.cluster;

/**
 * A fitted model with one centroid per cluster, such as k-means and mini-batch k-means: what a caller needs to
 * describe or reuse the clusters without knowing which method made them.
 */
public interface CentroidModel extends Clusterer.Fitted {

    /** The width d of the data and of each centroid. */
    int dimension();

    /** The k×d centroids, row-major (centroid c at {@code c * dimension()}); a copy, so the model stays immutable. */
    float[] centroids();

    /** Centroid c as its own array of d values; a copy. */
    default float[] centroid(int c) {
        if (c < 0 || c >= k()) throw new IndexOutOfBoundsException("centroid " + c + " of " + k());
        float[] out = new float[dimension()];
        System.arraycopy(centroids(), c * dimension(), out, 0, dimension());
        return out;
    }

    /** The sum of squared distances of the rows to their centroid (for spherical k-means, of 2 − 2·cosine). */
    double inertia();
}
