package dev.clusterby;

import java.util.Arrays;
import java.util.List;

/** A column of strings; {@code null} marks a missing value. */
public final class StringColumn extends Column {
    private final String[] values;

    private StringColumn(String name, String[] values) {
        super(name);
        this.values = values;
    }

    /** A string column of these values; a null is a missing value. */
    public static StringColumn of(String name, String... values) {
        return new StringColumn(name, values.clone());
    }

    /** A string column of these values; a null is a missing value. */
    public static StringColumn of(String name, List<String> values) {
        return new StringColumn(name, values.toArray(String[]::new));
    }

    @Override public ColumnType type() { return ColumnType.STRING; }
    @Override public int size() { return values.length; }
    @Override public boolean isMissing(int row) { return values[row] == null; }
    @Override public String get(int row) { return values[row]; }

    /** The values as a list; missing values are {@code null}. */
    public List<String> values() {
        return Arrays.asList(values.clone());
    }

    @Override
    public String format(int row) {
        String v = values[row];
        if (v == null) return "";
        String oneLine = v.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() > 40 ? oneLine.substring(0, 39) + "…" : oneLine;
    }

    @Override
    public StringColumn take(int[] rows) {
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = values[rows[i]];
        return new StringColumn(name(), out);
    }

    @Override public StringColumn rename(String newName) { return new StringColumn(newName, values); }

    @Override
    public StringColumn concat(Column other) {
        checkConcat(other);
        String[] o = ((StringColumn) other).values;
        String[] out = Arrays.copyOf(values, values.length + o.length);
        System.arraycopy(o, 0, out, values.length, o.length);
        return new StringColumn(name(), out);
    }

    @Override protected int compareRows(int a, int b) { return values[a].compareTo(values[b]); }
}
