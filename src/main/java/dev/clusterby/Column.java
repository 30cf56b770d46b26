package dev.clusterby;

import java.util.Objects;

/**
 * A named, typed column of a {@link DataPanel}. Columns are immutable: operations such as {@link #take}
 * return new columns. Missing values are tracked per row.
 */
public abstract sealed class Column
        permits IntColumn, DoubleColumn, StringColumn, BooleanColumn, TimestampColumn, TensorColumn, ImageColumn {

    private final String name;

    /** For the column types of this package only (the class is sealed); the name must not be blank. */
    protected Column(String name) {
        this.name = Objects.requireNonNull(name, "column name");
        if (name.isBlank()) throw new ClusterbyException.BadOption("column name", "must not be blank");
    }

    /** The column's name, unique within a panel. */
    public final String name() {
        return name;
    }

    /** What the column holds. */
    public abstract ColumnType type();

    /** The number of rows. */
    public abstract int size();

    /** Whether the value at a row is missing (null in the file, or an image that failed to decode). */
    public abstract boolean isMissing(int row);

    /** The value at a row, boxed; {@code null} where missing. */
    public abstract Object get(int row);

    /** The rows at the given indices, in that order. Indices may repeat. */
    public abstract Column take(int[] rows);

    /** The same values under another name. */
    public abstract Column rename(String newName);

    /** This column's values followed by another's of the same type. */
    public abstract Column concat(Column other);

    /** A short text for one cell, as the table printout shows it. */
    public String format(int row) {
        Object value = get(row);
        return value == null ? "" : value.toString();
    }

    /** The number of missing rows. */
    public int missingCount() {
        int count = 0;
        for (int i = 0; i < size(); i++) if (isMissing(i)) count++;
        return count;
    }

    /** The first missing row, or -1. */
    public int firstMissing() {
        for (int i = 0; i < size(); i++) if (isMissing(i)) return i;
        return -1;
    }

    /** Compares two rows for sorting; missing values sort last. */
    protected abstract int compareRows(int a, int b);

    final int compareForSort(int a, int b) {
        boolean ma = isMissing(a), mb = isMissing(b);
        if (ma || mb) return Boolean.compare(ma, mb);
        return compareRows(a, b);
    }

    /** Throws unless {@code other} has this column's type; for the subclasses' {@code concat}. */
    protected final void checkConcat(Column other) {
        if (other.type() != type()) {
            throw new ClusterbyException.InvalidData("cannot concat column '" + name + "' of type " + type()
                    + " with '" + other.name() + "' of type " + other.type());
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name).append(" (").append(type().name().toLowerCase()).append(", ")
                .append(size()).append(" rows): [");
        int shown = Math.min(size(), 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) out.append(", ");
            out.append(isMissing(i) ? "null" : format(i));
        }
        if (size() > shown) out.append(", …");
        return out.append(']').toString();
    }
}
