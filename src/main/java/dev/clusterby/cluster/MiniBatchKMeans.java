package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;

/**
 * Mini-batch k-means (registry name {@code minibatch-kmeans}), scikit-learn's {@code MiniBatchKMeans}: a separate
 * method rather than a {@code batch-size} switch on {@code kmeans}, because its options (epochs, reassignment, the
 * smoothed-inertia stop) and its result (an approximation) differ from Lloyd's.
 *
 * <p>Each of {@code nInit} k-means++ seedings runs on a random subset of 3 × batch-size rows and is judged by its
 * inertia on a second random subset. Then each step draws a batch (with replacement), assigns it on the backend,
 * and moves every centre toward its batch points with its own learning rate 1 / (points it has seen). Centres that
 * have seen fewer than {@code reassignmentRatio} × the most are moved to random batch points now and then. The run
 * stops after {@code maxIter} epochs, or when the exponentially smoothed batch inertia has not improved for
 * {@code maxNoImprovement} steps, or (with {@code tol} > 0) when the centres move less than tol × the mean variance.
 * Final labels and inertia are computed on all rows.
 */
public final class MiniBatchKMeans implements Clusterer<KMeans.Model> {
    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public MiniBatchKMeans(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /**
     * Validated mini-batch k-means settings; the map path ({@link #fromParams}) reads the same keys in kebab-case.
     *
     * @param k                 clusters, at least 1 and at most the number of rows, or {@link KMeans.Options#AUTO}
     *                          to choose k by the best mean silhouette over {@code kMin..kMax}, as {@link KMeans} does
     * @param batchSize         rows per step, at least 1 (capped at the number of rows)
     * @param maxIter           epochs: the run makes at most maxIter × n / batchSize steps
     * @param tol               stop when the squared centre shift of a step is below tol × the mean feature variance; 0 turns it off
     * @param maxNoImprovement  stop after this many steps without a new best smoothed batch inertia; 0 turns it off
     * @param nInit             k-means++ seedings on random subsets; the lowest inertia on a validation subset wins
     * @param seed              makes runs repeatable
     * @param reassignmentRatio centres with fewer points than this fraction of the largest count are moved to random rows
     * @param kMin              with k = auto, the smallest k tried (at least 2); else 2
     * @param kMax              with k = auto, the largest k tried, or 0 for {@code min(20, n - 1)}; else 0
     * @param silhouetteSample  with k = auto, the rows of the silhouette sample (at least 2); else the default 2000
     */
    public record Options(int k, int batchSize, int maxIter, double tol, int maxNoImprovement, int nInit, long seed,
                          double reassignmentRatio, int kMin, int kMax, int silhouetteSample)
            implements ClusterOptions<KMeans.Model> {
        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            AutoK.check(k, kMin, kMax);
            if (batchSize < 1) throw new ClusterbyException.BadOption("batch-size", "must be at least 1, got " + batchSize);
            if (maxIter < 1) throw new ClusterbyException.BadOption("max-iter", "must be at least 1, got " + maxIter);
            if (!Double.isFinite(tol) || tol < 0) throw new ClusterbyException.BadOption("tol", "must be a finite number ≥ 0, got " + tol);
            if (maxNoImprovement < 0) {
                throw new ClusterbyException.BadOption("max-no-improvement", "must be ≥ 0, got " + maxNoImprovement);
            }
            if (nInit < 1) throw new ClusterbyException.BadOption("n-init", "must be at least 1, got " + nInit);
            if (!(reassignmentRatio >= 0 && reassignmentRatio <= 1)) {
                throw new ClusterbyException.BadOption("reassignment-ratio", "must be in [0, 1], got " + reassignmentRatio);
            }
            AutoK.checkSilhouette(k, kMin, silhouetteSample);
        }

        /** A fixed k (at least 1) with these settings. */
        public Options(int k, int batchSize, int maxIter, double tol, int maxNoImprovement, int nInit, long seed,
                       double reassignmentRatio) {
            this(AutoK.fixed(k), batchSize, maxIter, tol, maxNoImprovement, nInit, seed, reassignmentRatio, AutoK.DEFAULT_MIN, 0,
                    Silhouette.DEFAULT_SAMPLE);
        }

        /** scikit-learn's defaults: batch 1024, 100 epochs, tol 0, 10 steps without improvement, 3 seedings, ratio 0.01. */
        public static Options of(int k) {
            return new Options(k, 1024, 100, 0.0, 10, 3, 42, 0.01);
        }

        /**
         * Reads the map keys {@code k} (a number or {@code auto}), {@code batch-size}, {@code max-iter}, {@code tol},
         * {@code max-no-improvement}, {@code n-init}, {@code seed}, {@code reassignment-ratio}, and with k=auto
         * {@code k-min}, {@code k-max}, {@code silhouette-sample}.
         */
        public static Options fromParams(Params params) {
            int[] k = AutoK.read(params, 8);
            return new Options(k[0],
                    params.getInt("batch-size", 1024),
                    params.getInt("max-iter", 100),
                    params.getDouble("tol", 0.0),
                    params.getInt("max-no-improvement", 10),
                    params.getInt("n-init", 3),
                    params.getLong("seed", 42),
                    params.getDouble("reassignment-ratio", 0.01),
                    k[1], k[2], AutoK.silhouetteSample(params, k[0]));
        }

        /** The same settings with a fixed k (the auto range reset). */
        public Options withK(int newK) {
            return new Options(newK, batchSize, maxIter, tol, maxNoImprovement, nInit, seed, reassignmentRatio);
        }

        /** {@code minibatch-kmeans}. */
        @Override
        public String method() {
            return "minibatch-kmeans";
        }

        @Override
        public MiniBatchKMeans clusterer() {
            return new MiniBatchKMeans(this);
        }

        @Override
        public java.util.Map<String, Object> toParams() {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            AutoK.write(out, k, kMin, kMax);
            out.put("batch-size", batchSize);
            out.put("max-iter", maxIter);
            out.put("tol", tol);
            out.put("max-no-improvement", maxNoImprovement);
            out.put("n-init", nInit);
            out.put("seed", seed);
            out.put("reassignment-ratio", reassignmentRatio);
            if (k == KMeans.Options.AUTO) out.put("silhouette-sample", silhouetteSample);
            return out;
        }
    }

    @Override
    public String name() {
        return "minibatch-kmeans";
    }

    @Override
    public KMeans.Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /** Fits and returns a k-means model (k = auto searches the range); {@code iterations()} counts mini-batch steps. */
    public static KMeans.Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        // Centred in double when far from the origin, rescaled only past float32's range (see Conditioning).
        try (Conditioning conditioning = Conditioning.of(data)) {
            return fitConditioned(conditioning.data(), options, backend).restored(conditioning);
        }
    }

    private static KMeans.Model fitConditioned(FloatMatrix data, Options options, ComputeBackend backend) {
        if (options.k() == KMeans.Options.AUTO) {
            Silhouette silhouette = Silhouette.sample(data, options.silhouetteSample(), options.seed());
            AutoK.Result<KMeans.Model> result = new AutoK(options.kMin(), options.kMax()).search(data.rows(), "silhouette",
                    false, k -> fitConditioned(data, options.withK(k), backend), model -> silhouette.score(model.labels()));
            return result.best().withKScores("silhouette", result.scores());
        }
        int n = data.rows(), d = data.cols(), k = options.k;
        if (n == 0) throw new ClusterbyException.InvalidData("cannot cluster 0 rows");
        if (k > n) throw new ClusterbyException.InvalidData("k=" + k + " is larger than the " + n + " rows");
        int batch = Math.min(options.batchSize, n);
        int initSize = 3 * batch < k ? 3 * k : 3 * batch;
        initSize = Math.min(initSize, n);
        SplittableRandom random = new SplittableRandom(options.seed);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix centres = Segments.matrix(arena, k, d);
            FloatMatrix validation = gather(data, randomRows(random, n, initSize), arena);
            FloatMatrix subset = Segments.matrix(arena, initSize, d);
            FloatMatrix candidate = Segments.matrix(arena, k, d);
            MemorySegment labels = Segments.ints(arena, Math.max(initSize, batch));
            MemorySegment distances = Segments.floats(arena, Math.max(initSize, batch));
            double bestInertia = Double.POSITIVE_INFINITY;
            for (int init = 0; init < options.nInit; init++) {
                // Without replacement: a sample with repeats seeds repeats, and k = n then leaves rows without a centre.
                gatherInto(data, distinctRows(random, n, initSize), subset);
                KMeans.seedPlusPlus(subset, candidate, random.split(), backend, arena);
                backend.assignL2(validation, candidate, labels, distances);
                double inertia = sum(distances, initSize);
                if (inertia < bestInertia) {
                    bestInertia = inertia;
                    MemorySegment.copy(candidate.data(), 0, centres.data(), 0, candidate.byteSize());
                }
            }
            double[] centre = new double[k * d];
            for (int i = 0; i < k * d; i++) centre[i] = centres.data().getAtIndex(FLOAT, i);
            double[] counts = new double[k];
            double variance = KMeans.meanVariance(data);
            double threshold = options.tol * variance;
            long steps = (long) options.maxIter * n / batch;
            FloatMatrix batchRows = Segments.matrix(arena, batch, d);
            double[] previous = new double[k * d];
            double ewa = Double.NaN, ewaMin = Double.NaN;
            int noImprovement = 0;
            long sinceReassign = 0;
            int step = 0;
            boolean converged = false;
            while (step < steps) {
                int[] rows = randomRows(random, n, batch);
                gatherInto(data, rows, batchRows);
                backend.assignL2(batchRows, centres, labels, distances);
                double batchInertia = sum(distances, batch);
                sinceReassign += batch;
                boolean reassign = false;
                for (double count : counts) reassign |= count == 0;
                if (reassign || sinceReassign >= 10L * k) {
                    sinceReassign = 0;
                    reassign = true;
                }
                if (options.tol > 0) System.arraycopy(centre, 0, previous, 0, centre.length);
                update(batchRows, labels, centre, counts);
                if (reassign && options.reassignmentRatio > 0) reassignSmall(batchRows, distances, 1e-4 * variance, centre, counts, options.reassignmentRatio, random);
                for (int i = 0; i < k * d; i++) centres.data().setAtIndex(FLOAT, i, (float) centre[i]);
                step++;
                // scikit-learn's _mini_batch_convergence: skip the first step, then smooth the per-row batch inertia.
                if (step == 1) continue;
                batchInertia /= batch;
                double alpha = Math.min(1.0, batch * 2.0 / (n + 1));
                ewa = Double.isNaN(ewa) ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
                if (options.tol > 0) {
                    double shift = 0;
                    for (int i = 0; i < k * d; i++) shift += (centre[i] - previous[i]) * (centre[i] - previous[i]);
                    if (shift <= threshold) {
                        converged = true;
                        break;
                    }
                }
                if (Double.isNaN(ewaMin) || ewa < ewaMin) {
                    noImprovement = 0;
                    ewaMin = ewa;
                } else if (++noImprovement >= options.maxNoImprovement && options.maxNoImprovement > 0) {
                    converged = true;
                    break;
                }
            }
            MemorySegment allLabels = Segments.ints(arena, n);
            MemorySegment allDistances = Segments.floats(arena, n);
            backend.assignL2(data, centres, allLabels, allDistances);
            return new KMeans.Model(Segments.toIntArray(allLabels, n), centres.toArray(), k, d, sum(allDistances, n),
                    step, converged, false).withMethod("minibatch-kmeans");
        }
    }

    /** Each centre with batch points moves to the running mean of all the points it has seen. */
    private static void update(FloatMatrix batch, MemorySegment labels, double[] centre, double[] counts) {
        int m = batch.rows(), d = batch.cols(), k = counts.length;
        double[] sums = new double[k * d];
        int[] members = new int[k];
        for (int i = 0; i < m; i++) {
            int c = labels.getAtIndex(INT, i);
            members[c]++;
            for (int j = 0; j < d; j++) sums[c * d + j] += batch.get(i, j);
        }
        for (int c = 0; c < k; c++) {
            if (members[c] == 0) continue;
            double total = counts[c] + members[c];
            for (int j = 0; j < d; j++) centre[c * d + j] = (centre[c * d + j] * counts[c] + sums[c * d + j]) / total;
            counts[c] = total;
        }
    }

    /** scikit-learn's low-count reassignment: such centres jump to distinct random batch rows and take the smallest remaining count. */
    private static void reassignSmall(FloatMatrix batch, MemorySegment distances, double onCentre, double[] centre,
                                      double[] counts, double ratio, SplittableRandom random) {
        int k = counts.length, d = batch.cols();
        // Only rows away from every centre may take a moved one: a row sitting on a centre would give two centres one
        // point, and with k = n leave another row without its own cluster. "On" allows for the float32 distance's
        // rounding (a row's distance to itself is not exactly 0 on every backend).
        int[] away = java.util.stream.IntStream.range(0, batch.rows())
                .filter(i -> distances.getAtIndex(FLOAT, i) > onCentre).toArray();
        int m = away.length;
        double max = Arrays.stream(counts).max().orElse(0);
        boolean[] move = new boolean[k];
        int moving = 0;
        for (int c = 0; c < k; c++) if (move[c] = counts[c] < ratio * max) moving++;
        int cap = (int) (0.5 * m);
        if (moving > cap) {
            // Keep only the cap smallest counts.
            Integer[] order = new Integer[k];
            for (int c = 0; c < k; c++) order[c] = c;
            Arrays.sort(order, (a, b) -> Double.compare(counts[a], counts[b]));
            for (int r = cap; r < k; r++) move[order[r]] = false;
            moving = cap;
        }
        if (moving == 0) return;
        double minKept = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) if (!move[c]) minKept = Math.min(minKept, counts[c]);
        int[] picks = distinctRows(random, m, moving);
        int next = 0;
        for (int c = 0; c < k; c++) {
            if (!move[c]) continue;
            if (next == picks.length) break;
            int row = away[picks[next++]];
            for (int j = 0; j < d; j++) centre[c * d + j] = batch.get(row, j);
            if (minKept < Double.POSITIVE_INFINITY) counts[c] = minKept;
        }
    }

    private static int[] randomRows(SplittableRandom random, int n, int count) {
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = random.nextInt(n);
        return rows;
    }

    private static int[] distinctRows(SplittableRandom random, int n, int count) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Arrays.copyOf(order, count);
    }

    private static FloatMatrix gather(FloatMatrix data, int[] rows, Arena arena) {
        FloatMatrix out = Segments.matrix(arena, rows.length, data.cols());
        gatherInto(data, rows, out);
        return out;
    }

    private static void gatherInto(FloatMatrix data, int[] rows, FloatMatrix out) {
        long bytes = (long) data.cols() * Float.BYTES;
        for (int i = 0; i < rows.length; i++) MemorySegment.copy(data.data(), rows[i] * bytes, out.data(), i * bytes, bytes);
    }

    private static double sum(MemorySegment values, int count) {
        double total = 0;
        for (int i = 0; i < count; i++) total += values.getAtIndex(FLOAT, i);
        return total;
    }
}
