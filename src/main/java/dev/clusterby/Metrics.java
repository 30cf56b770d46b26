package dev.clusterby;

import java.util.HashMap;
import java.util.Map;

/** External cluster-quality scores against true labels, matching scikit-learn's definitions. */
public final class Metrics {
    private Metrics() {}

    /** Adjusted Rand index: 1 for identical partitions, about 0 for random ones. */
    public static double adjustedRandIndex(int[] truth, int[] predicted) {
        Contingency table = Contingency.of(truth, predicted);
        double sumCells = 0, sumRows = 0, sumCols = 0;
        for (long count : table.cells.values()) sumCells += pairs(count);
        for (long count : table.rowTotals) sumRows += pairs(count);
        for (long count : table.colTotals) sumCols += pairs(count);
        double total = pairs(truth.length);
        if (total == 0) return 1.0;
        double expected = sumRows * sumCols / total;
        double max = (sumRows + sumCols) / 2;
        if (max == expected) return 1.0;
        return (sumCells - expected) / (max - expected);
    }

    /** Normalised mutual information with the arithmetic-mean normaliser (scikit-learn's default). */
    public static double normalizedMutualInfo(int[] truth, int[] predicted) {
        Contingency table = Contingency.of(truth, predicted);
        double n = truth.length;
        double hTruth = entropy(table.rowTotals, n), hPred = entropy(table.colTotals, n);
        if (hTruth == 0 && hPred == 0) return 1.0;
        double mi = 0;
        for (Map.Entry<Long, Long> cell : table.cells.entrySet()) {
            int r = (int) (cell.getKey() >> 32), c = (int) (long) cell.getKey();
            double p = cell.getValue() / n;
            mi += p * Math.log(cell.getValue() * n / ((double) table.rowTotals[r] * table.colTotals[c]));
        }
        double normaliser = (hTruth + hPred) / 2;
        return normaliser == 0 ? 0 : Math.max(0, mi) / normaliser;
    }

    private static double entropy(long[] totals, double n) {
        double h = 0;
        for (long count : totals) if (count > 0) h -= count / n * Math.log(count / n);
        return h;
    }

    private static double pairs(double count) {
        return count * (count - 1) / 2;
    }

    private record Contingency(Map<Long, Long> cells, long[] rowTotals, long[] colTotals) {
        static Contingency of(int[] truth, int[] predicted) {
            if (truth.length != predicted.length) {
                throw new IllegalArgumentException("label arrays differ in length: " + truth.length + " vs " + predicted.length);
            }
            int[] rows = dense(truth), cols = dense(predicted);
            int rowCount = 0, colCount = 0;
            for (int r : rows) rowCount = Math.max(rowCount, r + 1);
            for (int c : cols) colCount = Math.max(colCount, c + 1);
            Map<Long, Long> cells = new HashMap<>();
            long[] rowTotals = new long[rowCount], colTotals = new long[colCount];
            for (int i = 0; i < rows.length; i++) {
                cells.merge(((long) rows[i] << 32) | cols[i], 1L, Long::sum);
                rowTotals[rows[i]]++;
                colTotals[cols[i]]++;
            }
            return new Contingency(cells, rowTotals, colTotals);
        }

        private static int[] dense(int[] labels) {
            Map<Integer, Integer> ids = new HashMap<>();
            int[] out = new int[labels.length];
            for (int i = 0; i < labels.length; i++) out[i] = ids.computeIfAbsent(labels[i], x -> ids.size());
            return out;
        }
    }
}
