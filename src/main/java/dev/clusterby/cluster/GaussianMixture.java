package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;

/**
 * Gaussian mixture by expectation-maximisation, as scikit-learn's {@code GaussianMixture}: k-means
 * initialisation (one-hot responsibilities from a k-means fit), EM until the per-sample average log-likelihood
 * (the lower bound) changes by less than {@code tol}, and the best lower bound of {@code nInit} runs.
 *
 * <p>The E-step and the M-step's moments run on the backend ({@code gmmEStepDiag} for diag and spherical,
 * {@code gmmEStepFull} for full and tied); the O(k·d³) rest (covariances, Cholesky factors) runs here in double.
 * The data are centred on their mean first (a float32 copy), so that E[xxᵀ] − μμᵀ loses nothing to
 * cancellation for data far from the origin and float32 kernels see small differences; the model's means are
 * shifted back.
 *
 * <p>{@code k=auto} fits every k of a range and keeps the lowest BIC.
 */
public final class GaussianMixture implements Clusterer<GaussianMixture.Model> {
    /** The log of 2π, for the normalising constant. */
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** scikit-learn adds 10 machine epsilons to every component's weight, so an empty component divides safely. */
    private static final double WEIGHT_FLOOR = 10 * Math.ulp(1.0);

    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public GaussianMixture(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** The shape of the components' covariances, as scikit-learn's {@code covariance_type}. */
    public enum Covariance {
        /** Each component its own full d×d covariance. */
        FULL,
        /** Each component its own diagonal covariance. */
        DIAG,
        /** Each component a single variance, σ²·I. */
        SPHERICAL,
        /** One full covariance shared by all components. */
        TIED;

        /** The map and CLI spelling: {@code full}, {@code diag}, {@code spherical}, {@code tied}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type of that spelling, any case; an error listing the four otherwise. */
        public static Covariance parse(String text) {
            for (Covariance c : values()) if (c.id().equals(text.trim().toLowerCase(Locale.ROOT))) return c;
            throw new ClusterbyException.BadOption("covariance", "expected full, diag, spherical or tied, got '" + text + "'");
        }

        /** Doubles held per model for this type: full k·d², tied d², diag k·d, spherical k. */
        int covarianceSize(int k, int d) {
            return switch (this) {
                case FULL -> k * d * d;
                case TIED -> d * d;
                case DIAG -> k * d;
                case SPHERICAL -> k;
            };
        }

        /** The array shape of the covariances (and precision factors) in scikit-learn's layout. */
        int[] shape(int k, int d) {
            return switch (this) {
                case FULL -> new int[] {k, d, d};
                case TIED -> new int[] {d, d};
                case DIAG -> new int[] {k, d};
                case SPHERICAL -> new int[] {k};
            };
        }

        /** Free parameters, as scikit-learn's {@code _n_parameters}: covariances + means + weights − 1. */
        long parameterCount(int k, int d) {
            long cov = switch (this) {
                case FULL -> (long) k * d * (d + 1) / 2;
                case TIED -> (long) d * (d + 1) / 2;
                case DIAG -> (long) k * d;
                case SPHERICAL -> k;
            };
            return cov + (long) k * d + k - 1;
        }
    }

    /**
     * Validated mixture settings; the map path ({@link #fromParams}) reads the same keys in kebab-case.
     *
     * @param k          components, at least 1 and at most the number of rows, or {@link #AUTO} to choose k by the
     *                   lowest BIC over {@code kMin..kMax}
     * @param covariance the covariance type
     * @param regCovar   added to every covariance's diagonal, keeping it positive definite; ≥ 0 ({@code reg-covar})
     * @param tol        stop when the per-sample average log-likelihood changes by less than this; ≥ 0 (0 runs all iterations)
     * @param maxIter    EM iterations per run, at least 1 ({@code max-iter})
     * @param nInit      runs from different k-means initialisations; the highest lower bound wins ({@code n-init})
     * @param seed       makes runs repeatable
     * @param kMin       with k = auto, the smallest k tried (at least 1); else 2 ({@code k-min})
     * @param kMax       with k = auto, the largest k tried, or 0 for {@code min(20, n - 1)} with an early stop; else 0 ({@code k-max})
     */
    public record Options(int k, Covariance covariance, double regCovar, double tol, int maxIter, int nInit, long seed,
                          int kMin, int kMax) implements ClusterOptions<Model> {
        /** The k that means "choose k automatically" ({@code k=auto} in the map). */
        public static final int AUTO = 0;

        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            AutoK.check(k, kMin, kMax);
            if (covariance == null) throw new ClusterbyException.BadOption("covariance", "must be full, diag, spherical or tied");
            if (!Double.isFinite(regCovar) || regCovar < 0) {
                throw new ClusterbyException.BadOption("reg-covar", "must be a finite number ≥ 0, got " + regCovar);
            }
            if (!Double.isFinite(tol) || tol < 0) throw new ClusterbyException.BadOption("tol", "must be a finite number ≥ 0, got " + tol);
            if (maxIter < 1) throw new ClusterbyException.BadOption("max-iter", "must be at least 1, got " + maxIter);
            if (nInit < 1) throw new ClusterbyException.BadOption("n-init", "must be at least 1, got " + nInit);
        }

        /** A fixed k (at least 1) with these settings. */
        public Options(int k, Covariance covariance, double regCovar, double tol, int maxIter, int nInit, long seed) {
            this(AutoK.fixed(k), covariance, regCovar, tol, maxIter, nInit, seed, AutoK.DEFAULT_MIN, 0);
        }

        /** scikit-learn's defaults: full covariance, reg-covar 1e-6, tol 1e-3, 100 iterations, one run; seed 42. */
        public static Options of(int k) {
            return new Options(k, Covariance.FULL, 1e-6, 1e-3, 100, 1, 42);
        }

        /** The defaults with k chosen by BIC in {@code kMin..kMax} (kMax 0: up to min(20, n − 1)). */
        public static Options autoK(int kMin, int kMax) {
            return new Options(AUTO, Covariance.FULL, 1e-6, 1e-3, 100, 1, 42, kMin, kMax);
        }

        /**
         * Reads the map keys {@code k} (a number or {@code auto}), {@code covariance}, {@code reg-covar}, {@code tol},
         * {@code max-iter}, {@code n-init}, {@code seed}, and with k=auto {@code k-min}, {@code k-max}.
         */
        public static Options fromParams(Params params) {
            int[] k = AutoK.read(params, 8);
            return new Options(k[0],
                    Covariance.parse(params.getString("covariance", "full")),
                    params.getDouble("reg-covar", 1e-6),
                    params.getDouble("tol", 1e-3),
                    params.getInt("max-iter", 100),
                    params.getInt("n-init", 1),
                    params.getLong("seed", 42),
                    k[1], k[2]);
        }

        /** The same settings with a fixed k (the auto range reset). */
        public Options withK(int newK) {
            return new Options(newK, covariance, regCovar, tol, maxIter, nInit, seed);
        }

        /** The same settings with another covariance type. */
        public Options withCovariance(Covariance type) {
            return new Options(k, type, regCovar, tol, maxIter, nInit, seed, kMin, kMax);
        }

        /** The same settings with another seed. */
        public Options withSeed(long newSeed) {
            return new Options(k, covariance, regCovar, tol, maxIter, nInit, newSeed, kMin, kMax);
        }

        /** {@code gmm}. */
        @Override
        public String method() {
            return "gmm";
        }

        @Override
        public GaussianMixture clusterer() {
            return new GaussianMixture(this);
        }

        @Override
        public Map<String, Object> toParams() {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            AutoK.write(out, k, kMin, kMax);
            out.put("covariance", covariance.id());
            out.put("reg-covar", regCovar);
            out.put("tol", tol);
            out.put("max-iter", maxIter);
            out.put("n-init", nInit);
            out.put("seed", seed);
            return out;
        }
    }

    /**
     * A fitted mixture, in scikit-learn's layouts (row-major): {@code weights} k; {@code means} k×d; {@code covariances}
     * and {@code precisionsCholesky} k×d×d (full), d×d (tied), k×d (diag) or k (spherical). A precision Cholesky factor
     * P is upper triangular with P Pᵀ = Σ⁻¹; for diag and spherical it holds 1/σ.
     *
     * @param lowerBound the per-sample average log-likelihood of the best run's last EM iteration
     * @param kCriterion {@code "bic"} when k was chosen automatically, else null
     * @param kScores    the BIC of every k tried (empty for a fixed k)
     */
    public record Model(Covariance covariance, int k, int dimension, double[] weights, double[] means,
                        double[] covariances, double[] precisionsCholesky, int[] labels, int iterations,
                        boolean converged, double lowerBound, String kCriterion, Map<Integer, Double> kScores)
            implements SavableModel {

        /** The state kind of a saved mixture. */
        public static final String STATE_KIND = "gmm";

        /** Weights, means, covariances and precision factors in scikit-learn's layout; never the labels. */
        @Override
        public ModelState state() {
            int d = dimension;
            return ModelState.of(STATE_KIND, 1).with("covariance", covariance.id()).with("k", k).with("dimension", d)
                    .with("iterations", iterations).with("converged", converged).with("lower-bound", lowerBound)
                    .withDoubles("weights", weights, k).withDoubles("means", means, k, d)
                    .withDoubles("covariances", covariances, covariance.shape(k, d))
                    .withDoubles("precisions-cholesky", precisionsCholesky, covariance.shape(k, d));
        }

        /** The mixture of a saved state, without labels (a saved model holds no training rows). */
        public static Model read(ModelState state) {
            if (state.version() > 1) {
                throw new ClusterbyException.BadFile("gmm state version " + state.version() + " is newer than this clusterby reads (1)");
            }
            Covariance covariance;
            try {
                covariance = Covariance.parse(state.string("covariance"));
            } catch (ClusterbyException e) {
                throw new ClusterbyException.BadFile("gmm state: " + e.getMessage());
            }
            int k = state.integer("k", 1, 1 << 20);
            int d = state.integer("dimension", 1, 1 << 20);
            int[] shape = covariance.shape(k, d);
            double[] weights = state.doubles("weights", k);
            double[] means = state.doubles("means", k, d);
            double[] covariances = state.doubles("covariances", shape);
            double[] precisions = state.doubles("precisions-cholesky", shape);
            for (double[] a : new double[][] {weights, means, covariances, precisions}) {
                for (double v : a) if (!Double.isFinite(v)) throw new ClusterbyException.BadFile("gmm state has a value " + v);
            }
            return new Model(covariance, k, d, weights, means, covariances, precisions, new int[0],
                    state.integer("iterations", 0, Integer.MAX_VALUE), state.bool("converged"), state.number("lower-bound"),
                    null, Map.of());
        }

        /** The most probable component of each point. */
        @Override
        public int[] predict(FloatMatrix points, ComputeBackend backend) {
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix responsibilities = Segments.matrix(arena, points.rows(), k);
                eStep(points, responsibilities, backend, arena);
                return argmax(responsibilities);
            }
        }

        /** The most probable component of each point, on the default backend. */
        public int[] predict(FloatMatrix points) {
            return predict(points, ComputeBackends.defaultBackend());
        }

        /** Posterior probabilities of the components, n×k row-major (rows sum to 1). */
        public float[] predictProba(FloatMatrix points, ComputeBackend backend) {
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix responsibilities = Segments.matrix(arena, points.rows(), k);
                eStep(points, responsibilities, backend, arena);
                return responsibilities.toArray();
            }
        }

        /** {@link #predictProba(FloatMatrix, ComputeBackend)} on the default backend. */
        public float[] predictProba(FloatMatrix points) {
            return predictProba(points, ComputeBackends.defaultBackend());
        }

        /** The per-sample average log-likelihood of the points, as scikit-learn's {@code score}. */
        public double score(FloatMatrix points, ComputeBackend backend) {
            if (points.rows() == 0) throw new ClusterbyException.InvalidData("cannot score 0 rows");
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix responsibilities = Segments.matrix(arena, points.rows(), k);
                return eStep(points, responsibilities, backend, arena) / points.rows();
            }
        }

        /** {@link #score(FloatMatrix, ComputeBackend)} on the default backend. */
        public double score(FloatMatrix points) {
            return score(points, ComputeBackends.defaultBackend());
        }

        /** Free parameters of the model, counted as scikit-learn does. */
        public long parameterCount() {
            return covariance.parameterCount(k, dimension);
        }

        /** Bayesian information criterion on the points (lower is better): −2·log L + p·ln n. */
        public double bic(FloatMatrix points, ComputeBackend backend) {
            return -2 * score(points, backend) * points.rows() + parameterCount() * Math.log(points.rows());
        }

        /** {@link #bic(FloatMatrix, ComputeBackend)} on the default backend. */
        public double bic(FloatMatrix points) {
            return bic(points, ComputeBackends.defaultBackend());
        }

        /** Akaike information criterion on the points (lower is better): −2·log L + 2p. */
        public double aic(FloatMatrix points, ComputeBackend backend) {
            return -2 * score(points, backend) * points.rows() + 2.0 * parameterCount();
        }

        /** {@link #aic(FloatMatrix, ComputeBackend)} on the default backend. */
        public double aic(FloatMatrix points) {
            return aic(points, ComputeBackends.defaultBackend());
        }

        @Override
        public Map<String, Object> diagnostics() {
            return AutoK.diagnostics(kCriterion, kScores);
        }

        /** The k component weights; a copy. */
        @Override
        public double[] weights() {
            return weights.clone();
        }

        /** The k×d component means, row-major, in the data's frame; a copy. */
        @Override
        public double[] means() {
            return means.clone();
        }

        /** The covariances in scikit-learn's layout for the covariance type (see the class comment); a copy. */
        @Override
        public double[] covariances() {
            return covariances.clone();
        }

        /** The precision Cholesky factors in scikit-learn's layout; a copy. */
        @Override
        public double[] precisionsCholesky() {
            return precisionsCholesky.clone();
        }

        /** The sizes and the fit's figures, never the arrays: {@code gmm(full) k=3 n=150 d=4 lower-bound=… iterations=9}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "gmm(%s) k=%d n=%d d=%d lower-bound=%.6g iterations=%d converged=%b%s",
                    covariance.id(), k, labels.length, dimension, lowerBound, iterations, converged,
                    kCriterion == null ? "" : " k-criterion=" + kCriterion);
        }

        Model withKScores(String criterion, Map<Integer, Double> scores) {
            return new Model(covariance, k, dimension, weights, means, covariances, precisionsCholesky, labels,
                    iterations, converged, lowerBound, criterion, scores);
        }

        private double eStep(FloatMatrix points, FloatMatrix responsibilities, ComputeBackend backend, Arena arena) {
            if (points.cols() != dimension) {
                throw new ClusterbyException.InvalidData("points are " + points.cols() + "-d, the model is " + dimension + "-d");
            }
            State state = new State(covariance, k, dimension, arena);
            System.arraycopy(weights, 0, state.weights, 0, k);
            System.arraycopy(means, 0, state.means, 0, means.length);
            System.arraycopy(covariances, 0, state.covariances, 0, covariances.length);
            System.arraycopy(precisionsCholesky, 0, state.precisionsCholesky, 0, precisionsCholesky.length);
            state.refreshKernelInputs();
            return state.eStep(points, responsibilities, backend);
        }
    }

    @Override
    public String name() {
        return "gmm(" + options.covariance.id() + ")";
    }

    @Override
    public Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /** Fits k = options.k() components, or with k = auto the k of lowest BIC over the range. */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        if (options.k() == Options.AUTO) return fitAutoK(data, options, backend);
        int n = data.rows(), d = data.cols();
        if (n == 0 || d == 0) throw new ClusterbyException.InvalidData("cannot fit a mixture to a " + n + "×" + d + " matrix");
        if (options.k > n) throw new ClusterbyException.InvalidData("k=" + options.k + " is larger than the " + n + " rows");
        try (Arena arena = Arena.ofShared()) {
            double[] offset = columnMeans(data);
            FloatMatrix centred = centre(data, offset, arena);
            // Tied covariance needs the total scatter Σ xxᵀ, which no responsibilities change: one k=1 moments pass.
            double[] scatter = options.covariance == Covariance.TIED ? totalScatter(centred, backend, arena) : null;
            SplittableRandom random = new SplittableRandom(options.seed);
            FloatMatrix responsibilities = Segments.matrix(arena, n, options.k);
            Moments moments = new Moments(options.k, d, options.covariance == Covariance.FULL, arena);
            State best = null;
            for (int run = 0; run < options.nInit; run++) {
                State state = em(centred, options, scatter, random.nextLong(), responsibilities, moments, backend, arena);
                if (best == null || state.lowerBound > best.lowerBound) best = state;
            }
            // Labels from a last E-step with the best parameters, so predict(data) agrees with labels().
            best.eStep(centred, responsibilities, backend);
            int[] labels = argmax(responsibilities);
            double[] means = best.means.clone();
            for (int c = 0; c < options.k; c++) for (int j = 0; j < d; j++) means[c * d + j] += offset[j];
            return new Model(options.covariance, options.k, d, best.weights.clone(), means, best.covariances.clone(),
                    best.precisionsCholesky.clone(), labels, best.iterations, best.converged, best.lowerBound, null, Map.of());
        }
    }

    /** Fits every k of the range and returns the model of lowest BIC, with every k's BIC in {@code kScores}. */
    private static Model fitAutoK(FloatMatrix data, Options options, ComputeBackend backend) {
        AutoK.Result<Model> result = new AutoK(options.kMin(), options.kMax()).search(data.rows(), "bic", true,
                k -> fit(data, options.withK(k), backend), model -> model.bic(data, backend));
        return result.best().withKScores("bic", result.scores());
    }

    private static State em(FloatMatrix data, Options options, double[] scatter, long seed, FloatMatrix responsibilities,
                            Moments moments, ComputeBackend backend, Arena arena) {
        int n = data.rows(), k = options.k;
        KMeans.Model init = KMeans.fit(data, new KMeans.Options(k, 300, 1e-4, seed, 1, false), backend);
        MemorySegment r = responsibilities.data();
        r.asSlice(0, (long) n * k * Float.BYTES).fill((byte) 0);
        int[] labels = init.labels();
        for (int i = 0; i < n; i++) r.setAtIndex(FLOAT, (long) i * k + labels[i], 1f);
        State state = new State(options.covariance, k, data.cols(), arena);
        mStep(data, responsibilities, options, scatter, moments, state, backend);
        double lowerBound = Double.NEGATIVE_INFINITY;
        for (int iter = 1; iter <= options.maxIter; iter++) {
            double previous = lowerBound;
            lowerBound = state.eStep(data, responsibilities, backend) / n;
            if (Double.isNaN(lowerBound)) {
                throw new ClusterbyException.InvalidData("the log-likelihood became NaN; the data hold NaN or infinite values");
            }
            mStep(data, responsibilities, options, scatter, moments, state, backend);
            state.iterations = iter;
            state.lowerBound = lowerBound;
            if (Math.abs(lowerBound - previous) < options.tol) {
                state.converged = true;
                break;
            }
        }
        return state;
    }

    /** Weights, means and covariances from the responsibilities (scikit-learn's {@code _estimate_gaussian_parameters}). */
    private static void mStep(FloatMatrix data, FloatMatrix responsibilities, Options options, double[] scatter,
                              Moments m, State state, ComputeBackend backend) {
        int n = data.rows(), d = data.cols(), k = options.k;
        backend.gmmMoments(data, responsibilities, m.full, m.nk, m.sumX, m.sumXX);
        double reg = options.regCovar;
        double[] nk = new double[k];
        double nkTotal = 0;
        for (int c = 0; c < k; c++) {
            nk[c] = m.nk.getAtIndex(DOUBLE, c) + WEIGHT_FLOOR;
            nkTotal += nk[c];
            state.weights[c] = nk[c] / n;
            for (int j = 0; j < d; j++) state.means[c * d + j] = m.sumX.getAtIndex(DOUBLE, (long) c * d + j) / nk[c];
        }
        double[] cov = state.covariances;
        switch (options.covariance) {
            case FULL -> {
                for (int c = 0; c < k; c++) {
                    long block = (long) c * d * d;
                    for (int a = 0; a < d; a++) {
                        double ma = state.means[c * d + a];
                        for (int b = 0; b <= a; b++) {
                            // Average the two triangles: a backend may round r·x_a·x_b and r·x_b·x_a differently.
                            double xx = 0.5 * (m.sumXX.getAtIndex(DOUBLE, block + (long) a * d + b)
                                    + m.sumXX.getAtIndex(DOUBLE, block + (long) b * d + a));
                            double value = xx / nk[c] - ma * state.means[c * d + b];
                            cov[(int) block + a * d + b] = value;
                            cov[(int) block + b * d + a] = value;
                        }
                        cov[(int) block + a * d + a] += reg;
                    }
                }
            }
            case TIED -> {
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b <= a; b++) {
                        double between = 0;
                        for (int c = 0; c < k; c++) between += nk[c] * state.means[c * d + a] * state.means[c * d + b];
                        double value = (scatter[a * d + b] - between) / nkTotal;
                        cov[a * d + b] = value;
                        cov[b * d + a] = value;
                    }
                    cov[a * d + a] += reg;
                }
            }
            case DIAG, SPHERICAL -> {
                for (int c = 0; c < k; c++) {
                    double sum = 0;
                    for (int j = 0; j < d; j++) {
                        double mean = state.means[c * d + j];
                        double variance = m.sumXX.getAtIndex(DOUBLE, (long) c * d + j) / nk[c] - mean * mean + reg;
                        if (options.covariance == Covariance.DIAG) cov[c * d + j] = variance;
                        sum += variance;
                    }
                    if (options.covariance == Covariance.SPHERICAL) cov[c] = sum / d;
                }
            }
        }
        state.computePrecisionCholesky(reg);
        state.refreshKernelInputs();
    }

    /**
     * One EM run's parameters in double, and their float32 forms for the kernels. Means are in the centred frame
     * during a fit and in the data's frame inside {@link Model#eStep}.
     */
    private static final class State {
        final Covariance type;
        final int k, d;
        final double[] weights, means, covariances, precisionsCholesky;
        final FloatMatrix meansF;
        /** diag and spherical: k×d precisions (1/σ²); full and tied: k×d×d precision Cholesky factors. */
        final MemorySegment precisionsF;
        final MemorySegment logNorm;
        int iterations;
        boolean converged;
        double lowerBound = Double.NEGATIVE_INFINITY;

        State(Covariance type, int k, int d, Arena arena) {
            this.type = type;
            this.k = k;
            this.d = d;
            weights = new double[k];
            means = new double[k * d];
            covariances = new double[type.covarianceSize(k, d)];
            precisionsCholesky = new double[type.covarianceSize(k, d)];
            meansF = Segments.matrix(arena, k, d);
            boolean full = type == Covariance.FULL || type == Covariance.TIED;
            precisionsF = Segments.floats(arena, full ? (long) k * d * d : (long) k * d);
            logNorm = Segments.doubles(arena, k);
        }

        double eStep(FloatMatrix points, FloatMatrix responsibilities, ComputeBackend backend) {
            return switch (type) {
                case DIAG, SPHERICAL -> backend.gmmEStepDiag(points, meansF, new FloatMatrix(precisionsF, k, d), logNorm,
                        responsibilities);
                case FULL, TIED -> backend.gmmEStepFull(points, meansF, precisionsF, logNorm, responsibilities);
            };
        }

        /**
         * Cholesky factors of the precisions from the covariances. Plain Java in double: for the d this library
         * clusters (embeddings up to a few hundred dimensions) the O(k·d³/3) factorisations are a small part of an
         * EM iteration, whose O(n·k·d²) moments and E-step run on the backend, and it needs no native BLAS.
         */
        void computePrecisionCholesky(double reg) {
            switch (type) {
                case FULL -> {
                    // Components are independent; large d makes this O(k·d³) step worth both cores.
                    boolean parallel = (double) k * d * d * d > 5e7;
                    java.util.concurrent.atomic.AtomicIntegerArray failed = new java.util.concurrent.atomic.AtomicIntegerArray(k);
                    java.util.stream.IntStream components = java.util.stream.IntStream.range(0, k);
                    (parallel ? components.parallel() : components).forEach(c -> {
                        try {
                            precisionCholesky(covariances, c * d * d, d, precisionsCholesky, c, reg);
                        } catch (ClusterbyException.InvalidData e) {
                            failed.set(c, 1);
                        }
                    });
                    // The lowest failing component, whatever order the threads ran in.
                    for (int c = 0; c < k; c++) if (failed.get(c) == 1) throw notPositiveDefinite(c, reg);
                }
                case TIED -> precisionCholesky(covariances, 0, d, precisionsCholesky, -1, reg);
                case DIAG, SPHERICAL -> {
                    for (int i = 0; i < covariances.length; i++) {
                        if (!(covariances[i] > 0)) throw notPositiveDefinite(type == Covariance.DIAG ? i / d : i, reg);
                        precisionsCholesky[i] = 1 / Math.sqrt(covariances[i]);
                    }
                }
            }
        }

        void refreshKernelInputs() {
            for (int i = 0; i < k * d; i++) meansF.data().setAtIndex(FLOAT, i, (float) means[i]);
            double constant = -0.5 * d * LOG_2PI;
            for (int c = 0; c < k; c++) {
                double logDet = 0;
                switch (type) {
                    case DIAG -> {
                        for (int j = 0; j < d; j++) {
                            double p = precisionsCholesky[c * d + j];
                            logDet += Math.log(p);
                            precisionsF.setAtIndex(FLOAT, (long) c * d + j, (float) (p * p));
                        }
                    }
                    case SPHERICAL -> {
                        double p = precisionsCholesky[c];
                        logDet = d * Math.log(p);
                        for (int j = 0; j < d; j++) precisionsF.setAtIndex(FLOAT, (long) c * d + j, (float) (p * p));
                    }
                    case FULL, TIED -> {
                        int from = type == Covariance.FULL ? c * d * d : 0;
                        for (int j = 0; j < d; j++) logDet += Math.log(precisionsCholesky[from + j * d + j]);
                        long to = (long) c * d * d;
                        for (int i = 0; i < d * d; i++) precisionsF.setAtIndex(FLOAT, to + i, (float) precisionsCholesky[from + i]);
                    }
                }
                logNorm.setAtIndex(DOUBLE, c, Math.log(weights[c]) + constant + logDet);
            }
        }
    }

    /**
     * The upper-triangular P with P Pᵀ = Σ⁻¹ (scikit-learn's convention) of the d×d block at {@code from}, written to
     * the same offset of {@code out}: Σ = Uᵀ U with U upper triangular (Cholesky), then P = U⁻¹.
     *
     * <p>Both steps are written as row updates (y += a·x over contiguous rows), which C2 vectorises; the dot-product
     * form it cannot, and at d = 384 that form cost most of an EM iteration. About d³/3 multiply-adds in all.
     */
    static void precisionCholesky(double[] cov, int from, int d, double[] out, int component, double reg) {
        // One array per row, so each update reads and writes the same index of two arrays: C2 proves that safe to
        // vectorise, which it cannot for two offsets into one array.
        double[][] u = new double[d][];  // the upper triangle of Σ, overwritten row by row with U
        for (int i = 0; i < d; i++) u[i] = java.util.Arrays.copyOfRange(cov, from + i * d, from + i * d + d);
        for (int j = 0; j < d; j++) {
            double[] uj = u[j];
            double pivot = uj[j];
            if (!(pivot > 0)) throw notPositiveDefinite(component, reg);
            double ujj = Math.sqrt(pivot), inverse = 1 / ujj;
            uj[j] = ujj;
            for (int m = j + 1; m < d; m++) uj[m] *= inverse;
            // The trailing block loses row j's outer product: A[i][m] -= U[j][i] U[j][m], m >= i > j.
            for (int i = j + 1; i < d; i++) {
                double uji = uj[i];
                if (uji == 0) continue;
                double[] ui = u[i];
                for (int m = i; m < d; m++) ui[m] -= uji * uj[m];
            }
        }
        // X = U⁻¹ (upper), bottom row up: row i = (e_i − Σ_{m>i} U[i][m] X[m]) / U[i][i].
        double[][] x = new double[d][d];
        for (int i = d - 1; i >= 0; i--) {
            double[] xi = x[i], ui = u[i];
            for (int m = i + 1; m < d; m++) {
                double uim = ui[m];
                if (uim == 0) continue;
                double[] xm = x[m];
                for (int j = m; j < d; j++) xi[j] -= uim * xm[j];
            }
            double inverse = 1 / ui[i];
            xi[i] = 1;
            for (int j = i; j < d; j++) xi[j] *= inverse;
            System.arraycopy(xi, 0, out, from + i * d, d);
        }
    }

    private static ClusterbyException.InvalidData notPositiveDefinite(int component, double reg) {
        String which = component < 0 ? "the shared covariance" : "the covariance of component " + component;
        return new ClusterbyException.InvalidData("gmm: " + which + " is not positive definite (singleton or collapsed "
                + "samples, or duplicate columns); use fewer components or a larger reg-covar than " + reg);
    }

    /** Backend moment buffers, reused across iterations and runs. */
    private static final class Moments {
        final boolean full;
        final MemorySegment nk, sumX, sumXX;

        Moments(int k, int d, boolean full, Arena arena) {
            this.full = full;
            nk = Segments.doubles(arena, k);
            sumX = Segments.doubles(arena, (long) k * d);
            sumXX = Segments.doubles(arena, full ? (long) k * d * d : (long) k * d);
        }
    }

    private static double[] totalScatter(FloatMatrix data, ComputeBackend backend, Arena arena) {
        int n = data.rows(), d = data.cols();
        FloatMatrix ones = Segments.matrix(arena, n, 1);
        ones.data().asSlice(0, (long) n * Float.BYTES).fill((byte) 0);
        for (int i = 0; i < n; i++) ones.data().setAtIndex(FLOAT, i, 1f);
        Moments m = new Moments(1, d, true, arena);
        backend.gmmMoments(data, ones, true, m.nk, m.sumX, m.sumXX);
        double[] scatter = Segments.toDoubleArray(m.sumXX, d * d);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                double value = 0.5 * (scatter[a * d + b] + scatter[b * d + a]);
                scatter[a * d + b] = value;
                scatter[b * d + a] = value;
            }
        }
        return scatter;
    }

    private static double[] columnMeans(FloatMatrix data) {
        int n = data.rows(), d = data.cols();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data.get(i, j);
        for (int j = 0; j < d; j++) mean[j] /= n;
        return mean;
    }

    private static FloatMatrix centre(FloatMatrix data, double[] offset, Arena arena) {
        int n = data.rows(), d = data.cols();
        FloatMatrix out = Segments.matrix(arena, n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) out.set(i, j, (float) (data.get(i, j) - offset[j]));
        return out;
    }

    static int[] argmax(FloatMatrix responsibilities) {
        int n = responsibilities.rows(), k = responsibilities.cols();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestValue = responsibilities.get(i, 0);
            for (int c = 1; c < k; c++) {
                float v = responsibilities.get(i, c);
                if (v > bestValue) {
                    bestValue = v;
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }
}
