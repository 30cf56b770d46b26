package dev.clusterby.spark;

import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import org.apache.spark.SparkEnv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * clusterby's compute backend as seen from a Spark task: one per executor JVM (the registry's shared instance),
 * with as many threads as Spark gives a task ({@code spark.task.cpus}), since Spark already runs one task per core.
 */
final class Kernels {
    private Kernels() {}

    private static volatile ComputeBackend backend;

    static ComputeBackend backend() {
        ComputeBackend found = backend;
        if (found == null) {
            synchronized (Kernels.class) {
                if (backend == null) {
                    SparkEnv env = SparkEnv.get();
                    int taskCpus = env == null ? 1 : env.conf().getInt("spark.task.cpus", 1);
                    backend = ComputeBackends.select(Settings.defaults().withThreads(Math.max(1, taskCpus)));
                }
                found = backend;
            }
        }
        return found;
    }

    /** A k×d matrix of these row-major floats, in the arena. */
    static FloatMatrix matrix(Arena arena, float[] rowMajor, int rows, int dim) {
        MemorySegment segment = arena.allocate((long) Math.max(1, rowMajor.length) * Float.BYTES, 64);
        MemorySegment.copy(rowMajor, 0, segment, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, rowMajor.length);
        return new FloatMatrix(segment, rows, dim);
    }

    /** The squared distance of every point of the block to its nearest centre (float32, as the kernel gives it). */
    static float[] minDistances(PointBlock block, float[] centers, int k) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment labels = arena.allocate((long) Math.max(1, block.rows()) * Integer.BYTES, 64);
            MemorySegment distances = arena.allocate((long) Math.max(1, block.rows()) * Float.BYTES, 64);
            backend().assignL2(block.matrix(), matrix(arena, centers, k, block.dim()), labels, distances);
            return distances.asSlice(0, (long) block.rows() * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** The nearest centre of every point of the block. */
    static int[] labels(PointBlock block, float[] centers, int k) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment labels = arena.allocate((long) Math.max(1, block.rows()) * Integer.BYTES, 64);
            MemorySegment distances = arena.allocate((long) Math.max(1, block.rows()) * Float.BYTES, 64);
            backend().assignL2(block.matrix(), matrix(arena, centers, k, block.dim()), labels, distances);
            return labels.asSlice(0, (long) block.rows() * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        }
    }
}
