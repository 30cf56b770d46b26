package dev.clusterby;

import java.util.Arrays;
import java.util.BitSet;

/** A column of 64-bit integers, with missing values. Cluster labels are an IntColumn. */
public final class IntColumn extends Column {
    private final long[] values;
    private final BitSet missing;

    private IntColumn(String name, long[] values, BitSet missing) {
        super(name);
        this.values = values;
        this.missing = missing;
    }

    /** An int64 column of these values (copied), none missing. */
    public static IntColumn of(String name, long... values) {
        return new IntColumn(name, values.clone(), new BitSet());
    }

    /** An int64 column of these int values, none missing. */
    public static IntColumn of(String name, int... values) {
        long[] copy = new long[values.length];
        for (int i = 0; i < values.length; i++) copy[i] = values[i];
        return new IntColumn(name, copy, new BitSet());
    }

    /** Takes ownership of the arrays; for readers that build columns in bulk. */
    public static IntColumn wrap(String name, long[] values, BitSet missing) {
        return new IntColumn(name, values, missing == null ? new BitSet() : missing);
    }

    @Override public ColumnType type() { return ColumnType.INT64; }
    @Override public int size() { return values.length; }
    @Override public boolean isMissing(int row) { return missing.get(row); }
    @Override public Object get(int row) { return isMissing(row) ? null : values[row]; }

    /** The value at a row; an error if it is missing. */
    public long getLong(int row) {
        if (isMissing(row)) throw new ClusterbyException.InvalidData("column '" + name() + "' row " + row + " is missing");
        return values[row];
    }

    /** The value at a row as an int; an error if it is missing or outside the int range. */
    public int getInt(int row) {
        return Math.toIntExact(getLong(row));
    }

    /** The values as ints; missing rows become {@code missingAs}. */
    public int[] toIntArray(int missingAs) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = missing.get(i) ? missingAs : Math.toIntExact(values[i]);
        return out;
    }

    /** A copy of the values; missing rows hold an unspecified value (check {@link #isMissing}). */
    public long[] toLongArray() {
        return values.clone();
    }

    long rawLong(int row) { return values[row]; }

    @Override
    public IntColumn take(int[] rows) {
        long[] out = new long[rows.length];
        BitSet outMissing = new BitSet();
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
            if (missing.get(rows[i])) outMissing.set(i);
        }
        return new IntColumn(name(), out, outMissing);
    }

    @Override public IntColumn rename(String newName) { return new IntColumn(newName, values, missing); }

    @Override
    public IntColumn concat(Column other) {
        checkConcat(other);
        IntColumn o = (IntColumn) other;
        long[] out = Arrays.copyOf(values, values.length + o.values.length);
        System.arraycopy(o.values, 0, out, values.length, o.values.length);
        BitSet outMissing = (BitSet) missing.clone();
        o.missing.stream().forEach(i -> outMissing.set(values.length + i));
        return new IntColumn(name(), out, outMissing);
    }

    @Override protected int compareRows(int a, int b) { return Long.compare(values[a], values[b]); }
}
