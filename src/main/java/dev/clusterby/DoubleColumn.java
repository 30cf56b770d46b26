package dev.clusterby;

import java.util.Arrays;
import java.util.BitSet;

/** A column of 64-bit floating-point numbers. Missing values are tracked apart from NaN. */
public final class DoubleColumn extends Column {
    private final double[] values;
    private final BitSet missing;

    private DoubleColumn(String name, double[] values, BitSet missing) {
        super(name);
        this.values = values;
        this.missing = missing;
    }

    /** A float64 column of these values (copied), none missing; NaN is a value, not a missing one. */
    public static DoubleColumn of(String name, double... values) {
        return new DoubleColumn(name, values.clone(), new BitSet());
    }

    /** Takes ownership of the arrays; for readers that build columns in bulk. */
    public static DoubleColumn wrap(String name, double[] values, BitSet missing) {
        return new DoubleColumn(name, values, missing == null ? new BitSet() : missing);
    }

    @Override public ColumnType type() { return ColumnType.FLOAT64; }
    @Override public int size() { return values.length; }
    @Override public boolean isMissing(int row) { return missing.get(row); }
    @Override public Object get(int row) { return isMissing(row) ? null : values[row]; }

    /** The value at a row; an error if it is missing. */
    public double getDouble(int row) {
        if (isMissing(row)) throw new ClusterbyException.InvalidData("column '" + name() + "' row " + row + " is missing");
        return values[row];
    }

    /** A copy of the values; missing rows hold an unspecified value (check {@link #isMissing}). */
    public double[] toDoubleArray() {
        return values.clone();
    }

    double rawDouble(int row) { return values[row]; }

    @Override
    public String format(int row) {
        if (isMissing(row)) return "";
        double v = values[row];
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format("%.1f", v);
        return String.format("%.6g", v);
    }

    @Override
    public DoubleColumn take(int[] rows) {
        double[] out = new double[rows.length];
        BitSet outMissing = new BitSet();
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
            if (missing.get(rows[i])) outMissing.set(i);
        }
        return new DoubleColumn(name(), out, outMissing);
    }

    @Override public DoubleColumn rename(String newName) { return new DoubleColumn(newName, values, missing); }

    @Override
    public DoubleColumn concat(Column other) {
        checkConcat(other);
        DoubleColumn o = (DoubleColumn) other;
        double[] out = Arrays.copyOf(values, values.length + o.values.length);
        System.arraycopy(o.values, 0, out, values.length, o.values.length);
        BitSet outMissing = (BitSet) missing.clone();
        o.missing.stream().forEach(i -> outMissing.set(values.length + i));
        return new DoubleColumn(name(), out, outMissing);
    }

    @Override protected int compareRows(int a, int b) { return Double.compare(values[a], values[b]); }
}
