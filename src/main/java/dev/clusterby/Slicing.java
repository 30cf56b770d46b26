package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.describe.SliceMixture;
import dev.clusterby.internal.embed.Pca;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Glue for {@link DataPanel#sliceBy} and {@link DataPanel#explainBy}: checks the columns before any embedding work,
 * takes the embedding from the same cache as clusterBy, reduces it by PCA and fits the (error-aware) mixture.
 */
final class Slicing {
    /** Domino's 25 mixture components for its 5 slices. */
    static final int COMPONENTS_PER_SLICE = 5;
    /** No more components than one per this many rows. */
    static final int MIN_COMPONENT_ROWS = 10;

    private Slicing() {}

    static SliceBy sliceBy(DataPanel panel, String column, SliceOptions options) {
        Column by = panel.column(column);
        checkRows(panel, options);
        return fit(panel, by, null, null, null, options);
    }

    static SliceBy explainBy(DataPanel panel, String by, String target, String prediction, SliceOptions options) {
        Column byColumn = panel.column(by), targetColumn = panel.column(target), predColumn = panel.column(prediction);
        requireLabels(targetColumn, "target");
        requireComplete(targetColumn, "target");
        requireComplete(predColumn, "prediction");
        checkRows(panel, options);
        int n = panel.size();
        double[][] y, p;
        double[] error = new double[n];
        if (isProbability(predColumn)) {
            // A probability of the positive class: the target must say 0/1 or false/true.
            DoubleColumn probs = (DoubleColumn) predColumn;
            y = new double[n][2];
            p = new double[n][2];
            for (int row = 0; row < n; row++) {
                String key = key(targetColumn.get(row));
                int positive = switch (key) {
                    case "1", "true" -> 1;
                    case "0", "false" -> 0;
                    default -> throw new ClusterbyException.InvalidData("column '" + targetColumn.name() + "' row " + row
                            + " is '" + key + "'; with probabilities in '" + predColumn.name()
                            + "' the target must be 0/1 or false/true");
                };
                double prob = probs.getDouble(row);
                if (!(prob >= 0 && prob <= 1)) {
                    throw new ClusterbyException.InvalidData("column '" + predColumn.name() + "' row " + row + " is " + prob
                            + "; a probability must lie in [0, 1]");
                }
                y[row][positive] = 1;
                p[row][1] = prob;
                p[row][0] = 1 - prob;
                error[row] = 1 - p[row][positive];
            }
        } else {
            requireLabels(predColumn, "prediction");
            TreeSet<String> keys = new TreeSet<>();
            for (int row = 0; row < n; row++) {
                keys.add(key(targetColumn.get(row)));
                keys.add(key(predColumn.get(row)));
            }
            Map<String, Integer> classes = new LinkedHashMap<>();
            for (String k : keys) classes.put(k, classes.size());
            y = new double[n][classes.size()];
            p = new double[n][classes.size()];
            for (int row = 0; row < n; row++) {
                int t = classes.get(key(targetColumn.get(row))), q = classes.get(key(predColumn.get(row)));
                y[row][t] = 1;
                p[row][q] = 1;
                error[row] = t == q ? 0 : 1;
            }
        }
        return fit(panel, byColumn, y, p, error, options);
    }

    private static SliceBy fit(DataPanel panel, Column by, double[][] y, double[][] p, double[] error, SliceOptions options) {
        Settings settings = options.settings().resolve();
        int n = panel.size(), slices = options.slices();
        try (Embeddings.Resolved embedding = Embeddings.resolve(panel, by, options.encoder(), null, settings, Encoder.ProgressListener.NONE)) {
            FloatMatrix x = embedding.tensor().matrix();
            int[] good = java.util.stream.IntStream.range(0, n).filter(row -> !embedding.errors().containsKey(row)).toArray();
            if (good.length < slices) {
                throw new ClusterbyException.InvalidData(good.length + " rows of column '" + by.name()
                        + "' could be embedded, fewer than the " + slices + " slices");
            }
            double[][] z = reduce(x, good, options);
            double[][] yGood = y == null ? null : pick(y, good), pGood = p == null ? null : pick(p, good);
            if (error == null) {
                double[][] resp = SliceMixture.fit(z, null, null, slices, 0, options.seed());
                return new SliceBy(panel, by.name(), options, spread(resp, good, n), null);
            }
            // Domino fits more components than slices, started from the confusion cells, and keeps those with the
            // highest error rates.
            int most = Math.max(slices, Math.min(COMPONENTS_PER_SLICE * slices, good.length / MIN_COMPONENT_ROWS));
            double[][] resp = SliceMixture.fitFromConfusion(z, yGood, pGood, slices, most, SliceMixture.LABEL_WEIGHT);
            int components = resp[0].length;
            double[] rates = new double[components];
            for (int s = 0; s < components; s++) {
                double mass = 0, wrong = 0;
                for (int i = 0; i < good.length; i++) {
                    mass += resp[i][s];
                    wrong += resp[i][s] * error[good[i]];
                }
                rates[s] = mass < 1 ? 0 : wrong / mass; // a component holding less than one row is no slice
            }
            // Slice 0 has the highest error rate (ties: the earlier component).
            Integer[] order = new Integer[components];
            for (int s = 0; s < components; s++) order[s] = s;
            Arrays.sort(order, (a, b) -> rates[a] != rates[b] ? Double.compare(rates[b], rates[a]) : Integer.compare(a, b));
            double[][] ranked = new double[good.length][slices];
            double[] rankedRates = new double[slices];
            boolean[] kept = new boolean[components];
            for (int s = 0; s < slices; s++) {
                kept[order[s]] = true;
                rankedRates[s] = rates[order[s]];
                for (int i = 0; i < good.length; i++) ranked[i][s] = resp[i][order[s]];
            }
            // A row whose most likely component is not a slice belongs to no slice.
            boolean[] inSlice = new boolean[n];
            for (int i = 0; i < good.length; i++) inSlice[good[i]] = kept[argmax(resp[i])];
            return new SliceBy(panel, by.name(), options, spread(ranked, good, n), rankedRates, inSlice);
        }
    }

    private static double[][] spread(double[][] rows, int[] good, int n) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        double[][] scores = new double[n][width];
        for (double[] row : scores) Arrays.fill(row, Double.NaN);
        for (int i = 0; i < good.length; i++) scores[good[i]] = rows[i];
        return scores;
    }

    private static int argmax(double[] row) {
        int top = 0;
        for (int s = 1; s < row.length; s++) if (row[s] > row[top]) top = s;
        return top;
    }

    /** The good rows of x on their top principal components (all dimensions when there are few). */
    private static double[][] reduce(FloatMatrix x, int[] good, SliceOptions options) {
        int d = x.cols();
        float[][] rows = new float[good.length][];
        for (int i = 0; i < good.length; i++) rows[i] = x.row(good[i]).toArray(FloatMatrix.FLOAT);
        int components = Math.min(options.dimensions(), Math.min(d, good.length - 1));
        double[][] z = new double[good.length][];
        if (components < 1 || components >= d) {
            for (int i = 0; i < good.length; i++) {
                z[i] = new double[d];
                for (int j = 0; j < d; j++) z[i][j] = rows[i][j];
            }
            return z;
        }
        Pca.Fit fit = Pca.fit(rows, components, 10, 2, options.seed());
        float[][] projected = new float[good.length][fit.count()];
        Pca.project(rows, true, fit, 0, projected);
        for (int i = 0; i < good.length; i++) {
            z[i] = new double[fit.count()];
            for (int j = 0; j < fit.count(); j++) z[i][j] = projected[i][j];
        }
        return z;
    }

    private static double[][] pick(double[][] rows, int[] good) {
        double[][] out = new double[good.length][];
        for (int i = 0; i < good.length; i++) out[i] = rows[good[i]];
        return out;
    }

    private static void checkRows(DataPanel panel, SliceOptions options) {
        if (panel.size() < options.slices()) {
            throw new ClusterbyException.InvalidData("the panel has " + panel.size() + " rows, fewer than the "
                    + options.slices() + " slices asked for");
        }
    }

    private static void requireComplete(Column column, String role) {
        int missing = column.firstMissing();
        if (missing >= 0) {
            throw new ClusterbyException.InvalidData("column '" + column.name() + "' (the " + role + ") row " + missing
                    + " is missing a value; explainBy needs a " + role + " for every row");
        }
    }

    private static void requireLabels(Column column, String role) {
        if (column instanceof StringColumn || column instanceof IntColumn || column instanceof BooleanColumn
                || column instanceof DoubleColumn) return;
        throw new ClusterbyException.BadOption(role, "column '" + column.name() + "' is "
                + column.type().name().toLowerCase(Locale.ROOT) + "; the " + role + " must hold class labels");
    }

    /** A probability column: float64 values that are not all whole numbers. */
    private static boolean isProbability(Column column) {
        if (!(column instanceof DoubleColumn values)) return false;
        for (int row = 0; row < values.size(); row++) {
            double v = values.getDouble(row);
            if (v != Math.rint(v)) return true;
        }
        return false;
    }

    /** One spelling per class: whole numbers without a decimal point, booleans as true/false. */
    private static String key(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) return Long.toString(d.longValue());
        if (value instanceof Number number) return number.toString();
        return String.valueOf(value).strip().toLowerCase(Locale.ROOT);
    }
}
