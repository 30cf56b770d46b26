package dev.clusterby.cluster;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.util.Map;

/**
 * A clustering method over an n×d float32 matrix. Users implement this to plug in their own method, and
 * pass the object itself or register it by name through {@link ClustererProvider} (ServiceLoader).
 *
 * @param <M> the fitted model type, so that callers see what the model has (centroids, means) without a cast
 */
public interface Clusterer<M extends Clusterer.Fitted> {

    /** The method's name, as shown on the {@code fit:} line. */
    String name();

    /** Fits the data and returns the fitted model with its labels. */
    M fit(FloatMatrix data, ComputeBackend backend);

    /** Fits and returns the labels only. */
    default int[] fitPredict(FloatMatrix data, ComputeBackend backend) {
        return fit(data, backend).labels();
    }

    /** A fitted clustering; each method's model type adds what it has (see {@link CentroidModel}). */
    interface Fitted {
        /** One label per row, 0..k-1. */
        int[] labels();

        /** The number of clusters. */
        int k();

        /** Iterations of the final run (0 where the method has none). */
        int iterations();

        /** Labels for new points of the same width; not every method can predict. */
        default int[] predict(FloatMatrix points, ComputeBackend backend) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot label new points");
        }

        /**
         * What else the fit found, for reports: for example {@code k-criterion} ("silhouette", "bic") and
         * {@code k-scores} (a {@code Map<Integer, Double>} in increasing k) when k was chosen automatically.
         */
        default Map<String, Object> diagnostics() {
            return Map.of();
        }
    }
}
