package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.LONG;

/**
 * k-means: greedy k-means++ seeding (as scikit-learn does it), then Lloyd iterations on the backend's assign
 * and accumulate kernels; the best of {@code nInit} runs by inertia. With {@code spherical}, points are
 * compared by cosine and centroids are re-normalised (for L2-normalised embeddings). With {@code k = auto}
 * ({@link Options#AUTO}), k is the best mean silhouette over a range.
 *
 * <p>The default {@code nInit} ({@link #AUTO_N_INIT}) depends on the size of the problem, see
 * {@link #defaultNInit}: 10 restarts while n·k·d ≤ 5·10⁷, then fewer so that the restarts together do at most
 * 5·10⁸ multiply-adds per Lloyd sweep, and never fewer than 1. An explicit {@code n-init} always wins.
 */
public final class KMeans implements Clusterer<KMeans.Model> {
    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public KMeans(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** {@code nInit} value meaning "by the size rule of {@link #defaultNInit}"; the default. */
    public static final int AUTO_N_INIT = 0;

    /** Work budget of the default: restarts × n × k × d multiply-adds per Lloyd sweep. */
    static final double N_INIT_WORK_BUDGET = 5e8;

    /**
     * The default number of k-means++ restarts for n rows, k clusters and d dimensions:
     * {@code clamp(floor(5e8 / (n·k·d)), 1, 10)}, i.e. 10 while n·k·d ≤ 5·10⁷ and then inversely proportional to
     * the size. Measured in benchmarks/RESULTS-defaults.md on 11 held-out (set, k) pairs: the expected inertia
     * above the best of 100 runs is 0.85% with 3 restarts (the old default), 0.42% with 10 and 0.26% with 20.
     */
    public static int defaultNInit(int n, int k, int d) {
        double work = (double) n * k * Math.max(1, d);
        return (int) Math.max(1, Math.min(10, Math.floor(N_INIT_WORK_BUDGET / work)));
    }

    /** {@code n-init}: missing or {@code auto} means the size rule; an explicit value must be at least 1. */
    private static int nInit(Params params) {
        if (!params.has("n-init") || "auto".equalsIgnoreCase(params.getString("n-init", "auto").trim())) return AUTO_N_INIT;
        int value = params.getInt("n-init", AUTO_N_INIT);
        if (value < 1) throw new ClusterbyException.BadOption("n-init", "must be at least 1 or auto, got " + value);
        return value;
    }

    /**
     * Validated k-means settings; the map path ({@link #fromParams}) reads the same keys in kebab-case.
     *
     * @param k                clusters, at least 1 and at most the number of rows, or {@link #AUTO} to choose k by
     *                         the best mean silhouette over {@code kMin..kMax}
     * @param maxIter          Lloyd iterations per run, at least 1 ({@code max-iter})
     * @param tol              stop when the squared centroid shift is below tol × the mean feature variance (scikit-learn's rule); 0 runs all iterations
     * @param seed             makes runs repeatable
     * @param nInit            independent seedings; the lowest inertia wins ({@code n-init}); {@link #AUTO_N_INIT} (0)
     *                         picks {@link #defaultNInit} from the data's size
     * @param spherical        cosine assignment with unit-length centroids
     * @param kMin             with k = auto, the smallest k tried (at least 2, the silhouette needs two clusters); else 2 ({@code k-min})
     * @param kMax             with k = auto, the largest k tried, or 0 for {@code min(20, n - 1)} with an early stop; else 0 ({@code k-max})
     * @param silhouetteSample with k = auto, the silhouette is computed on a seeded sample of at most this many rows
     *                         (at least 2); else the default 2000 ({@code silhouette-sample})
     */
    public record Options(int k, int maxIter, double tol, long seed, int nInit, boolean spherical, int kMin, int kMax,
                          int silhouetteSample) implements ClusterOptions<Model> {
        /** The k that means "choose k automatically" ({@code k=auto} in the map). */
        public static final int AUTO = 0;

        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            AutoK.check(k, kMin, kMax);
            if (maxIter < 1) throw new ClusterbyException.BadOption("max-iter", "must be at least 1, got " + maxIter);
            if (!Double.isFinite(tol) || tol < 0) throw new ClusterbyException.BadOption("tol", "must be a finite number ≥ 0, got " + tol);
            if (nInit < 0) throw new ClusterbyException.BadOption("n-init", "must be at least 1 (or 0 for the size rule), got " + nInit);
            AutoK.checkSilhouette(k, kMin, silhouetteSample);
        }

        /** A fixed k (at least 1) with these settings. */
        public Options(int k, int maxIter, double tol, long seed, int nInit, boolean spherical) {
            this(AutoK.fixed(k), maxIter, tol, seed, nInit, spherical, AutoK.DEFAULT_MIN, 0, Silhouette.DEFAULT_SAMPLE);
        }

        /** k clusters with the defaults: 300 iterations, tol 1e-4, seed 42, n-init by {@link #defaultNInit}, Euclidean. */
        public static Options of(int k) {
            return new Options(k, 300, 1e-4, 42, AUTO_N_INIT, false);
        }

        /** The defaults of {@code clusterBy("text")}: k = 8. */
        public static Options defaults() {
            return of(8);
        }

        /** The defaults with k chosen by silhouette in {@code kMin..kMax} (kMax 0: up to min(20, n − 1)). */
        public static Options autoK(int kMin, int kMax) {
            return new Options(AUTO, 300, 1e-4, 42, AUTO_N_INIT, false, kMin, kMax, Silhouette.DEFAULT_SAMPLE);
        }

        /**
         * Reads the map keys {@code k} (a number or {@code auto}), {@code max-iter}, {@code tol}, {@code seed},
         * {@code n-init}, {@code spherical}, and with k=auto {@code k-min}, {@code k-max}, {@code silhouette-sample}.
         */
        public static Options fromParams(Params params) {
            int[] k = AutoK.read(params, 8);
            return new Options(k[0],
                    params.getInt("max-iter", 300),
                    params.getDouble("tol", 1e-4),
                    params.getLong("seed", 42),
                    KMeans.nInit(params),
                    params.getBoolean("spherical", false),
                    k[1], k[2], AutoK.silhouetteSample(params, k[0]));
        }

        /** The same settings with a fixed k (the auto range reset). */
        public Options withK(int newK) {
            return new Options(newK, maxIter, tol, seed, nInit, spherical);
        }

        /** The same settings with another seed. */
        public Options withSeed(long newSeed) {
            return new Options(k, maxIter, tol, newSeed, nInit, spherical, kMin, kMax, silhouetteSample);
        }

        /** The same settings with another number of seedings. */
        public Options withNInit(int newNInit) {
            return new Options(k, maxIter, tol, seed, newNInit, spherical, kMin, kMax, silhouetteSample);
        }

        /** {@code kmeans}. */
        @Override
        public String method() {
            return "kmeans";
        }

        @Override
        public KMeans clusterer() {
            return new KMeans(this);
        }

        @Override
        public Map<String, Object> toParams() {
            Map<String, Object> out = new LinkedHashMap<>();
            AutoK.write(out, k, kMin, kMax);
            out.put("max-iter", maxIter);
            out.put("tol", tol);
            out.put("seed", seed);
            out.put("n-init", nInit == AUTO_N_INIT ? "auto" : nInit);
            out.put("spherical", spherical);
            if (k == AUTO) out.put("silhouette-sample", silhouetteSample);
            return out;
        }
    }

    /**
     * A fitted k-means model (also what {@link MiniBatchKMeans} returns): labels, k×d centroids, inertia (sum of
     * squared distances), iterations of the best run. {@code kCriterion} is {@code "silhouette"} when k was chosen
     * automatically (else null), and {@code kScores} the silhouette of every k tried (else empty). {@code method}
     * names the method that fitted it, for {@link #toString()}.
     */
    public record Model(int[] labels, float[] centroids, int k, int dimension, double inertia, int iterations,
                        boolean converged, boolean spherical, String kCriterion, Map<Integer, Double> kScores,
                        String method)
            implements CentroidModel, SavableModel {

        /** The state kind of a saved k-means model (mini-batch k-means saves the same kind). */
        public static final String STATE_KIND = "kmeans";

        /** Normalises the optional parts: null scores read as empty, and a missing method name means k-means. */
        public Model {
            kScores = kScores == null ? Map.of() : kScores;
            if (method == null) method = spherical ? "kmeans(spherical)" : "kmeans";
        }

        /** A model of a fixed k fitted by k-means. */
        public Model(int[] labels, float[] centroids, int k, int dimension, double inertia, int iterations,
                     boolean converged, boolean spherical) {
            this(labels, centroids, k, dimension, inertia, iterations, converged, spherical, null, Map.of(), null);
        }

        /** The k×d centroids, row-major; a copy. */
        @Override
        public float[] centroids() {
            return centroids.clone();
        }

        @Override
        public float[] centroid(int c) {
            if (c < 0 || c >= k) throw new IndexOutOfBoundsException("centroid " + c + " of " + k);
            return java.util.Arrays.copyOfRange(centroids, c * dimension, (c + 1) * dimension);
        }

        @Override
        public Map<String, Object> diagnostics() {
            return AutoK.diagnostics(kCriterion, kScores);
        }

        Model withKScores(String criterion, Map<Integer, Double> scores) {
            return new Model(labels, centroids, k, dimension, inertia, iterations, converged, spherical, criterion, scores, method);
        }

        Model withMethod(String name) {
            return new Model(labels, centroids, k, dimension, inertia, iterations, converged, spherical, kCriterion, kScores, name);
        }

        @Override
        public int[] predict(FloatMatrix points, ComputeBackend backend) {
            if (points.cols() != dimension) {
                throw new ClusterbyException.InvalidData("points are " + points.cols() + "-d, the model is " + dimension + "-d");
            }
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix c = new FloatMatrix(Segments.copyOf(arena, centroids), k, dimension);
                MemorySegment labelsOut = Segments.ints(arena, points.rows());
                MemorySegment best = Segments.floats(arena, points.rows());
                if (spherical) backend.assignCosine(points, c, labelsOut, best);
                else backend.assignL2(points, c, labelsOut, best);
                return Segments.toIntArray(labelsOut, points.rows());
            }
        }

        /** The centroids and the fit's figures; never the labels, which are training rows. */
        @Override
        public ModelState state() {
            return ModelState.of(STATE_KIND, 1).with("k", k).with("dimension", dimension).with("spherical", spherical)
                    .with("method", method).with("inertia", inertia).with("iterations", iterations)
                    .with("converged", converged).withFloats("centroids", centroids, k, dimension);
        }

        /** The model of a saved state, without labels (a saved model holds no training rows). */
        public static Model read(ModelState state) {
            if (state.version() > 1) {
                throw new ClusterbyException.BadFile("k-means state version " + state.version() + " is newer than this clusterby reads (1)");
            }
            int k = state.integer("k", 1, Integer.MAX_VALUE);
            int d = state.integer("dimension", 1, Integer.MAX_VALUE);
            float[] centroids = state.floats("centroids", k, d);
            for (float v : centroids) {
                if (!Float.isFinite(v)) throw new ClusterbyException.BadFile("k-means state has a centroid value " + v);
            }
            return new Model(new int[0], centroids, k, d, state.number("inertia"), state.integer("iterations", 0, Integer.MAX_VALUE),
                    state.bool("converged"), state.bool("spherical"), null, Map.of(), state.string("method"));
        }

        /** The sizes and the fit's figures, never the arrays: {@code kmeans k=8 n=1000 d=384 inertia=… iterations=12}. */
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s k=%d n=%d d=%d inertia=%.6g iterations=%d converged=%b%s",
                    method, k, labels.length, dimension, inertia, iterations, converged,
                    kCriterion == null ? "" : " k-criterion=" + kCriterion);
        }
    }

    @Override
    public String name() {
        return options.spherical() ? "kmeans(spherical)" : "kmeans";
    }

    @Override
    public Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /**
     * Fits every k of the range and keeps the best mean silhouette, computed (as scikit-learn's
     * {@code silhouette_score(sample_size=…)}) with Euclidean distances on one seeded sample of at most
     * {@code silhouetteSample} rows shared by all k.
     */
    private static Model fitAutoK(FloatMatrix data, Options options, ComputeBackend backend) {
        Silhouette silhouette = Silhouette.sample(data, options.silhouetteSample(), options.seed());
        AutoK.Result<Model> result = new AutoK(options.kMin(), options.kMax()).search(data.rows(), "silhouette", false,
                k -> fit(data, options.withK(k), backend), model -> silhouette.score(model.labels()));
        return result.best().withKScores("silhouette", result.scores());
    }

    /** Fits with these options (k = auto searches the range); the model of the lowest-inertia run. */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        if (options.k() == Options.AUTO) return fitAutoK(data, options, backend);
        int n = data.rows();
        if (n == 0) throw new ClusterbyException.InvalidData("cannot cluster 0 rows");
        if (options.k > n) {
            throw new ClusterbyException.InvalidData("k=" + options.k + " is larger than the " + n + " rows");
        }
        double threshold = options.tol * meanVariance(data);
        SplittableRandom random = new SplittableRandom(options.seed);
        Model best = null;
        int restarts = options.nInit == AUTO_N_INIT ? defaultNInit(n, options.k, data.cols()) : options.nInit;
        for (int run = 0; run < restarts; run++) {
            Model model = lloyd(data, options, threshold, random.split(), backend);
            if (best == null || model.inertia < best.inertia) best = model;
        }
        return best;
    }

    private static Model lloyd(FloatMatrix data, Options options, double threshold, SplittableRandom random,
                               ComputeBackend backend) {
        int n = data.rows(), d = data.cols(), k = options.k;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix centroids = Segments.matrix(arena, k, d);
            seedPlusPlus(data, centroids, random, backend, arena);
            if (options.spherical) normaliseRows(centroids);
            MemorySegment labels = Segments.ints(arena, n);
            MemorySegment best = Segments.floats(arena, n);
            MemorySegment sums = Segments.doubles(arena, (long) k * d);
            MemorySegment counts = Segments.longs(arena, k);
            int iterations = 0;
            boolean converged = false;
            for (int iter = 0; iter < options.maxIter; iter++) {
                assign(data, centroids, labels, best, options.spherical, backend);
                iterations = iter + 1;
                backend.accumulate(data, labels, k, sums, counts);
                double shift = updateCentroids(data, centroids, sums, counts, best, options.spherical);
                if (shift <= threshold && options.tol > 0) {
                    converged = true;
                    break;
                }
            }
            // Final labels agree with the final centroids, as scikit-learn guarantees.
            assign(data, centroids, labels, best, options.spherical, backend);
            double inertia = 0;
            for (int i = 0; i < n; i++) {
                float b = best.getAtIndex(FLOAT, i);
                inertia += options.spherical ? 2 - 2 * b : b;
            }
            return new Model(Segments.toIntArray(labels, n), centroids.toArray(), k, d, inertia, iterations, converged,
                    options.spherical);
        }
    }

    private static void assign(FloatMatrix data, FloatMatrix centroids, MemorySegment labels, MemorySegment best,
                               boolean spherical, ComputeBackend backend) {
        if (spherical) backend.assignCosine(data, centroids, labels, best);
        else backend.assignL2(data, centroids, labels, best);
    }

    /** Moves each centroid to its cluster's mean; an empty cluster takes the point farthest from its centroid. Returns the squared shift. */
    private static double updateCentroids(FloatMatrix data, FloatMatrix centroids, MemorySegment sums, MemorySegment counts,
                                          MemorySegment best, boolean spherical) {
        int k = centroids.rows(), d = centroids.cols();
        double shift = 0;
        double[] rowSums = new double[d];
        float[] row = new float[d];
        for (int c = 0; c < k; c++) {
            long count = counts.getAtIndex(LONG, c);
            if (count == 0) {
                int far = farthestPoint(best, data.rows(), spherical);
                best.setAtIndex(FLOAT, far, spherical ? Float.POSITIVE_INFINITY : 0f);
                for (int j = 0; j < d; j++) {
                    double diff = data.get(far, j) - centroids.get(c, j);
                    shift += diff * diff;
                    centroids.set(c, j, data.get(far, j));
                }
                continue;
            }
            // Bulk row copies: this runs every iteration, often before the JIT has compiled segment access.
            MemorySegment.copy(sums, DOUBLE, (long) c * d * Double.BYTES, rowSums, 0, d);
            MemorySegment.copy(centroids.data(), FLOAT, (long) c * d * Float.BYTES, row, 0, d);
            for (int j = 0; j < d; j++) {
                float mean = (float) (rowSums[j] / count);
                double diff = mean - row[j];
                shift += diff * diff;
                row[j] = mean;
            }
            MemorySegment.copy(row, 0, centroids.data(), FLOAT, (long) c * d * Float.BYTES, d);
        }
        if (spherical) normaliseRows(centroids);
        return shift;
    }

    private static int farthestPoint(MemorySegment best, int n, boolean spherical) {
        int far = 0;
        for (int i = 1; i < n; i++) {
            float v = best.getAtIndex(FLOAT, i), current = best.getAtIndex(FLOAT, far);
            if (spherical ? v < current : v > current) far = i;
        }
        return far;
    }

    /**
     * Greedy k-means++: each new centre is the best of 2 + ln k candidates sampled in proportion to the squared
     * distance to the nearest centre so far, judged by the potential it leaves.
     */
    static void seedPlusPlus(FloatMatrix data, FloatMatrix centroids, SplittableRandom random, ComputeBackend backend,
                             Arena arena) {
        int n = data.rows(), d = data.cols(), k = centroids.rows();
        int trials = 2 + (int) Math.log(k);
        copyRow(data, random.nextInt(n), centroids, 0);
        FloatMatrix first = Segments.matrix(arena, n, 1);
        backend.distancesL2(data, new FloatMatrix(centroids.row(0), 1, d), first);
        // Heap copies: these loops run before the JIT warms up, where per-element segment access is slow.
        double[] closest = new double[n];
        float[] firstDistances = first.toArray();
        double potential = 0;
        for (int i = 0; i < n; i++) potential += closest[i] = firstDistances[i];
        FloatMatrix candidates = Segments.matrix(arena, trials, d);
        FloatMatrix candidateDistances = Segments.matrix(arena, n, trials);
        float[] distances = new float[n * trials];
        double[] bestClosest = new double[n];
        int[] picks = new int[trials];
        for (int c = 1; c < k; c++) {
            for (int t = 0; t < trials; t++) {
                picks[t] = sample(closest, potential, random);
                copyRow(data, picks[t], candidates, t);
            }
            // All candidates are scored in one pass over the data, as scikit-learn does.
            backend.distancesL2(data, candidates, candidateDistances);
            MemorySegment.copy(candidateDistances.data(), FLOAT, 0, distances, 0, n * trials);
            int bestTrial = 0;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                double trialPotential = 0;
                for (int i = 0; i < n; i++) trialPotential += Math.min(closest[i], distances[i * trials + t]);
                if (trialPotential < bestPotential) {
                    bestPotential = trialPotential;
                    bestTrial = t;
                }
            }
            for (int i = 0; i < n; i++) bestClosest[i] = Math.min(closest[i], distances[i * trials + bestTrial]);
            copyRow(data, picks[bestTrial], centroids, c);
            double[] swap = closest;
            closest = bestClosest;
            bestClosest = swap;
            potential = bestPotential;
        }
    }

    private static int sample(double[] weights, double total, SplittableRandom random) {
        if (!(total > 0)) return random.nextInt(weights.length);
        double target = random.nextDouble() * total;
        double running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i];
            if (running > target) return i;
        }
        for (int i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.length - 1;
    }

    private static void copyRow(FloatMatrix from, int row, FloatMatrix to, int toRow) {
        MemorySegment.copy(from.row(row), 0, to.row(toRow), 0, (long) from.cols() * Float.BYTES);
    }

    private static void normaliseRows(FloatMatrix m) {
        for (int r = 0; r < m.rows(); r++) {
            double norm = 0;
            for (int j = 0; j < m.cols(); j++) norm += (double) m.get(r, j) * m.get(r, j);
            if (norm == 0) continue;
            float scale = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < m.cols(); j++) m.set(r, j, m.get(r, j) * scale);
        }
    }

    static double meanVariance(FloatMatrix data) {
        int n = data.rows(), d = data.cols();
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0, m2 = 0;
            for (int i = 0; i < n; i++) {
                double x = data.get(i, j);
                double delta = x - mean;
                mean += delta / (i + 1);
                m2 += delta * (x - mean);
            }
            total += m2 / n;
        }
        return total / d;
    }

}
