package dev.clusterby.compute;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A view of a rows×cols float32 row-major matrix in a memory segment. It owns nothing: the segment's
 * arena belongs to whoever made it (a tensor column, an encoder output, a backend buffer).
 */
public record FloatMatrix(MemorySegment data, int rows, int cols) {
    /** The element layout: float32 in native order, unaligned so that slices of any offset are allowed. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Checks the shape and that the segment is large enough for it. */
    public FloatMatrix {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (data.byteSize() < (long) rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is too small for "
                    + rows + "x" + cols + " floats");
        }
    }

    /** The value at (row, col). */
    public float get(int row, int col) {
        return data.getAtIndex(FLOAT, (long) row * cols + col);
    }

    /** Writes the value at (row, col). */
    public void set(int row, int col, float value) {
        data.setAtIndex(FLOAT, (long) row * cols + col, value);
    }

    /** The segment slice holding one row. */
    public MemorySegment row(int row) {
        return data.asSlice((long) row * cols * Float.BYTES, (long) cols * Float.BYTES);
    }

    /** The bytes the matrix spans: rows × cols × 4 (the segment may be larger). */
    public long byteSize() {
        return (long) rows * cols * Float.BYTES;
    }

    /** Copies into a new heap array; for tests and small data, never for hot paths. */
    public float[] toArray() {
        return data.asSlice(0, byteSize()).toArray(ValueLayout.JAVA_FLOAT);
    }
}
