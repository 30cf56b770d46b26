package dev.clusterby.compute;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A view of a rows×cols float32 row-major matrix in a memory segment. It owns nothing: the segment's
 * arena belongs to whoever made it (a tensor column, an encoder output, a backend buffer).
 */
public record FloatMatrix(MemorySegment data, int rows, int cols) {
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public FloatMatrix {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (data.byteSize() < (long) rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is too small for "
                    + rows + "x" + cols + " floats");
        }
    }

    public float get(int row, int col) {
        return data.getAtIndex(FLOAT, (long) row * cols + col);
    }

    public void set(int row, int col, float value) {
        data.setAtIndex(FLOAT, (long) row * cols + col, value);
    }

    /** The segment slice holding one row. */
    public MemorySegment row(int row) {
        return data.asSlice((long) row * cols * Float.BYTES, (long) cols * Float.BYTES);
    }

    public long byteSize() {
        return (long) rows * cols * Float.BYTES;
    }

    /** Copies into a new heap array; for tests and small data, never for hot paths. */
    public float[] toArray() {
        return data.asSlice(0, byteSize()).toArray(ValueLayout.JAVA_FLOAT);
    }
}
