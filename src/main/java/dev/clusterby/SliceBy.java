package dev.clusterby;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Soft slices of a panel's rows (Meerkat's SliceBy): each row has a score, its probability, for every slice, so a row
 * can belong to several. From {@link DataPanel#sliceBy} (a mixture over the embedding) or {@link DataPanel#explainBy}
 * (Domino's error-aware mixture: five mixture components per slice are fitted, and the slices are the components
 * with the highest error rates, slice 0 the highest; the rows of the other components are in no slice).
 */
public final class SliceBy {
    /** The name describe gives the rows in no slice (slice -1). */
    static final String OTHER_ROWS = "other rows";
    private final DataPanel panel;
    private final String column;
    private final SliceOptions options;
    private final double[][] scores; // n × slices; NaN rows were not embedded
    private final double[] errorRates; // null for plain slices
    private final boolean[] inSlice; // null when every embedded row is in a slice

    SliceBy(DataPanel panel, String column, SliceOptions options, double[][] scores, double[] errorRates) {
        this(panel, column, options, scores, errorRates, null);
    }

    SliceBy(DataPanel panel, String column, SliceOptions options, double[][] scores, double[] errorRates, boolean[] inSlice) {
        this.panel = panel;
        this.column = column;
        this.options = options;
        this.scores = scores;
        this.errorRates = errorRates;
        this.inSlice = inSlice;
    }

    /** The panel whose rows were sliced. */
    public DataPanel panel() {
        return panel;
    }

    /** The column whose embedding was sliced. */
    public String column() {
        return column;
    }

    /** The number of slices. */
    public int sliceCount() {
        return options.slices();
    }

    /** Every row's score (probability) for one slice, as a column named {@code slice_S}; missing for rows not embedded. */
    public DoubleColumn scores(int slice) {
        checkSlice(slice);
        double[] out = new double[scores.length];
        java.util.BitSet missing = new java.util.BitSet();
        for (int row = 0; row < out.length; row++) {
            out[row] = scores[row][slice];
            if (Double.isNaN(out[row])) missing.set(row);
        }
        return DoubleColumn.wrap("slice_" + slice, out, missing);
    }

    /**
     * Each row's most likely slice ({@code slice}); -1 for rows not embedded and, after explainBy, for rows whose most
     * likely mixture component was not among the slices kept.
     */
    public IntColumn slices() {
        return IntColumn.of("slice", bestSlices());
    }

    /** Each row's score for its most likely slice ({@code slice_score}), missing for rows not embedded. */
    public DoubleColumn sliceScores() {
        double[] out = new double[scores.length];
        java.util.BitSet missing = new java.util.BitSet();
        for (int row = 0; row < out.length; row++) {
            out[row] = Arrays.stream(scores[row]).max().orElse(Double.NaN);
            if (Double.isNaN(out[row])) missing.set(row);
        }
        return DoubleColumn.wrap("slice_score", out, missing);
    }

    /** The rows whose score for the slice is at least {@code minScore}; a row can be in several slices. */
    public int[] rowsOf(int slice, double minScore) {
        checkSlice(slice);
        return IntStream.range(0, scores.length).filter(row -> scores[row][slice] >= minScore).toArray();
    }

    /** The rows whose most likely slice this is. */
    public int[] rowsOf(int slice) {
        checkSlice(slice);
        int[] best = bestSlices();
        return IntStream.range(0, best.length).filter(row -> best[row] == slice).toArray();
    }

    /** The rows whose score for the slice is at least {@code minScore}, as a new panel. */
    public DataPanel slice(int slice, double minScore) {
        return panel.take(rowsOf(slice, minScore));
    }

    /** The number of rows whose most likely slice each one is. */
    public int[] sizes() {
        int[] sizes = new int[sliceCount()];
        for (int s : bestSlices()) if (s >= 0) sizes[s]++;
        return sizes;
    }

    /** Whether the slices came from {@link DataPanel#explainBy} and have error rates. */
    public boolean hasErrors() {
        return errorRates != null;
    }

    /**
     * The error rate of a slice: the score-weighted mean of each row's error, {@code 1 − p(target)} (1 or 0 for a
     * predicted label, one minus the probability given to the true class for a probability); NaN without a target.
     */
    public double errorRate(int slice) {
        checkSlice(slice);
        return errorRates == null ? Double.NaN : errorRates[slice];
    }

    /**
     * {@link ClusterBy#describe()} of the slices, each row taken in its most likely slice, plus {@code error} (the
     * error rate, after {@code size}) when the slices came from explainBy. Slices with no row still get a row.
     */
    public DataPanel describe() {
        return describe(DescribeOptions.defaults());
    }

    /** {@link #describe()} with other options. */
    public DataPanel describe(DescribeOptions describeOptions) {
        DataPanel table = Describe.describe(panel, column, bestSlices(), sliceCount(), options.encoder(), null,
                options.settings(), describeOptions, OTHER_ROWS).rename("cluster", "slice");
        if (errorRates == null) return table;
        int[] ids = table.intColumn("slice").toIntArray(-1);
        double[] errors = new double[ids.length];
        for (int i = 0; i < ids.length; i++) errors[i] = ids[i] < 0 ? Double.NaN : errorRates[ids[i]];
        DataPanel out = DataPanel.of(table.column("slice"), table.column("size"), DoubleColumn.of("error", errors));
        for (String name : table.columnNames()) if (!name.equals("slice") && !name.equals("size")) out = out.withColumn(table.column(name));
        return out;
    }

    /** Every row plus {@code slice} (the most likely one) and {@code slice_score}. */
    public DataPanel toDataPanel() {
        return panel.withColumn(slices()).withColumn(sliceScores());
    }

    private int[] bestSlices() {
        int[] best = new int[scores.length];
        for (int row = 0; row < best.length; row++) {
            int top = -1;
            double value = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < scores[row].length; s++) {
                if (scores[row][s] > value) {
                    value = scores[row][s];
                    top = s;
                }
            }
            best[row] = inSlice != null && !inSlice[row] ? -1 : top;
        }
        return best;
    }

    private void checkSlice(int slice) {
        if (slice < 0 || slice >= sliceCount()) {
            throw new ClusterbyException.InvalidData("slice " + slice + " is outside 0.." + (sliceCount() - 1));
        }
    }
}
