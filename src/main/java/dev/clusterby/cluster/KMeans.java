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
 *
 * <p>Large inputs: with more than {@value #ROWS_PER_CLUSTER}·k rows and n·k·d ≥ 10⁹, Lloyd runs on a uniform sample
 * of {@value #ROWS_PER_CLUSTER}·k rows (FAISS's rule; {@code sample}), then one pass assigns every row, optionally
 * followed by {@code full-iter} Lloyd iterations on all rows. Seeding (k-means++, or k-means|| with
 * {@code init=k-means||}) runs, past the same n·k·d, on at most {@value #ROWS_PER_CLUSTER}·k rows of what Lloyd runs
 * on, so it no longer dominates when {@code sample=all}. Both rules were chosen on held-out data (benchmarks/RESULTS-scale.md).
 */
public final class KMeans implements Clusterer<KMeans.Model> {
    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public KMeans(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** {@code nInit} value meaning "by the size rule of {@link #defaultNInit}"; the default. */
    public static final int AUTO_N_INIT = 0;

    /** {@code sample} value meaning "by the size rule": {@value #ROWS_PER_CLUSTER}·k rows when n is larger. */
    public static final int SAMPLE_AUTO = 0;

    /** {@code sample} value meaning "every row" ({@code sample=all}). */
    public static final int SAMPLE_ALL = -1;

    /** Rows per cluster of the default sample and of the seeding sample (FAISS's max_points_per_centroid). */
    public static final int ROWS_PER_CLUSTER = 256;

    /** {@code init} of greedy k-means++ (the default). */
    public static final String INIT_PLUS_PLUS = "k-means++";

    /** {@code init} of k-means|| (Bahmani et al., Spark's default). */
    public static final String INIT_PARALLEL = "k-means||";

    /** Multiply-adds of one Lloyd sweep (n·k·d) below which the default never samples: such a sweep takes under a second. */
    public static final double SAMPLE_WORK_THRESHOLD = 1e9;

    /**
     * The rows Lloyd runs on for n rows, k clusters and d dimensions: all of them with {@link #SAMPLE_ALL}, at most the
     * given count otherwise, and with {@link #SAMPLE_AUTO} 256·k when n &gt; 256·k and n·k·d ≥ 10⁹, else all n.
     */
    public static int sampleSize(int n, int k, int d, int sample) {
        if (sample == SAMPLE_ALL) return n;
        if (sample == SAMPLE_AUTO) {
            boolean large = (long) n > (long) ROWS_PER_CLUSTER * k && (double) n * k * d >= SAMPLE_WORK_THRESHOLD;
            return large ? ROWS_PER_CLUSTER * k : n;
        }
        return Math.min(n, sample);
    }

    private static int readSample(Params params) {
        if (!params.has("sample")) return SAMPLE_AUTO;
        String text = params.getString("sample", "auto").trim();
        if ("auto".equalsIgnoreCase(text)) return SAMPLE_AUTO;
        if ("all".equalsIgnoreCase(text)) return SAMPLE_ALL;
        int value = params.getInt("sample", SAMPLE_AUTO);
        if (value < 1) throw new ClusterbyException.BadOption("sample", "must be a row count ≥ k, auto or all, got " + value);
        return value;
    }

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
     * @param sample           rows Lloyd runs on before one pass assigns all: {@link #SAMPLE_AUTO} (the default,
     *                         {@code sample=auto}: 256·k when n is larger and n·k·d ≥ 10⁹, see {@link #sampleSize}), {@link #SAMPLE_ALL}
     *                         ({@code sample=all}) or a count of at least k
     * @param fullIter         after a sampled fit, Lloyd iterations on all rows (0, the default: the one assignment
     *                         pass only; {@code full-iter})
     * @param init             {@link #INIT_PLUS_PLUS} (default) or {@link #INIT_PARALLEL} ({@code init})
     */
    public record Options(int k, int maxIter, double tol, long seed, int nInit, boolean spherical, int kMin, int kMax,
                          int silhouetteSample, int sample, int fullIter, String init) implements ClusterOptions<Model> {
        /** The k that means "choose k automatically" ({@code k=auto} in the map). */
        public static final int AUTO = 0;

        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            AutoK.check(k, kMin, kMax);
            if (maxIter < 1) throw new ClusterbyException.BadOption("max-iter", "must be at least 1, got " + maxIter);
            if (!Double.isFinite(tol) || tol < 0) throw new ClusterbyException.BadOption("tol", "must be a finite number ≥ 0, got " + tol);
            if (nInit < 0) throw new ClusterbyException.BadOption("n-init", "must be at least 1 (or 0 for the size rule), got " + nInit);
            AutoK.checkSilhouette(k, kMin, silhouetteSample);
            if (sample < SAMPLE_ALL) throw new ClusterbyException.BadOption("sample", "must be a row count ≥ k, auto or all, got " + sample);
            if (sample > 0 && k != AUTO && sample < k) {
                throw new ClusterbyException.BadOption("sample", "must be at least k=" + k + ", got " + sample);
            }
            if (fullIter < 0) throw new ClusterbyException.BadOption("full-iter", "must be at least 0, got " + fullIter);
            if (init == null) init = INIT_PLUS_PLUS;
            if (!init.equals(INIT_PLUS_PLUS) && !init.equals(INIT_PARALLEL)) {
                throw new ClusterbyException.BadOption("init", "must be " + INIT_PLUS_PLUS + " or " + INIT_PARALLEL + ", got '" + init + "'");
            }
        }

        /** These settings with the large-input defaults (sample by the size rule, no full iterations, k-means++). */
        public Options(int k, int maxIter, double tol, long seed, int nInit, boolean spherical, int kMin, int kMax,
                       int silhouetteSample) {
            this(k, maxIter, tol, seed, nInit, spherical, kMin, kMax, silhouetteSample, SAMPLE_AUTO, 0, INIT_PLUS_PLUS);
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
         * {@code n-init}, {@code spherical}, {@code sample} (a count, {@code auto} or {@code all}), {@code full-iter},
         * {@code init}, and with k=auto {@code k-min}, {@code k-max}, {@code silhouette-sample}.
         */
        public static Options fromParams(Params params) {
            int[] k = AutoK.read(params, 8);
            return new Options(k[0],
                    params.getInt("max-iter", 300),
                    params.getDouble("tol", 1e-4),
                    params.getLong("seed", 42),
                    KMeans.nInit(params),
                    params.getBoolean("spherical", false),
                    k[1], k[2], AutoK.silhouetteSample(params, k[0]),
                    readSample(params),
                    params.getInt("full-iter", 0),
                    params.getString("init", INIT_PLUS_PLUS).trim());
        }

        /** The same settings with a fixed k (the auto range reset). */
        public Options withK(int newK) {
            return new Options(AutoK.fixed(newK), maxIter, tol, seed, nInit, spherical, AutoK.DEFAULT_MIN, 0,
                    Silhouette.DEFAULT_SAMPLE, sample, fullIter, init);
        }

        /** The same settings with another seed. */
        public Options withSeed(long newSeed) {
            return new Options(k, maxIter, tol, newSeed, nInit, spherical, kMin, kMax, silhouetteSample, sample, fullIter, init);
        }

        /** The same settings with another number of seedings. */
        public Options withNInit(int newNInit) {
            return new Options(k, maxIter, tol, seed, newNInit, spherical, kMin, kMax, silhouetteSample, sample, fullIter, init);
        }

        /** The same settings with another sample rule ({@link #SAMPLE_AUTO}, {@link #SAMPLE_ALL} or a row count). */
        public Options withSample(int newSample) {
            return new Options(k, maxIter, tol, seed, nInit, spherical, kMin, kMax, silhouetteSample, newSample, fullIter, init);
        }

        /** The same settings with another number of full iterations after a sampled fit. */
        public Options withFullIter(int newFullIter) {
            return new Options(k, maxIter, tol, seed, nInit, spherical, kMin, kMax, silhouetteSample, sample, newFullIter, init);
        }

        /** The same settings with another seeding ({@link #INIT_PLUS_PLUS} or {@link #INIT_PARALLEL}). */
        public Options withInit(String newInit) {
            return new Options(k, maxIter, tol, seed, nInit, spherical, kMin, kMax, silhouetteSample, sample, fullIter, newInit);
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
            out.put("sample", sample == SAMPLE_AUTO ? "auto" : sample == SAMPLE_ALL ? "all" : sample);
            out.put("full-iter", fullIter);
            out.put("init", init);
            if (k == AUTO) out.put("silhouette-sample", silhouetteSample);
            return out;
        }
    }

    /**
     * A fitted k-means model (also what {@link MiniBatchKMeans} returns): labels, k×d centroids, inertia (sum of
     * squared distances), iterations of the best run. {@code kCriterion} is {@code "silhouette"} when k was chosen
     * automatically (else null), and {@code kScores} the silhouette of every k tried (else empty). {@code method}
     * names the method that fitted it, for {@link #toString()}. {@code sample} is the number of rows Lloyd ran on
     * when that was a sample (every row was then assigned once), or 0 when it ran on all rows.
     */
    public record Model(int[] labels, float[] centroids, int k, int dimension, double inertia, int iterations,
                        boolean converged, boolean spherical, String kCriterion, Map<Integer, Double> kScores,
                        String method, int sample)
            implements CentroidModel, SavableModel {

        /** The state kind of a saved k-means model (mini-batch k-means saves the same kind). */
        public static final String STATE_KIND = "kmeans";

        /** Normalises the optional parts: null scores read as empty, and a missing method name means k-means. */
        public Model {
            kScores = kScores == null ? Map.of() : kScores;
            if (method == null) method = spherical ? "kmeans(spherical)" : "kmeans";
        }

        /** A model fitted on all rows. */
        public Model(int[] labels, float[] centroids, int k, int dimension, double inertia, int iterations,
                     boolean converged, boolean spherical, String kCriterion, Map<Integer, Double> kScores, String method) {
            this(labels, centroids, k, dimension, inertia, iterations, converged, spherical, kCriterion, kScores, method, 0);
        }

        /** A model of a fixed k fitted by k-means. */
        public Model(int[] labels, float[] centroids, int k, int dimension, double inertia, int iterations,
                     boolean converged, boolean spherical) {
            this(labels, centroids, k, dimension, inertia, iterations, converged, spherical, null, Map.of(), null, 0);
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
            Map<String, Object> auto = AutoK.diagnostics(kCriterion, kScores);
            if (sample == 0) return auto;
            Map<String, Object> out = new LinkedHashMap<>(auto);
            out.put("sample", sample);
            return java.util.Collections.unmodifiableMap(out);
        }

        Model withKScores(String criterion, Map<Integer, Double> scores) {
            return new Model(labels, centroids, k, dimension, inertia, iterations, converged, spherical, criterion, scores, method, sample);
        }

        /** This model, fitted on conditioned data, in the user's coordinates: centroids moved back, inertia rescaled. */
        Model restored(Conditioning conditioning) {
            // Spherical: unit centroids and a cosine inertia, which a rescale leaves as they are.
            if (conditioning.isIdentity() || spherical) return this;
            double s = conditioning.scale();
            return new Model(labels, conditioning.restore(centroids, dimension), k, dimension, inertia * s * s,
                    iterations, converged, spherical, kCriterion, kScores, method, sample);
        }

        Model withMethod(String name) {
            return new Model(labels, centroids, k, dimension, inertia, iterations, converged, spherical, kCriterion, kScores, name, sample);
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
                // Conditioned by the points' own statistics, as the fit was by the data's (cosine: rescaled only).
                try (Conditioning byPoints = spherical ? Conditioning.scaleOnly(points) : Conditioning.of(points);
                     Conditioning model = byPoints.apply(c)) {
                    if (spherical) backend.assignCosine(byPoints.data(), model.data(), labelsOut, best);
                    else backend.assignL2(byPoints.data(), model.data(), labelsOut, best);
                }
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
            return String.format(java.util.Locale.ROOT, "%s k=%d n=%d d=%d inertia=%.6g iterations=%d converged=%b%s%s",
                    method, k, labels.length, dimension, inertia, iterations, converged,
                    sample == 0 ? "" : " sample=" + sample, kCriterion == null ? "" : " k-criterion=" + kCriterion);
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
                k -> fitConditioned(data, options.withK(k), backend), model -> silhouette.score(model.labels()));
        return result.best().withKScores("silhouette", result.scores());
    }

    /**
     * Fits with these options (k = auto searches the range); the model of the lowest-inertia run. The data is
     * conditioned first (see {@code Conditioning}: centred in double when far from the origin, rescaled only where
     * float32 would overflow), and the model is reported in the data's own coordinates. With more rows than the sample
     * rule allows ({@link #sampleSize}), the runs are on a uniform sample and the best is then applied to every row
     * (labels and inertia are over all rows).
     */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        // Cosine: an offset changes the answer, so spherical k-means is only rescaled (its centroids are unit vectors).
        try (Conditioning conditioning = options.spherical ? Conditioning.scaleOnly(data) : Conditioning.of(data)) {
            return fitConditioned(conditioning.data(), options, backend).restored(conditioning);
        }
    }

    private static Model fitConditioned(FloatMatrix data, Options options, ComputeBackend backend) {
        if (options.k() == Options.AUTO) return fitAutoK(data, options, backend);
        int n = data.rows();
        if (n == 0) throw new ClusterbyException.InvalidData("cannot cluster 0 rows");
        if (options.k > n) {
            throw new ClusterbyException.InvalidData("k=" + options.k + " is larger than the " + n + " rows");
        }
        int m = sampleSize(n, options.k, data.cols(), options.sample);
        if (m < n) {
            try (Arena arena = Arena.ofShared()) {
                // Its own stream, so the restarts draw what they would on the sample alone.
                int[] rows = KMeansSeeding.sample(n, m, new SplittableRandom(options.seed ^ 0x5A3B1E5L));
                Model onSample = fitAll(KMeansSeeding.gather(data, rows, 0, m, arena), options, backend);
                return extend(data, onSample, options, m, backend);
            }
        }
        return fitAll(data, options, backend);
    }

    private static Model fitAll(FloatMatrix data, Options options, ComputeBackend backend) {
        int n = data.rows();
        double threshold = options.tol * meanVariance(data);
        SplittableRandom random = new SplittableRandom(options.seed);
        Model best = null;
        int restarts = options.nInit == AUTO_N_INIT ? defaultNInit(n, options.k, data.cols()) : options.nInit;
        for (int run = 0; run < restarts; run++) {
            Model model = lloyd(data, options, threshold, random.split(), backend, null, options.maxIter);
            if (best == null || model.inertia < best.inertia) best = model;
        }
        return best;
    }

    /** Lloyd on every row from given k×d centroids, to convergence or maxIter (for measuring seedings). */
    static Model lloydFrom(FloatMatrix data, Options options, float[] centroids, ComputeBackend backend) {
        return lloyd(data, options, options.tol * meanVariance(data), null, backend, centroids, options.maxIter);
    }

    /** The sample's model applied to every row: one assignment pass, or {@code fullIter} Lloyd iterations first. */
    private static Model extend(FloatMatrix data, Model onSample, Options options, int sample, ComputeBackend backend) {
        double threshold = options.fullIter == 0 ? 0 : options.tol * meanVariance(data);
        Model all = lloyd(data, options, threshold, null, backend, onSample.centroids, options.fullIter);
        return new Model(all.labels, all.centroids, all.k, all.dimension, all.inertia, onSample.iterations + all.iterations,
                options.fullIter == 0 ? onSample.converged : all.converged, options.spherical, null, Map.of(), null, sample);
    }

    /**
     * One Lloyd run of at most {@code iterations} sweeps from a fresh seeding (random) or from given centroids
     * ({@code start}, then random is unused and 0 iterations mean one assignment pass).
     */
    private static Model lloyd(FloatMatrix data, Options options, double threshold, SplittableRandom random,
                               ComputeBackend backend, float[] start, int maxIterations) {
        int n = data.rows(), d = data.cols(), k = options.k;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix centroids = Segments.matrix(arena, k, d);
            if (start != null) MemorySegment.copy(start, 0, centroids.data(), FLOAT, 0, start.length);
            else seed(data, centroids, options, random, backend, arena);
            if (options.spherical) normaliseRows(centroids);
            MemorySegment labels = Segments.ints(arena, n);
            MemorySegment best = Segments.floats(arena, n);
            MemorySegment sums = Segments.doubles(arena, (long) k * d);
            MemorySegment counts = Segments.longs(arena, k);
            int iterations = 0;
            boolean converged = false;
            for (int iter = 0; iter < maxIterations; iter++) {
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
            float[] chunk = new float[Math.min(n, 1 << 16)];
            for (int from = 0; from < n; from += chunk.length) {
                int count = Math.min(chunk.length, n - from);
                MemorySegment.copy(best, FLOAT, (long) from * Float.BYTES, chunk, 0, count);
                for (int i = 0; i < count; i++) inertia += options.spherical ? 2 - 2 * chunk[i] : chunk[i];
            }
            return new Model(Segments.toIntArray(labels, n), centroids.toArray(), k, d, inertia, iterations, converged,
                    options.spherical);
        }
    }

    /** k-means++ (on a uniform sample of 256·k rows when n·k·d ≥ 10⁹), or k-means|| on all rows. */
    private static void seed(FloatMatrix data, FloatMatrix centroids, Options options, SplittableRandom random,
                             ComputeBackend backend, Arena arena) {
        int n = data.rows(), k = options.k;
        if (options.init.equals(INIT_PARALLEL)) {
            float[] centres = KMeansSeeding.parallel(data, k, 2, 2.0, random, backend);
            MemorySegment.copy(centres, 0, centroids.data(), FLOAT, 0, centres.length);
            return;
        }
        // Small jobs seed on every row, exactly as before; large ones on 256·k rows, where k-means++ took most of the time.
        int m = (double) n * k * data.cols() >= SAMPLE_WORK_THRESHOLD ? Math.min(n, ROWS_PER_CLUSTER * k) : n;
        FloatMatrix rows = m == n ? data : KMeansSeeding.gather(data, KMeansSeeding.sample(n, m, random), 0, m, arena);
        KMeansSeeding.plusPlus(rows, null, centroids, random, backend, arena);
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

    /** Greedy k-means++ on every row (kept for {@link MiniBatchKMeans}). */
    static void seedPlusPlus(FloatMatrix data, FloatMatrix centroids, SplittableRandom random, ComputeBackend backend,
                             Arena arena) {
        KMeansSeeding.plusPlus(data, null, centroids, random, backend, arena);
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

    /** The mean over dimensions of the per-dimension variance, in one front-to-back pass (mapped data stays sequential). */
    static double meanVariance(FloatMatrix data) {
        int n = data.rows(), d = data.cols();
        double[] mean = new double[d], m2 = new double[d];
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(data.data(), FLOAT, (long) i * d * Float.BYTES, row, 0, d);
            for (int j = 0; j < d; j++) {
                double x = row[j];
                double delta = x - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (x - mean[j]);
            }
        }
        double total = 0;
        for (int j = 0; j < d; j++) total += m2[j] / n;
        return total / d;
    }

}
