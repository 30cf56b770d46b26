package dev.clusterby;

import java.util.BitSet;

/** A column of booleans, with missing values. Also the row mask for {@link DataPanel#filter}. */
public final class BooleanColumn extends Column {
    private final BitSet trues;
    private final BitSet missing;
    private final int size;

    private BooleanColumn(String name, BitSet trues, BitSet missing, int size) {
        super(name);
        this.trues = trues;
        this.missing = missing;
        this.size = size;
    }

    /** A boolean column of these values, none missing. */
    public static BooleanColumn of(String name, boolean... values) {
        BitSet bits = new BitSet(values.length);
        for (int i = 0; i < values.length; i++) if (values[i]) bits.set(i);
        return new BooleanColumn(name, bits, new BitSet(), values.length);
    }

    /** Takes ownership of the bit sets; for readers that build columns in bulk. */
    public static BooleanColumn wrap(String name, BitSet trues, BitSet missing, int size) {
        return new BooleanColumn(name, trues, missing == null ? new BitSet() : missing, size);
    }

    @Override public ColumnType type() { return ColumnType.BOOLEAN; }
    @Override public int size() { return size; }
    @Override public boolean isMissing(int row) { checkRow(row); return missing.get(row); }
    @Override public Object get(int row) { return isMissing(row) ? null : trues.get(row); }

    /** True where the value is true; missing counts as false. */
    public boolean isTrue(int row) {
        checkRow(row);
        return trues.get(row) && !missing.get(row);
    }

    private void checkRow(int row) {
        if (row < 0 || row >= size) throw new IndexOutOfBoundsException("row " + row + " of " + size);
    }

    @Override
    public BooleanColumn take(int[] rows) {
        BitSet out = new BitSet(rows.length), outMissing = new BitSet();
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows[i]);
            if (trues.get(rows[i])) out.set(i);
            if (missing.get(rows[i])) outMissing.set(i);
        }
        return new BooleanColumn(name(), out, outMissing, rows.length);
    }

    @Override public BooleanColumn rename(String newName) { return new BooleanColumn(newName, trues, missing, size); }

    @Override
    public BooleanColumn concat(Column other) {
        checkConcat(other);
        BooleanColumn o = (BooleanColumn) other;
        BitSet out = (BitSet) trues.clone(), outMissing = (BitSet) missing.clone();
        o.trues.stream().forEach(i -> out.set(size + i));
        o.missing.stream().forEach(i -> outMissing.set(size + i));
        return new BooleanColumn(name(), out, outMissing, size + o.size);
    }

    @Override protected int compareRows(int a, int b) { return Boolean.compare(trues.get(a), trues.get(b)); }
}
