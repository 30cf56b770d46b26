package dev.clusterby.internal.cluster.hdbscan;

import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.ModelState;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * HDBSCAN's approximate predict ({@code hdbscan.approximate_predict}): a new point, mapped into the space that was
 * clustered, gets a core distance from its nearest training rows; its nearest training row by mutual reachability
 * places it in the condensed tree at λ = 1/mr. If that row left its cluster at a λ no larger, the point goes with
 * it; otherwise the point joins the ancestor cluster alive at its λ. The label is the selected cluster there, or −1.
 *
 * <p>A saved model keeps a seeded sample of at most {@value #SAVED_ROWS} training rows (every row when there are
 * fewer); a new point's core distance is then read at the neighbour rank scaled by the sample's share, so its
 * density is measured on the same scale as the training rows'.
 */
public final class Prediction {
    /** Training rows a saved model keeps at most. */
    public static final int SAVED_ROWS = 10_000;
    /** The state kind of a saved HDBSCAN model. */
    public static final String STATE_KIND = "hdbscan";

    private final float[] inputRows;     // m × inputDim, unit rows for cosine; only with a reduction
    private final float[] clusterRows;   // m × clusterDim
    private final int inputDim, clusterDim;
    private final boolean cosine, cosineDistance;
    private final double[] core;
    private final int coreRank;          // the neighbour (1-based) whose distance is a new point's core distance
    private final int neighbours;
    private final int[] rowCluster;      // cluster index (id − n) the row leaves
    private final double[] rowLambda;
    private final int[] clusterParent;   // cluster index, −1 for the root
    private final double[] birth, deathDirect;
    private final int[] selectedAncestor, labelOf;

    private Prediction(float[] inputRows, float[] clusterRows, int inputDim, int clusterDim, boolean cosine,
                       boolean cosineDistance, double[] core, int coreRank, int neighbours, int[] rowCluster,
                       double[] rowLambda, int[] clusterParent, double[] birth, double[] deathDirect,
                       int[] selectedAncestor, int[] labelOf) {
        this.inputRows = inputRows;
        this.clusterRows = clusterRows;
        this.inputDim = inputDim;
        this.clusterDim = clusterDim;
        this.cosine = cosine;
        this.cosineDistance = cosineDistance;
        this.core = core;
        this.coreRank = coreRank;
        this.neighbours = neighbours;
        this.rowCluster = rowCluster;
        this.rowLambda = rowLambda;
        this.clusterParent = clusterParent;
        this.birth = birth;
        this.deathDirect = deathDirect;
        this.selectedAncestor = selectedAncestor;
        this.labelOf = labelOf;
    }

    /** What predict keeps from a fit: every training row. */
    public static Prediction of(Reduction.Predictor predictor, SpanningTree.Points training, double[] core, int minSamples,
                                Hierarchy hierarchy, boolean[] selected, int[] labelOf) {
        int n = hierarchy.n;
        int[] rowCluster = new int[n];
        for (int i = 0; i < n; i++) rowCluster[i] = hierarchy.rowCluster[i] - n;
        int[] parent = new int[hierarchy.clusters];
        for (int c = 0; c < parent.length; c++) parent[c] = hierarchy.clusterParent[c] < 0 ? -1 : hierarchy.clusterParent[c] - n;
        return new Prediction(predictor.reduced() ? predictor.inputRows() : null, training.x(), predictor.inputDimension(),
                training.d(), predictor.cosine(), training.cosine(), core, Math.max(0, minSamples - 1),
                Math.max(2 * minSamples, 2), rowCluster, hierarchy.rowLambda, parent, hierarchy.birth, hierarchy.deathDirect,
                hierarchy.selectedAncestor(selected), labelOf);
    }

    /** Labels and probabilities of new points. */
    public record Result(int[] labels, double[] probabilities) {}

    /** The input width new points must have. */
    public int inputDimension() {
        return inputDim;
    }

    public Result predict(FloatMatrix points, ComputeBackend backend) {
        if (points.cols() != inputDim) {
            throw new ClusterbyException.InvalidData("points are " + points.cols() + "-d, the model was fitted on " + inputDim + "-d rows");
        }
        float[] mapped = map(points);
        int q = points.rows(), d = clusterDim, m = core.length;
        int[] labels = new int[q];
        double[] probabilities = new double[q];
        int keep = Math.min(m, Math.max(neighbours, coreRank));
        IntStream.range(0, q).parallel().forEach(p -> {
            int[] idx = new int[keep];
            double[] dist = new double[keep];
            int filled = nearest(mapped, p, clusterRows, d, m, idx, dist);
            for (int s = 0; s < filled; s++) dist[s] = cosineDistance ? dist[s] / 2 : Math.sqrt(dist[s]);
            // The (minSamples−1)-th training row is the new point's core distance (it counts itself as the first).
            double coreP = coreRank == 0 ? 0 : dist[Math.min(filled, coreRank) - 1];
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int s = 0; s < filled; s++) {
                double mr = Math.max(dist[s], Math.max(coreP, core[idx[s]]));
                if (mr < best) {
                    best = mr;
                    nearest = idx[s];
                }
            }
            double lambda = best > 0 ? 1.0 / best : Double.POSITIVE_INFINITY;
            int cluster = rowCluster[nearest];
            if (rowLambda[nearest] <= lambda) {
                lambda = rowLambda[nearest];
            } else {
                while (cluster > 0 && birth[cluster] >= lambda) cluster = clusterParent[cluster];
            }
            int selected = selectedAncestor[cluster];
            if (selected < 0) {
                labels[p] = -1;
                return;
            }
            labels[p] = labelOf[selected];
            double max = deathDirect[selected];
            probabilities[p] = max <= 0 || !Double.isFinite(lambda) ? 1.0 : Math.min(lambda, max) / max;
        });
        return new Result(labels, probabilities);
    }

    /** New rows in the clustered space: unit length for cosine, then placed among the training rows' layout. */
    private float[] map(FloatMatrix points) {
        int q = points.rows();
        float[] x = points.toArray();
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new ClusterbyException.InvalidData("row " + (i / inputDim) + " has a non-finite value at column " + (i % inputDim));
            }
        }
        if (cosine) Reduction.normalise(x, q, inputDim);
        if (inputRows == null) return x;
        return Reduction.place(x, q, inputRows, inputDim, clusterRows, clusterDim);
    }

    /** The up-to-idx.length nearest rows of {@code rows} (m × d) to point p of {@code x} by squared distance; returns how many. */
    static int nearest(float[] x, int p, float[] rows, int d, int m, int[] idx, double[] dist) {
        int filled = 0, cap = idx.length;
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (int c = 0, o = j * d; c < d; c++) {
                double t = x[p * d + c] - rows[o + c];
                s += t * t;
            }
            if (filled < cap || s < dist[filled - 1]) {
                int slot = filled < cap ? filled++ : cap - 1;
                while (slot > 0 && dist[slot - 1] > s) {
                    dist[slot] = dist[slot - 1];
                    idx[slot] = idx[slot - 1];
                    slot--;
                }
                dist[slot] = s;
                idx[slot] = j;
            }
        }
        return filled;
    }

    /** The saved state: a seeded sample of at most {@value #SAVED_ROWS} rows, and the condensed tree's clusters. */
    public ModelState state(int k, long seed) {
        int n = core.length;
        int[] rows = IntStream.range(0, n).toArray();
        if (n > SAVED_ROWS) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < SAVED_ROWS; i++) {
                int j = i + random.nextInt(n - i);
                int t = rows[i];
                rows[i] = rows[j];
                rows[j] = t;
            }
            rows = Arrays.copyOf(rows, SAVED_ROWS);
            Arrays.sort(rows);
        }
        int m = rows.length;
        // On a share f of the rows, the same density is reached about f times as many neighbours in.
        int rank = coreRank == 0 ? 0 : (int) Math.max(1, Math.round(coreRank * (double) m / n));
        float[] clusterSample = take(clusterRows, rows, clusterDim);
        ModelState state = ModelState.of(STATE_KIND, 1).with("k", k).with("input-dimension", inputDim)
                .with("cluster-dimension", clusterDim).with("cosine", cosine).with("cosine-distance", cosineDistance)
                .with("core-rank", rank).with("neighbours", neighbours).with("reduced", inputRows != null)
                .withFloats("cluster-rows", clusterSample, m, clusterDim)
                .withDoubles("core", pick(core, rows), m)
                .withInts("row-cluster", pickInts(rowCluster, rows), m)
                .withDoubles("row-lambda", pick(rowLambda, rows), m)
                .withInts("cluster-parent", clusterParent, clusterParent.length)
                .withDoubles("birth", birth, birth.length)
                .withDoubles("death", deathDirect, deathDirect.length)
                .withInts("selected-ancestor", selectedAncestor, selectedAncestor.length)
                .withInts("label-of", labelOf, labelOf.length);
        if (inputRows != null) state = state.withFloats("input-rows", take(inputRows, rows, inputDim), m, inputDim);
        return state;
    }

    /** The predictor of a saved state, checked: every index in range, every number finite. */
    public static Prediction read(ModelState state) {
        if (state.version() > 1) {
            throw new ClusterbyException.BadFile("hdbscan state version " + state.version() + " is newer than this clusterby reads (1)");
        }
        int inputDim = state.integer("input-dimension", 1, 1 << 20);
        int clusterDim = state.integer("cluster-dimension", 1, 1 << 20);
        boolean reduced = state.bool("reduced");
        float[] clusterRows = state.floats("cluster-rows", -1, clusterDim);
        int m = clusterRows.length / clusterDim;
        if (m < 1) throw new ClusterbyException.BadFile("hdbscan state has no training rows");
        if (!reduced && clusterDim != inputDim) throw new ClusterbyException.BadFile("hdbscan state: cluster-dimension differs from input-dimension without a reduction");
        float[] inputRows = reduced ? state.floats("input-rows", m, inputDim) : null;
        double[] core = state.doubles("core", m);
        int[] rowCluster = state.ints("row-cluster", m);
        double[] rowLambda = state.doubles("row-lambda", m);
        int[] parent = state.ints("cluster-parent", -1);
        int clusters = parent.length;
        double[] birth = state.doubles("birth", clusters);
        double[] death = state.doubles("death", clusters);
        int[] up = state.ints("selected-ancestor", clusters);
        int[] labelOf = state.ints("label-of", clusters);
        int k = state.integer("k", 0, clusters);
        for (int c = 0; c < clusters; c++) {
            if (c == 0 ? parent[c] != -1 : parent[c] < 0 || parent[c] >= c) throw new ClusterbyException.BadFile("hdbscan state: cluster-parent[" + c + "] = " + parent[c]);
            if (up[c] < -1 || up[c] >= clusters || (up[c] >= 0 && (labelOf[up[c]] < 0 || labelOf[up[c]] >= k))) {
                throw new ClusterbyException.BadFile("hdbscan state: selected-ancestor[" + c + "] = " + up[c]);
            }
        }
        for (int i = 0; i < m; i++) if (rowCluster[i] < 0 || rowCluster[i] >= clusters) throw new ClusterbyException.BadFile("hdbscan state: row-cluster[" + i + "] = " + rowCluster[i]);
        for (double[] a : new double[][]{core, rowLambda, birth, death}) for (double v : a) if (!(v >= 0) || Double.isNaN(v)) throw new ClusterbyException.BadFile("hdbscan state has a value " + v);
        for (float[] a : new float[][]{clusterRows, inputRows == null ? new float[0] : inputRows}) for (float v : a) if (!Float.isFinite(v)) throw new ClusterbyException.BadFile("hdbscan state has a value " + v);
        return new Prediction(inputRows, clusterRows, inputDim, clusterDim, state.bool("cosine"), state.bool("cosine-distance"),
                core, state.integer("core-rank", 0, m), state.integer("neighbours", 1, 1 << 20), rowCluster, rowLambda, parent,
                birth, death, up, labelOf);
    }

    private static float[] take(float[] x, int[] rows, int d) {
        float[] out = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) System.arraycopy(x, rows[r] * d, out, r * d, d);
        return out;
    }

    private static double[] pick(double[] a, int[] rows) {
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) out[r] = a[rows[r]];
        return out;
    }

    private static int[] pickInts(int[] a, int[] rows) {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) out[r] = a[rows[r]];
        return out;
    }
}
