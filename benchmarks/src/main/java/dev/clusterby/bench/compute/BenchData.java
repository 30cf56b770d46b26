package dev.clusterby.bench.compute;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Seeded Gaussian-blob data in off-heap segments, and backend lookup that fails with a clear skip message. */
final class BenchData {
    static final long SEED = 20261127L;

    private BenchData() {}

    /** n points around {@code blobs} centres (centres ~ N(0, 1), spread 0.3 around each); never zeros. */
    static FloatMatrix blobs(Arena arena, int n, int d, int blobs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] centres = new float[blobs * d];
        for (int i = 0; i < centres.length; i++) centres[i] = (float) random.nextGaussian();
        FloatMatrix m = Segments.matrix(arena, n, d);
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            int b = random.nextInt(blobs);
            for (int j = 0; j < d; j++) row[j] = centres[b * d + j] + 0.3f * (float) random.nextGaussian();
            MemorySegment.copy(row, 0, m.data(), Segments.FLOAT, (long) i * d, d);
        }
        return m;
    }

    /** k distinct-ish rows of the data (as k-means' first iteration would start from); seeded. */
    static FloatMatrix sampleRows(Arena arena, FloatMatrix data, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatMatrix out = Segments.matrix(arena, k, data.cols());
        for (int c = 0; c < k; c++) {
            MemorySegment.copy(data.row(random.nextInt(data.rows())), 0, out.row(c), 0, (long) data.cols() * Float.BYTES);
        }
        return out;
    }

    static void normaliseRows(FloatMatrix m) {
        for (int r = 0; r < m.rows(); r++) {
            double norm = 0;
            for (int j = 0; j < m.cols(); j++) norm += (double) m.get(r, j) * m.get(r, j);
            float scale = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < m.cols(); j++) m.set(r, j, m.get(r, j) * scale);
        }
    }

    /**
     * The backend, or an exception whose message says this parameter combination was skipped and why: JMH then
     * reports that one combination as failed and goes on with the rest.
     */
    static ComputeBackend backend(String name) {
        try {
            return ComputeBackends.get(name);
        } catch (ClusterbyException e) {
            throw new IllegalStateException("SKIPPED backend '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Parses "100000x128x256" into {n, d, k}. */
    static int[] shape(String text) {
        String[] parts = text.split("x");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Integer.parseInt(parts[i]);
        return out;
    }
}
