package dev.clusterby.spark;

import dev.clusterby.compute.FloatMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's points as an off-heap n×d float32 matrix, built once and cached, so that every Lloyd pass hands
 * the kernels the same memory without converting rows. The memory belongs to an automatic arena: it is freed when
 * Spark drops the cached block. Serialised (when Spark spills or ships it) as plain floats.
 */
final class PointBlock implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private transient MemorySegment data;
    private int rows;
    private int dim;

    private PointBlock(MemorySegment data, int rows, int dim) {
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /** The partition's rows of one vector column; a null vector or one of another length is an error naming the column. */
    static PointBlock of(Iterator<Row> rows, String column) {
        float[] values = new float[1 << 16];
        int count = 0, dim = -1;
        long length = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (row.isNullAt(0)) throw new IllegalArgumentException("column '" + column + "' has a null vector");
            Vector vector = row.getAs(0);
            int size = vector.size();
            if (dim < 0) dim = size;
            else if (size != dim) {
                throw new IllegalArgumentException("column '" + column + "' has vectors of " + dim + " and " + size + " values");
            }
            if (length + size > values.length) values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(length + size, values.length * 2L)));
            double[] dense = vector instanceof DenseVector d ? d.values() : vector.toArray();
            for (int j = 0; j < size; j++) values[(int) length + j] = (float) dense[j];
            length += size;
            count++;
        }
        int d = Math.max(dim, 1);
        MemorySegment segment = Arena.ofAuto().allocate(Math.max(1L, length * Float.BYTES), 64);
        MemorySegment.copy(values, 0, segment, FLOAT, 0, (int) length);
        return new PointBlock(segment, count, d);
    }

    int rows() { return rows; }
    int dim() { return dim; }

    FloatMatrix matrix() {
        return new FloatMatrix(data.asSlice(0, (long) rows * dim * Float.BYTES), rows, dim);
    }

    /** One row, copied. */
    float[] row(int i) {
        return data.asSlice((long) i * dim * Float.BYTES, (long) dim * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.writeInt(rows);
        out.writeInt(dim);
        for (long i = 0, n = (long) rows * dim; i < n; i++) out.writeFloat(data.getAtIndex(FLOAT, i));
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException {
        rows = in.readInt();
        dim = in.readInt();
        data = Arena.ofAuto().allocate(Math.max(1L, (long) rows * dim * Float.BYTES), 64);
        for (long i = 0, n = (long) rows * dim; i < n; i++) data.setAtIndex(FLOAT, i, in.readFloat());
    }
}
