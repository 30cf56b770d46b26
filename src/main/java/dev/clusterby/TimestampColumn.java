package dev.clusterby;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;

/** A column of instants, stored as epoch milliseconds (UTC). */
public final class TimestampColumn extends Column {
    private final long[] epochMillis;
    private final BitSet missing;

    private TimestampColumn(String name, long[] epochMillis, BitSet missing) {
        super(name);
        this.epochMillis = epochMillis;
        this.missing = missing;
    }

    /** A timestamp column of these instants (millisecond precision); a null is a missing value. */
    public static TimestampColumn of(String name, Instant... values) {
        long[] millis = new long[values.length];
        BitSet missing = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) missing.set(i);
            else millis[i] = values[i].toEpochMilli();
        }
        return new TimestampColumn(name, millis, missing);
    }

    /** Takes ownership of the arrays; for readers that build columns in bulk. */
    public static TimestampColumn wrap(String name, long[] epochMillis, BitSet missing) {
        return new TimestampColumn(name, epochMillis, missing == null ? new BitSet() : missing);
    }

    @Override public ColumnType type() { return ColumnType.TIMESTAMP; }
    @Override public int size() { return epochMillis.length; }
    @Override public boolean isMissing(int row) { return missing.get(row); }
    @Override public Instant get(int row) { return isMissing(row) ? null : Instant.ofEpochMilli(epochMillis[row]); }

    /** The value at a row in milliseconds since the epoch; an error if it is missing. */
    public long epochMillis(int row) {
        if (isMissing(row)) throw new ClusterbyException.InvalidData("column '" + name() + "' row " + row + " is missing");
        return epochMillis[row];
    }

    long rawMillis(int row) { return epochMillis[row]; }

    @Override
    public TimestampColumn take(int[] rows) {
        long[] out = new long[rows.length];
        BitSet outMissing = new BitSet();
        for (int i = 0; i < rows.length; i++) {
            out[i] = epochMillis[rows[i]];
            if (missing.get(rows[i])) outMissing.set(i);
        }
        return new TimestampColumn(name(), out, outMissing);
    }

    @Override public TimestampColumn rename(String newName) { return new TimestampColumn(newName, epochMillis, missing); }

    @Override
    public TimestampColumn concat(Column other) {
        checkConcat(other);
        TimestampColumn o = (TimestampColumn) other;
        long[] out = Arrays.copyOf(epochMillis, epochMillis.length + o.epochMillis.length);
        System.arraycopy(o.epochMillis, 0, out, epochMillis.length, o.epochMillis.length);
        BitSet outMissing = (BitSet) missing.clone();
        o.missing.stream().forEach(i -> outMissing.set(epochMillis.length + i));
        return new TimestampColumn(name(), out, outMissing);
    }

    @Override protected int compareRows(int a, int b) { return Long.compare(epochMillis[a], epochMillis[b]); }
}
