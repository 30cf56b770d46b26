package dev.clusterby.internal.panel;

import dev.clusterby.Agg;
import dev.clusterby.BooleanColumn;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DoubleColumn;
import dev.clusterby.ImageColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.TimestampColumn;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Per-group aggregates in one pass over the rows (a second, per-group pass only for medians). Missing values
 * are skipped; a group with no values gets a missing result, except COUNT, which gives 0.
 */
public final class GroupAggregator {
    private GroupAggregator() {}

    /** One value per group; the result column is named {@code agg(column)}. */
    public static Column aggregate(Column column, GroupIndex index, Agg agg) {
        String name = agg.label() + "(" + column.name() + ")";
        int groups = index.groups();
        int[] groupOf = index.groupOf();
        if (agg == Agg.COUNT) {
            long[] counts = new long[groups];
            for (int row = 0; row < groupOf.length; row++) {
                if (groupOf[row] >= 0 && !column.isMissing(row)) counts[groupOf[row]]++;
            }
            return IntColumn.wrap(name, counts, null);
        }
        if (agg == Agg.FIRST) {
            int[] first = new int[groups];
            Arrays.fill(first, -1);
            for (int row = 0; row < groupOf.length; row++) {
                int g = groupOf[row];
                if (g >= 0 && first[g] < 0 && !column.isMissing(row)) first[g] = row;
            }
            return firstRows(column, first, name);
        }
        return switch (column) {
            case IntColumn c -> numeric(c, index, agg, name, true, false);
            case DoubleColumn c -> numeric(c, index, agg, name, false, false);
            case BooleanColumn c -> numeric(c, index, agg, name, false, false);
            case TimestampColumn c -> numeric(c, index, agg, name, false, true);
            case StringColumn c -> strings(c, index, agg, name);
            case TensorColumn c -> tensorMean(c, index, agg, name);
            case ImageColumn c -> throw unsupported(c, agg);
        };
    }

    private static ClusterbyException unsupported(Column column, Agg agg) {
        return new ClusterbyException.InvalidData("cannot take " + agg.label() + " of " + column.type()
                + " column '" + column.name() + "'");
    }

    private static double valueOf(Column column, int row) {
        return switch (column) {
            case IntColumn c -> c.getLong(row);
            case DoubleColumn c -> c.getDouble(row);
            case BooleanColumn c -> c.isTrue(row) ? 1 : 0;
            case TimestampColumn c -> c.epochMillis(row);
            default -> throw new IllegalStateException();
        };
    }

    private static Column numeric(Column column, GroupIndex index, Agg agg, String name, boolean integral, boolean time) {
        int groups = index.groups();
        int[] groupOf = index.groupOf();
        long[] counts = new long[groups];
        double[] result = new double[groups];
        BitSet missing = new BitSet();
        switch (agg) {
            case SUM, MEAN -> {
                // Kahan summation keeps means of large timestamps and long columns exact enough.
                double[] comp = new double[groups];
                long[] exact = integral ? new long[groups] : null;
                for (int row = 0; row < groupOf.length; row++) {
                    int g = groupOf[row];
                    if (g < 0 || column.isMissing(row)) continue;
                    counts[g]++;
                    if (exact != null) {
                        try {
                            exact[g] = Math.addExact(exact[g], ((IntColumn) column).getLong(row));
                        } catch (ArithmeticException overflow) {
                            // Only a sum that is kept needs to fit; a mean goes on in double below.
                            if (agg == Agg.SUM) {
                                throw new ClusterbyException.InvalidData("the sum of integer column '" + column.name()
                                        + "' passes the 64-bit range (±9.22e18) at row " + row + "; take mean, or read the column as decimal numbers");
                            }
                            exact = null;
                        }
                    }
                    double y = valueOf(column, row) - comp[g];
                    double t = result[g] + y;
                    comp[g] = (t - result[g]) - y;
                    result[g] = t;
                }
                if (agg == Agg.SUM && integral) return IntColumn.wrap(name, exact, null);
                if (agg == Agg.SUM) {
                    for (int g = 0; g < groups; g++) {
                        if (Double.isInfinite(result[g])) {
                            throw new ClusterbyException.InvalidData("the sum of column '" + column.name()
                                    + "' passes the range of a double (±1.8e308) in group " + g);
                        }
                    }
                }
                if (agg == Agg.SUM && time) throw unsupported(column, agg);
                if (agg == Agg.MEAN) for (int g = 0; g < groups; g++) result[g] = counts[g] == 0 ? 0 : result[g] / counts[g];
            }
            case MIN, MAX -> {
                if (integral) return integralExtreme((IntColumn) column, groupOf, groups, agg, name);
                Arrays.fill(result, agg == Agg.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                for (int row = 0; row < groupOf.length; row++) {
                    int g = groupOf[row];
                    if (g < 0 || column.isMissing(row)) continue;
                    counts[g]++;
                    double v = valueOf(column, row);
                    result[g] = agg == Agg.MIN ? Math.min(result[g], v) : Math.max(result[g], v);
                }
            }
            case STD -> {
                // Welford, one pass; sample standard deviation (n-1), as pandas reports it.
                double[] mean = new double[groups];
                for (int row = 0; row < groupOf.length; row++) {
                    int g = groupOf[row];
                    if (g < 0 || column.isMissing(row)) continue;
                    double v = valueOf(column, row);
                    counts[g]++;
                    double delta = v - mean[g];
                    mean[g] += delta / counts[g];
                    result[g] += delta * (v - mean[g]);
                }
                for (int g = 0; g < groups; g++) {
                    if (counts[g] < 2) missing.set(g);
                    else result[g] = Math.sqrt(result[g] / (counts[g] - 1));
                }
                if (time) return DoubleColumn.wrap("std_millis(" + name.substring(4), result, missing);
                return DoubleColumn.wrap(name, result, missing);
            }
            case MEDIAN -> {
                for (int g = 0; g < groups; g++) {
                    double[] values = new double[index.size(g)];
                    int n = 0;
                    for (int i = index.offsets()[g]; i < index.offsets()[g + 1]; i++) {
                        int row = index.rows()[i];
                        if (!column.isMissing(row)) values[n++] = valueOf(column, row);
                    }
                    counts[g] = n;
                    if (n == 0) continue;
                    Arrays.sort(values, 0, n);
                    result[g] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
                }
            }
            default -> throw new IllegalStateException(agg.name());
        }
        for (int g = 0; g < groups; g++) if (counts[g] == 0) missing.set(g);
        if (time) {
            long[] millis = new long[groups];
            for (int g = 0; g < groups; g++) millis[g] = Math.round(result[g]);
            return TimestampColumn.wrap(name, millis, missing);
        }
        return DoubleColumn.wrap(name, result, missing);
    }

    /** Min or max of whole numbers compared as longs: through a double, 2^53 + 1 would come back as 2^53. */
    private static Column integralExtreme(IntColumn column, int[] groupOf, int groups, Agg agg, String name) {
        long[] out = new long[groups];
        BitSet seen = new BitSet();
        for (int row = 0; row < groupOf.length; row++) {
            int g = groupOf[row];
            if (g < 0 || column.isMissing(row)) continue;
            long v = column.getLong(row);
            if (!seen.get(g)) out[g] = v;
            else out[g] = agg == Agg.MIN ? Math.min(out[g], v) : Math.max(out[g], v);
            seen.set(g);
        }
        BitSet missing = new BitSet();
        for (int g = 0; g < groups; g++) if (!seen.get(g)) missing.set(g);
        return IntColumn.wrap(name, out, missing);
    }

    private static Column strings(StringColumn column, GroupIndex index, Agg agg, String name) {
        if (agg != Agg.MIN && agg != Agg.MAX) throw unsupported(column, agg);
        String[] best = new String[index.groups()];
        int[] groupOf = index.groupOf();
        for (int row = 0; row < groupOf.length; row++) {
            int g = groupOf[row];
            String v = column.get(row);
            if (g < 0 || v == null) continue;
            if (best[g] == null || (agg == Agg.MIN ? v.compareTo(best[g]) < 0 : v.compareTo(best[g]) > 0)) best[g] = v;
        }
        return StringColumn.of(name, best);
    }

    private static Column tensorMean(TensorColumn column, GroupIndex index, Agg agg, String name) {
        if (agg != Agg.MEAN && agg != Agg.SUM) throw unsupported(column, agg);
        int d = column.dim();
        int groups = index.groups();
        double[] sums = new double[groups * d];
        long[] counts = new long[groups];
        int[] groupOf = index.groupOf();
        for (int row = 0; row < groupOf.length; row++) {
            int g = groupOf[row];
            if (g < 0 || column.isMissing(row)) continue;
            counts[g]++;
            for (int c = 0; c < d; c++) sums[g * d + c] += column.get(row, c);
        }
        TensorColumn out = TensorColumn.allocate(name, groups, d);
        for (int g = 0; g < groups; g++) {
            double scale = agg == Agg.MEAN && counts[g] > 0 ? 1.0 / counts[g] : 1.0;
            for (int c = 0; c < d; c++) out.matrix().set(g, c, (float) (sums[g * d + c] * scale));
        }
        return out;
    }

    private static Column firstRows(Column column, int[] first, String name) {
        // Groups with no non-missing value point at row 0 and are masked after the take.
        int[] rows = Arrays.stream(first).map(r -> Math.max(r, 0)).toArray();
        if (column.size() == 0) return column.take(new int[0]).rename(name);
        Column taken = column.take(rows).rename(name);
        boolean anyEmpty = Arrays.stream(first).anyMatch(r -> r < 0);
        if (!anyEmpty) return taken;
        return switch (taken) {
            case IntColumn c -> maskInts(c, first);
            case DoubleColumn c -> {
                BitSet missing = new BitSet();
                for (int g = 0; g < first.length; g++) if (first[g] < 0 || c.isMissing(g)) missing.set(g);
                yield DoubleColumn.wrap(name, c.toDoubleArray(), missing);
            }
            case StringColumn c -> {
                String[] values = c.values().toArray(String[]::new);
                for (int g = 0; g < first.length; g++) if (first[g] < 0) values[g] = null;
                yield StringColumn.of(name, values);
            }
            default -> taken;
        };
    }

    private static IntColumn maskInts(IntColumn c, int[] first) {
        BitSet missing = new BitSet();
        for (int g = 0; g < first.length; g++) if (first[g] < 0 || c.isMissing(g)) missing.set(g);
        long[] values = new long[c.size()];
        for (int g = 0; g < values.length; g++) values[g] = c.isMissing(g) ? 0 : c.getLong(g);
        return IntColumn.wrap(c.name(), values, missing);
    }
}
