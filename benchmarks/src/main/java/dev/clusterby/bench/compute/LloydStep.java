package dev.clusterby.bench.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.LONG;

/**
 * One Lloyd iteration exactly as {@code KMeans.lloyd} runs it: assignL2, accumulate, then the centroid update
 * (a copy of the private {@code KMeans.updateCentroids}, L2 case, so the benchmark needs no change to the library).
 */
final class LloydStep {
    final FloatMatrix data, centroids;
    final MemorySegment labels, best, sums, counts;

    LloydStep(Arena arena, FloatMatrix data, FloatMatrix centroids) {
        int n = data.rows(), k = centroids.rows(), d = data.cols();
        this.data = data;
        this.centroids = centroids;
        labels = Segments.ints(arena, n);
        best = Segments.floats(arena, n);
        sums = Segments.doubles(arena, (long) k * d);
        counts = Segments.longs(arena, k);
    }

    void iterate(ComputeBackend backend) {
        backend.assignL2(data, centroids, labels, best);
        backend.accumulate(data, labels, centroids.rows(), sums, counts);
        update();
    }

    /** Sum of squared distances of the last assignment (before its update); read after {@link #iterate}. */
    double lastInertia() {
        double inertia = 0;
        for (int i = 0; i < data.rows(); i++) inertia += best.getAtIndex(FLOAT, i);
        return inertia;
    }

    private void update() {
        int k = centroids.rows(), d = centroids.cols();
        for (int c = 0; c < k; c++) {
            long count = counts.getAtIndex(LONG, c);
            if (count == 0) {
                // As KMeans: an empty cluster takes the point farthest from its centroid.
                int far = 0;
                for (int i = 1; i < data.rows(); i++) if (best.getAtIndex(FLOAT, i) > best.getAtIndex(FLOAT, far)) far = i;
                best.setAtIndex(FLOAT, far, 0f);
                MemorySegment.copy(data.row(far), 0, centroids.row(c), 0, (long) d * Float.BYTES);
                continue;
            }
            for (int j = 0; j < d; j++) {
                centroids.set(c, j, (float) (sums.getAtIndex(DOUBLE, (long) c * d + j) / count));
            }
        }
    }
}
