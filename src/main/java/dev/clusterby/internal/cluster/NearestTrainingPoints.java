package dev.clusterby.internal.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.ModelState;
import dev.clusterby.cluster.SavableModel;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The predict rule of methods without centroids (hierarchical, spectral): a new point takes the majority label of
 * its {@value #NEIGHBOURS} nearest training points (squared L2), ties going to the label of the nearest tied
 * point, and a point at distance 0 from a kept point takes that point's label. The training points kept are a
 * per-cluster (stratified) seeded sample of at most {@value #SAMPLE_CAP} rows: every row when the training set is
 * no larger, so predicting the training rows then gives their labels back. This is the one place a saved model
 * holds training rows, and only these.
 */
public final class NearestTrainingPoints implements SavableModel {
    /** The state kind of a saved rule. */
    public static final String STATE_KIND = "nearest-training-points";
    /** The most training rows a model keeps. */
    public static final int SAMPLE_CAP = 4096;
    /** The neighbours that vote. */
    public static final int NEIGHBOURS = 10;
    private static final int BLOCK = 512;

    private final String method;
    private final int k;
    private final int dimension;
    private final int trainingRows;
    private final float[] sample;
    private final int[] sampleLabels;
    private final int[] labels;

    private NearestTrainingPoints(String method, int k, int dimension, int trainingRows, float[] sample,
                                  int[] sampleLabels, int[] labels) {
        this.method = method;
        this.k = k;
        this.dimension = dimension;
        this.trainingRows = trainingRows;
        this.sample = sample;
        this.sampleLabels = sampleLabels;
        this.labels = labels;
    }

    /** The rule for a fit of {@code data} that gave {@code labels} (of k clusters, -1 for noise); the sample is seeded. */
    public static NearestTrainingPoints of(String method, FloatMatrix data, int[] labels, int k, long seed) {
        int n = data.rows(), d = data.cols();
        int[] rows = stratifiedSample(labels, k, Math.min(n, SAMPLE_CAP), seed);
        float[] sample = new float[rows.length * d];
        int[] sampleLabels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            MemorySegment.copy(data.data(), FloatMatrix.FLOAT, (long) rows[i] * d * Float.BYTES, sample, i * d, d);
            sampleLabels[i] = labels[rows[i]];
        }
        return new NearestTrainingPoints(method, k, d, n, sample, sampleLabels, labels.clone());
    }

    /** Each cluster's share of {@code size} rows (at least one per non-empty cluster), drawn without replacement, in row order. */
    static int[] stratifiedSample(int[] labels, int k, int size, long seed) {
        int n = labels.length;
        if (size >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        int[] counts = new int[k + 1];
        for (int label : labels) counts[label + 1]++; // slot 0 is noise (-1)
        int[] quota = new int[k + 1];
        for (int c = 0; c <= k; c++) quota[c] = counts[c] == 0 ? 0 : Math.max(1, (int) ((long) counts[c] * size / n));
        boolean[] taken = new boolean[n];
        int picked = 0;
        for (int row : order) {
            int slot = labels[row] + 1;
            if (quota[slot] > 0) {
                quota[slot]--;
                taken[row] = true;
                picked++;
            }
        }
        int[] out = new int[picked];
        for (int row = 0, i = 0; row < n; row++) if (taken[row]) out[i++] = row;
        return out;
    }

    /** The rule of a saved state. */
    public static NearestTrainingPoints read(ModelState state) {
        if (state.version() > 1) {
            throw new ClusterbyException.BadFile(STATE_KIND + " state version " + state.version() + " is newer than this clusterby reads (1)");
        }
        int k = state.integer("k", 1, Integer.MAX_VALUE);
        int d = state.integer("dimension", 1, 1 << 20);
        int m = state.integer("sample-rows", 1, SAMPLE_CAP);
        float[] sample = state.floats("sample", m, d);
        int[] sampleLabels = state.ints("sample-labels", m);
        for (float v : sample) if (!Float.isFinite(v)) throw new ClusterbyException.BadFile(STATE_KIND + " state has a value " + v);
        for (int label : sampleLabels) {
            if (label < -1 || label >= k) throw new ClusterbyException.BadFile(STATE_KIND + " state has a label " + label + " outside -1.." + (k - 1));
        }
        return new NearestTrainingPoints(state.string("method"), k, d, state.integer("training-rows", m, Integer.MAX_VALUE),
                sample, sampleLabels, new int[0]);
    }

    @Override
    public ModelState state() {
        int m = sampleLabels.length;
        return ModelState.of(STATE_KIND, 1).with("method", method).with("k", k).with("dimension", dimension)
                .with("neighbours", NEIGHBOURS).with("training-rows", trainingRows).with("sample-rows", m)
                .withFloats("sample", sample, m, dimension).withInts("sample-labels", sampleLabels, m);
    }

    /** The training labels of the fit (empty once loaded from a file). */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int iterations() {
        return 0;
    }

    /** The width of the points. */
    public int dimension() {
        return dimension;
    }

    /** The training rows kept. */
    public int sampleRows() {
        return sampleLabels.length;
    }

    @Override
    public int[] predict(FloatMatrix points, ComputeBackend backend) {
        if (points.cols() != dimension) {
            throw new ClusterbyException.InvalidData("points are " + points.cols() + "-d, the model is " + dimension + "-d");
        }
        int n = points.rows(), m = sampleLabels.length;
        int[] out = new int[n];
        int voters = Math.min(NEIGHBOURS, m);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix kept = new FloatMatrix(Segments.copyOf(arena, sample), m, dimension);
            FloatMatrix distances = Segments.matrix(arena, Math.min(BLOCK, Math.max(n, 1)), m);
            float[] row = new float[m];
            int[] nearest = new int[voters];
            int[] votes = new int[k + 1];
            for (int from = 0; from < n; from += BLOCK) {
                int rows = Math.min(BLOCK, n - from);
                FloatMatrix block = new FloatMatrix(points.data().asSlice((long) from * dimension * Float.BYTES,
                        (long) rows * dimension * Float.BYTES), rows, dimension);
                FloatMatrix dist = new FloatMatrix(distances.data().asSlice(0, (long) rows * m * Float.BYTES), rows, m);
                backend.distancesL2(block, kept, dist);
                for (int i = 0; i < rows; i++) {
                    MemorySegment.copy(dist.data(), FloatMatrix.FLOAT, (long) i * m * Float.BYTES, row, 0, m);
                    out[from + i] = vote(row, voters, nearest, votes);
                }
            }
        }
        return out;
    }

    /** The majority label of the {@code voters} smallest distances; ties to the nearest; distance 0 decides alone. */
    private int vote(float[] distances, int voters, int[] nearest, int[] votes) {
        int count = 0;
        for (int j = 0; j < distances.length; j++) {
            float v = distances[j];
            if (count < voters) {
                int at = count++;
                while (at > 0 && distances[nearest[at - 1]] > v) { nearest[at] = nearest[at - 1]; at--; }
                nearest[at] = j;
            } else if (v < distances[nearest[voters - 1]]) {
                int at = voters - 1;
                while (at > 0 && distances[nearest[at - 1]] > v) { nearest[at] = nearest[at - 1]; at--; }
                nearest[at] = j;
            }
        }
        if (distances[nearest[0]] == 0f) return sampleLabels[nearest[0]];
        Arrays.fill(votes, 0);
        int best = 0;
        for (int i = 0; i < voters; i++) best = Math.max(best, ++votes[sampleLabels[nearest[i]] + 1]);
        for (int i = 0; i < voters; i++) {
            int label = sampleLabels[nearest[i]];
            if (votes[label + 1] == best) return label;
        }
        return sampleLabels[nearest[0]];
    }

    /** The method, k and sample size; never the rows. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s predicted by the %d nearest of %d kept training rows (of %d), k=%d d=%d",
                method, NEIGHBOURS, sampleLabels.length, trainingRows, k, dimension);
    }
}
