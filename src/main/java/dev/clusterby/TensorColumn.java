package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An n×d float32 column held off-heap in a {@link MemorySegment}, one row per table row. The memory is owned
 * by a shared {@link Arena}; panels that hold the column keep it alive, and it is freed when the last one
 * closes (or when {@link #close()} is called on a column no panel holds).
 */
public final class TensorColumn extends Column implements AutoCloseable {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Reference-counted memory: a fresh storage has no holders, and is freed when the holders drop to zero. */
    static final class Storage {
        private final Arena arena;
        private final MemorySegment segment;
        private final AtomicInteger holders = new AtomicInteger();
        private volatile boolean freed;

        Storage(long bytes) {
            arena = Arena.ofShared();
            segment = arena.allocate(Math.max(bytes, 1), 64);
        }

        void retain() {
            if (freed) throw new IllegalStateException("tensor memory already freed");
            holders.incrementAndGet();
        }

        void release() {
            if (holders.decrementAndGet() <= 0) free();
        }

        void releaseIfUnheld() {
            if (holders.get() <= 0) free();
        }

        private synchronized void free() {
            if (!freed) {
                freed = true;
                arena.close();
            }
        }
    }

    private final Storage storage;
    private final int rows;
    private final int dim;
    private final BitSet missing;

    private TensorColumn(String name, Storage storage, int rows, int dim, BitSet missing) {
        super(name);
        this.storage = storage;
        this.rows = rows;
        this.dim = dim;
        this.missing = missing;
    }

    /** A new zero-filled rows×dim column; fill it through {@link #matrix()} or {@link #segment()}. */
    public static TensorColumn allocate(String name, int rows, int dim) {
        if (rows < 0 || dim < 1) throw new ClusterbyException.BadOption("shape", rows + "x" + dim + " is not a valid tensor shape");
        return new TensorColumn(name, new Storage((long) rows * dim * Float.BYTES), rows, dim, new BitSet());
    }

    /** A tensor column copied from equal-length rows; a ragged row is an error. */
    public static TensorColumn of(String name, float[][] rowsData) {
        int dim = rowsData.length == 0 ? 1 : rowsData[0].length;
        TensorColumn column = allocate(name, rowsData.length, dim);
        for (int r = 0; r < rowsData.length; r++) {
            if (rowsData[r].length != dim) {
                column.close();
                throw new ClusterbyException.InvalidData("tensor column '" + name + "' row " + r + " has "
                        + rowsData[r].length + " values, expected " + dim);
            }
            MemorySegment.copy(rowsData[r], 0, column.segment(), FLOAT, (long) r * dim * Float.BYTES, dim);
        }
        return column;
    }

    /** Copies a rows×dim matrix into a new column. */
    public static TensorColumn copyOf(String name, FloatMatrix matrix) {
        TensorColumn column = allocate(name, matrix.rows(), matrix.cols());
        MemorySegment.copy(matrix.data(), 0, column.segment(), 0, matrix.byteSize());
        return column;
    }

    @Override public ColumnType type() { return ColumnType.TENSOR; }
    @Override public int size() { return rows; }
    /** The length of each row's vector. */
    public int dim() { return dim; }
    @Override public boolean isMissing(int row) { return missing.get(row); }

    /** Marks rows as missing (for example, images that failed to decode); returns a column sharing this memory. */
    public TensorColumn withMissing(BitSet missingRows) {
        BitSet merged = (BitSet) missing.clone();
        merged.or(missingRows);
        return new TensorColumn(name(), storage, rows, dim, merged);
    }

    /** The whole tensor, without a copy. Valid while a panel holds this column. */
    public MemorySegment segment() {
        if (storage.freed) throw new ClusterbyException("tensor column '" + name() + "' was closed with its panel");
        return storage.segment.asSlice(0, (long) rows * dim * Float.BYTES);
    }

    /** The tensor as a rows×dim matrix view, without a copy; valid while a panel holds this column. */
    public FloatMatrix matrix() {
        return new FloatMatrix(segment(), rows, dim);
    }

    /** One element, at a row and column of the tensor. */
    public float get(int row, int col) {
        return segment().getAtIndex(FLOAT, (long) row * dim + col);
    }

    @Override
    public float[] get(int row) {
        if (isMissing(row)) return null;
        return segment().asSlice((long) row * dim * Float.BYTES, (long) dim * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Row {@code row}'s vector; a copy (null for a missing row). */
    public float[] row(int row) {
        return get(row);
    }

    /** The rows as a list view: each {@code get(i)} copies row i's vector (null for a missing row). */
    public java.util.List<float[]> rows() {
        return new java.util.AbstractList<>() {
            @Override
            public float[] get(int index) {
                java.util.Objects.checkIndex(index, rows);
                return TensorColumn.this.get(index);
            }

            @Override
            public int size() {
                return rows;
            }
        };
    }

    /** Every row as its own {@code float[]}, a copy (missing rows are NaN-filled here, never null). */
    public float[][] toArray() {
        float[][] out = new float[rows][];
        MemorySegment data = segment();
        for (int r = 0; r < rows; r++) {
            out[r] = data.asSlice((long) r * dim * Float.BYTES, (long) dim * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
        return out;
    }

    /** Writes the n×d float32 tensor as a NumPy {@code .npy} file (little-endian, C order; missing rows as NaN). */
    public void writeNpy(java.nio.file.Path path) {
        dev.clusterby.internal.io.Npy.writeTensor(path, this);
    }

    @Override
    public String format(int row) {
        if (isMissing(row)) return "";
        StringBuilder out = new StringBuilder("[");
        int shown = Math.min(dim, 3);
        for (int c = 0; c < shown; c++) {
            if (c > 0) out.append(", ");
            out.append(String.format("%.3f", get(row, c)));
        }
        if (dim > shown) out.append(", …").append(dim).append("d");
        return out.append(']').toString();
    }

    @Override
    public TensorColumn take(int[] rowIndices) {
        TensorColumn out = allocate(name(), rowIndices.length, dim);
        MemorySegment src = segment(), dst = out.segment();
        long rowBytes = (long) dim * Float.BYTES;
        for (int i = 0; i < rowIndices.length; i++) {
            MemorySegment.copy(src, rowIndices[i] * rowBytes, dst, i * rowBytes, rowBytes);
            if (missing.get(rowIndices[i])) out.missing.set(i);
        }
        return out;
    }

    /** Shares this column's memory under another name. */
    @Override
    public TensorColumn rename(String newName) {
        return new TensorColumn(newName, storage, rows, dim, missing);
    }

    @Override
    public TensorColumn concat(Column other) {
        checkConcat(other);
        TensorColumn o = (TensorColumn) other;
        if (o.dim != dim) {
            throw new ClusterbyException.InvalidData("cannot concat tensor column '" + name() + "' (" + dim
                    + "-d) with '" + o.name() + "' (" + o.dim + "-d)");
        }
        TensorColumn out = allocate(name(), rows + o.rows, dim);
        MemorySegment.copy(segment(), 0, out.segment(), 0, (long) rows * dim * Float.BYTES);
        MemorySegment.copy(o.segment(), 0, out.segment(), (long) rows * dim * Float.BYTES, (long) o.rows * dim * Float.BYTES);
        out.missing.or(missing);
        o.missing.stream().forEach(i -> out.missing.set(rows + i));
        return out;
    }

    @Override
    protected int compareRows(int a, int b) {
        throw new ClusterbyException.InvalidData("cannot sort by tensor column '" + name() + "'");
    }

    /**
     * A 2-D map of these rows (an embedding): a panel of {@code map_x} and {@code map_y}, by the options' method
     * ({@code umap} or {@code pca}), cached on disk by content and options. Missing rows stay missing in the map.
     */
    public DataPanel project2d(MapOptions options) {
        return Maps.layout(null, this, options, Settings.unset()).toPanel();
    }

    void retain() { storage.retain(); }

    void release() { storage.release(); }

    /** Frees the memory if no panel holds this column; a column held by a panel is freed when the panel closes. */
    @Override
    public void close() {
        storage.releaseIfUnheld();
    }

    boolean isClosed() {
        return storage.freed;
    }
}
