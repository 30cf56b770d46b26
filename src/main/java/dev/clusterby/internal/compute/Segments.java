package dev.clusterby.internal.compute;

import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Typed access and allocation helpers for the kernels' segments. */
public final class Segments {
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private Segments() {}

    public static MemorySegment ints(Arena arena, long count) {
        return arena.allocate(Math.max(count, 1) * Integer.BYTES, 64);
    }

    public static MemorySegment longs(Arena arena, long count) {
        return arena.allocate(Math.max(count, 1) * Long.BYTES, 64);
    }

    public static MemorySegment floats(Arena arena, long count) {
        return arena.allocate(Math.max(count, 1) * Float.BYTES, 64);
    }

    public static MemorySegment doubles(Arena arena, long count) {
        return arena.allocate(Math.max(count, 1) * Double.BYTES, 64);
    }

    public static FloatMatrix matrix(Arena arena, int rows, int cols) {
        return new FloatMatrix(floats(arena, (long) rows * cols), rows, cols);
    }

    public static int[] toIntArray(MemorySegment segment, int count) {
        return segment.asSlice(0, (long) count * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
    }

    public static float[] toFloatArray(MemorySegment segment, int count) {
        return segment.asSlice(0, (long) count * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    public static double[] toDoubleArray(MemorySegment segment, int count) {
        return segment.asSlice(0, (long) count * Double.BYTES).toArray(ValueLayout.JAVA_DOUBLE);
    }

    public static MemorySegment copyOf(Arena arena, float[] values) {
        MemorySegment segment = floats(arena, values.length);
        MemorySegment.copy(values, 0, segment, FLOAT, 0, values.length);
        return segment;
    }

    public static MemorySegment copyOf(Arena arena, double[] values) {
        MemorySegment segment = doubles(arena, values.length);
        MemorySegment.copy(values, 0, segment, DOUBLE, 0, values.length);
        return segment;
    }
}
