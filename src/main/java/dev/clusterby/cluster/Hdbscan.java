package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.cluster.hdbscan.Hierarchy;
import dev.clusterby.internal.cluster.hdbscan.NoiseHandling;
import dev.clusterby.internal.cluster.hdbscan.Prediction;
import dev.clusterby.internal.cluster.hdbscan.Reduction;
import dev.clusterby.internal.cluster.hdbscan.SpanningTree;
import dev.clusterby.internal.compute.ComputeBackends;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HDBSCAN (Campello, Moulavi and Sander 2013; McInnes, Healy and Astels' {@code hdbscan}): density clustering with
 * no k, where rows that fit no cluster get label −1. Core distances come from the backend's {@code knn} kernel; the
 * mutual-reachability minimum spanning tree is exact (Prim) up to {@link #EXACT_MAX_ROWS} rows and approximate
 * above (Kruskal on the kNN graph joined by exact Borůvka rounds); then the condensed tree, stabilities, and
 * excess-of-mass or leaf selection. The model holds labels, membership probabilities, GLOSH outlier scores and
 * the condensed tree, and labels new points by HDBSCAN's approximate predict.
 *
 * <p>Defaults for embeddings: wide inputs are first reduced by a neighbour embedding ({@code reduce=auto}: more
 * than {@link #AUTO_REDUCE_ABOVE} columns go to {@link #AUTO_REDUCE_DIMENSIONS}); {@code min-cluster-size} and
 * {@code min-samples} follow {@link #defaultMinClusterSize} and {@link #defaultMinSamples} when not given.
 */
public final class Hdbscan implements Clusterer<Hdbscan.Model> {
    /** Up to this many rows the spanning tree is exact; above, approximate (measured in benchmarks/RESULTS-hdbscan.md). */
    public static final int EXACT_MAX_ROWS = 20_000;
    /** {@code reduce=auto} reduces inputs with more columns than this. */
    public static final int AUTO_REDUCE_ABOVE = 16;
    /** {@code reduce=auto}'s target dimension. */
    public static final int AUTO_REDUCE_DIMENSIONS = 5;
    /** kNN-graph neighbours for the approximate tree, at least (more when min-samples is larger). */
    static final int GRAPH_NEIGHBOURS = 16;

    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public Hdbscan(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /**
     * The default {@code min-cluster-size} for n rows: {@code clamp(round(n / 10), 10, 250)}, never above n / 2 (and
     * at least 2). Chosen on tuning sets apart from the tests' (spam 600, emoji 2,531, Fashion-MNIST train 10,000;
     * benchmarks/RESULTS-hdbscan.md): n/10 met the three targets on 8 of their 9 (set, target) pairs, n/25
     * and n/40 on 7; the cap keeps large inputs from collapsing into a few clusters (Fashion-MNIST train: 1,000 gave 2
     * clusters, 100–400 gave 5–6).
     */
    public static int defaultMinClusterSize(int n) {
        int size = (int) Math.max(10, Math.min(250, Math.round(n / 10.0)));
        return Math.max(2, Math.min(size, n / 2));
    }

    /** The default {@code min-samples} for a min-cluster-size: {@code max(2, min(mcs, 10))}, chosen with the size rule. */
    public static int defaultMinSamples(int minClusterSize) {
        return Math.max(2, Math.min(minClusterSize, 10));
    }

    /** How clusters are chosen from the condensed tree. */
    public enum Selection {
        /** Excess of mass: the most stable set of non-nested clusters (the default). */
        EOM,
        /** The leaves of the condensed tree: many small, homogeneous clusters. */
        LEAF;

        /** {@code eom} or {@code leaf}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The selection of that spelling, any case. */
        public static Selection parse(String text) {
            for (Selection s : values()) if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) return s;
            throw new ClusterbyException.BadOption("cluster-selection", "expected eom or leaf, got '" + text + "'");
        }
    }

    /** The distance between rows. */
    public enum Metric {
        /** Euclidean distance. */
        EUCLIDEAN,
        /** Cosine distance 1 − cos(a, b), on rows scaled to unit length (for embeddings). */
        COSINE;

        /** {@code euclidean} or {@code cosine}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The metric of that spelling, any case. */
        public static Metric parse(String text) {
            for (Metric m : values()) if (m.id().equals(text.trim().toLowerCase(Locale.ROOT))) return m;
            throw new ClusterbyException.BadOption("metric", "expected euclidean or cosine, got '" + text + "'");
        }
    }

    /** Which spanning tree to build. */
    public enum Tree {
        /** Exact up to {@link #EXACT_MAX_ROWS} rows, approximate above (the default). */
        AUTO,
        /** Always Prim's exact tree, O(n²·d). */
        EXACT,
        /** Always the kNN-graph tree. */
        APPROXIMATE;

        /** {@code auto}, {@code exact} or {@code approximate}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The tree of that spelling, any case. */
        public static Tree parse(String text) {
            for (Tree t : values()) if (t.id().equals(text.trim().toLowerCase(Locale.ROOT))) return t;
            throw new ClusterbyException.BadOption("mst", "expected auto, exact or approximate, got '" + text + "'");
        }
    }

    /**
     * What happens to noise rows: {@code keep} (label −1, the default), {@code assign} (each to the cluster of its
     * nearest exemplar) or {@code target:P} (the least outlying noise rows are assigned until at most P% remain).
     *
     * @param mode          the handling
     * @param targetPercent with {@code TARGET}, the largest share of noise left, 0–100; else 0
     */
    public record Noise(Mode mode, double targetPercent) {
        /** The three handlings. */
        public enum Mode {
            /** Noise keeps label −1. */
            KEEP,
            /** Every noise row joins its nearest cluster. */
            ASSIGN,
            /** Noise rows join their nearest cluster, least outlying first, until at most the target share is left. */
            TARGET
        }

        /** Keep noise as −1. */
        public static final Noise KEEP = new Noise(Mode.KEEP, 0);
        /** Assign every noise row. */
        public static final Noise ASSIGN = new Noise(Mode.ASSIGN, 0);

        /** Validates the target share. */
        public Noise {
            if (mode == null) throw new ClusterbyException.BadOption("noise", "expected keep, assign or target:P");
            if (mode == Mode.TARGET && !(targetPercent >= 0 && targetPercent <= 100)) {
                throw new ClusterbyException.BadOption("noise", "target:P needs 0 ≤ P ≤ 100, got " + targetPercent);
            }
            if (mode != Mode.TARGET && targetPercent != 0) {
                throw new ClusterbyException.BadOption("noise", "only target:P takes a share");
            }
        }

        /** At most P% noise left. */
        public static Noise target(double percent) {
            return new Noise(Mode.TARGET, percent);
        }

        /** {@code keep}, {@code assign} or {@code target:P} (P with a % sign or without). */
        public static Noise parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("keep")) return KEEP;
            if (t.equals("assign")) return ASSIGN;
            if (t.startsWith("target:")) {
                String p = t.substring("target:".length()).replace("%", "").trim();
                try {
                    return target(Double.parseDouble(p));
                } catch (NumberFormatException e) {
                    throw new ClusterbyException.BadOption("noise", "target:P needs a number P, got '" + text + "'");
                }
            }
            throw new ClusterbyException.BadOption("noise", "expected keep, assign or target:P, got '" + text + "'");
        }

        /** The map spelling. */
        public String id() {
            return switch (mode) {
                case KEEP -> "keep";
                case ASSIGN -> "assign";
                case TARGET -> "target:" + (targetPercent == Math.rint(targetPercent)
                        ? String.valueOf((long) targetPercent) : String.valueOf(targetPercent));
            };
        }
    }

    /**
     * Validated HDBSCAN settings; the map path ({@link #fromParams}) reads the same keys in kebab-case.
     *
     * @param minClusterSize          the smallest cluster, at least 2, or {@link #AUTO} for {@link #defaultMinClusterSize}
     *                                ({@code min-cluster-size})
     * @param minSamples              the neighbourhood of the core distance, counting the row itself, at least 1, or
     *                                {@link #AUTO} for {@link #defaultMinSamples} ({@code min-samples})
     * @param selection               excess of mass or leaves ({@code cluster-selection})
     * @param epsilon                 clusters born below this distance merge upward; 0 turns it off
     *                                ({@code cluster-selection-epsilon})
     * @param metric                  Euclidean or cosine; with a reduction, the metric of the input (the reduced
     *                                space is clustered by Euclidean distance)
     * @param reduce                  {@link #AUTO_REDUCE} (reduce wide inputs), {@link #NO_REDUCE}, or a target
     *                                dimension of at least 2 ({@code reduce})
     * @param noise                   what happens to noise rows
     * @param tree                    exact, approximate or by size ({@code mst})
     * @param seed                    makes the reduction repeatable (the clustering itself is deterministic)
     */
    public record Options(int minClusterSize, int minSamples, Selection selection, double epsilon, Metric metric,
                          int reduce, Noise noise, Tree tree, long seed) implements ClusterOptions<Model> {
        /** Chosen from the data ({@code auto} in the map). */
        public static final int AUTO = 0;
        /** {@code reduce=auto}: reduce inputs wider than {@link Hdbscan#AUTO_REDUCE_ABOVE} columns. */
        public static final int AUTO_REDUCE = -1;
        /** {@code reduce=none}. */
        public static final int NO_REDUCE = 0;

        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            if (minClusterSize != AUTO && minClusterSize < 2) {
                throw new ClusterbyException.BadOption("min-cluster-size", "must be at least 2 or auto, got " + minClusterSize);
            }
            if (minSamples != AUTO && minSamples < 1) {
                throw new ClusterbyException.BadOption("min-samples", "must be at least 1 or auto, got " + minSamples);
            }
            if (selection == null) throw new ClusterbyException.BadOption("cluster-selection", "must be eom or leaf");
            if (!Double.isFinite(epsilon) || epsilon < 0) {
                throw new ClusterbyException.BadOption("cluster-selection-epsilon", "must be a finite number ≥ 0, got " + epsilon);
            }
            if (metric == null) throw new ClusterbyException.BadOption("metric", "must be euclidean or cosine");
            if (reduce < AUTO_REDUCE || reduce == 1) {
                throw new ClusterbyException.BadOption("reduce", "must be auto, none or a dimension of at least 2, got " + reduce);
            }
            if (noise == null) throw new ClusterbyException.BadOption("noise", "expected keep, assign or target:P");
            if (tree == null) throw new ClusterbyException.BadOption("mst", "expected auto, exact or approximate");
        }

        /** The defaults: sizes by rule, eom, no ε, Euclidean, reduce=auto, noise kept, seed 42. */
        public static Options defaults() {
            return new Options(AUTO, AUTO, Selection.EOM, 0, Metric.EUCLIDEAN, AUTO_REDUCE, Noise.KEEP, Tree.AUTO, 42);
        }

        /** The defaults for L2-normalised embeddings: cosine. */
        public static Options forEmbeddings() {
            return defaults().withMetric(Metric.COSINE);
        }

        /**
         * Reads {@code min-cluster-size}, {@code min-samples} (numbers or {@code auto}), {@code cluster-selection},
         * {@code cluster-selection-epsilon}, {@code metric}, {@code reduce} ({@code auto}, {@code none} or a
         * dimension), {@code noise}, {@code mst} and {@code seed}.
         */
        public static Options fromParams(Params params) {
            return new Options(autoInt(params, "min-cluster-size"), autoInt(params, "min-samples"),
                    Selection.parse(params.getString("cluster-selection", "eom")),
                    params.getDouble("cluster-selection-epsilon", 0),
                    Metric.parse(params.getString("metric", "euclidean")),
                    reduce(params.getString("reduce", "auto")),
                    Noise.parse(params.getString("noise", "keep")),
                    Tree.parse(params.getString("mst", "auto")),
                    params.getLong("seed", 42));
        }

        private static int autoInt(Params params, String key) {
            params.raw(key); // read even when absent, so an error lists it among the known keys
            if (!params.has(key) || "auto".equalsIgnoreCase(params.getString(key, "auto").trim())) return AUTO;
            int value = params.getInt(key, AUTO);
            if (value == AUTO) throw new ClusterbyException.BadOption(key, "must be at least 1 or auto, got 0");
            return value;
        }

        private static int reduce(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("auto")) return AUTO_REDUCE;
            if (t.equals("none")) return NO_REDUCE;
            try {
                int dims = Integer.parseInt(t);
                if (dims < 2) throw new ClusterbyException.BadOption("reduce", "must be auto, none or a dimension of at least 2, got " + text);
                return dims;
            } catch (NumberFormatException e) {
                throw new ClusterbyException.BadOption("reduce", "expected auto, none or a dimension, got '" + text + "'");
            }
        }

        /** The same settings with another minimum cluster size. */
        public Options withMinClusterSize(int size) {
            return new Options(size, minSamples, selection, epsilon, metric, reduce, noise, tree, seed);
        }

        /** The same settings with another min-samples. */
        public Options withMinSamples(int samples) {
            return new Options(minClusterSize, samples, selection, epsilon, metric, reduce, noise, tree, seed);
        }

        /** The same settings with another selection. */
        public Options withSelection(Selection s) {
            return new Options(minClusterSize, minSamples, s, epsilon, metric, reduce, noise, tree, seed);
        }

        /** The same settings with another ε. */
        public Options withEpsilon(double e) {
            return new Options(minClusterSize, minSamples, selection, e, metric, reduce, noise, tree, seed);
        }

        /** The same settings with another metric. */
        public Options withMetric(Metric m) {
            return new Options(minClusterSize, minSamples, selection, epsilon, m, reduce, noise, tree, seed);
        }

        /** The same settings with another reduction ({@link #AUTO_REDUCE}, {@link #NO_REDUCE} or a dimension). */
        public Options withReduce(int r) {
            return new Options(minClusterSize, minSamples, selection, epsilon, metric, r, noise, tree, seed);
        }

        /** The same settings with another noise handling. */
        public Options withNoise(Noise handling) {
            return new Options(minClusterSize, minSamples, selection, epsilon, metric, reduce, handling, tree, seed);
        }

        /** The same settings with another spanning tree. */
        public Options withTree(Tree t) {
            return new Options(minClusterSize, minSamples, selection, epsilon, metric, reduce, noise, t, seed);
        }

        /** The same settings with another seed. */
        public Options withSeed(long s) {
            return new Options(minClusterSize, minSamples, selection, epsilon, metric, reduce, noise, tree, s);
        }

        /** {@code hdbscan}. */
        @Override
        public String method() {
            return "hdbscan";
        }

        @Override
        public Hdbscan clusterer() {
            return new Hdbscan(this);
        }

        @Override
        public Map<String, Object> toParams() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("min-cluster-size", minClusterSize == AUTO ? "auto" : minClusterSize);
            out.put("min-samples", minSamples == AUTO ? "auto" : minSamples);
            out.put("cluster-selection", selection.id());
            out.put("cluster-selection-epsilon", epsilon);
            out.put("metric", metric.id());
            out.put("reduce", reduce == AUTO_REDUCE ? "auto" : reduce == NO_REDUCE ? "none" : String.valueOf(reduce));
            out.put("noise", noise.id());
            out.put("mst", tree.id());
            out.put("seed", seed);
            return out;
        }
    }

    /**
     * The condensed tree, as {@code hdbscan}'s {@code condensed_tree_}: one entry per edge from a parent cluster to
     * a child, which is a row (0..n−1) or a cluster (n and above; the root is n), with λ = 1/distance at which the
     * child leaves the parent and the child's size.
     *
     * @param parent    parent cluster ids
     * @param child     child row or cluster ids
     * @param lambda    λ of each entry
     * @param childSize rows in each child
     * @param rows      n
     */
    public record CondensedTree(int[] parent, int[] child, double[] lambda, int[] childSize, int rows) {
        /** The number of entries. */
        public int size() {
            return parent.length;
        }
    }

    /**
     * A fitted HDBSCAN.
     *
     * @param labels            one label per row after noise handling, −1 for noise
     * @param rawLabels         the labels before noise handling (−1 for every noise row)
     * @param probabilities     membership strength of each row in its cluster, 0–1 (0 for noise)
     * @param outlierScores     GLOSH outlier score of each row, 0–1 (higher is more outlying)
     * @param k                 clusters found
     * @param condensedTree     the condensed tree
     * @param selectedClusters  the condensed-tree id of each label's cluster
     * @param stabilities       each label's cluster stability
     * @param minClusterSize    the min-cluster-size used (after the size rule)
     * @param minSamples        the min-samples used
     * @param inputDimension    the columns of the input
     * @param clusterDimension  the columns HDBSCAN ran on (the reduced dimension, or the input's)
     * @param exactTree         whether the spanning tree was exact
     * @param options           the options as given
     * @param prediction        what approximate predict needs (the clustered points, their core distances, the tree)
     */
    public record Model(int[] labels, int[] rawLabels, double[] probabilities, double[] outlierScores, int k,
                        CondensedTree condensedTree, int[] selectedClusters, double[] stabilities, int minClusterSize,
                        int minSamples, int inputDimension, int clusterDimension, boolean exactTree, Options options,
                        Prediction prediction) implements SavableModel {

        /** The state kind of a saved HDBSCAN model. */
        public static final String STATE_KIND = Prediction.STATE_KIND;

        /**
         * What approximate predict needs: a seeded sample of at most 10,000 training rows in the clustered space (and
         * in the input space when reduced, to place new points), their core distances and condensed-tree places, and
         * the tree's clusters. Never the labels.
         */
        @Override
        public ModelState state() {
            if (prediction == null) throw new ClusterbyException.InvalidData("an HDBSCAN fit of one row cannot label new points");
            return prediction.state(k, options.seed()).with("min-cluster-size", minClusterSize).with("min-samples", minSamples)
                    .with("selection", options.selection().id()).with("epsilon", options.epsilon());
        }

        /** The model of a saved state: it predicts; its per-row arrays are empty (a saved model holds no training rows). */
        public static Model read(ModelState state) {
            Prediction prediction = Prediction.read(state);
            int k = state.integer("k", 0, 1 << 30);
            Options options = defaults().withMinClusterSize(state.integer("min-cluster-size", 2, Integer.MAX_VALUE))
                    .withMinSamples(state.integer("min-samples", 1, Integer.MAX_VALUE));
            try {
                options = options.withSelection(Selection.parse(state.string("selection"))).withEpsilon(state.number("epsilon"));
            } catch (ClusterbyException.BadOption e) {
                throw new ClusterbyException.BadFile("hdbscan state: " + e.getMessage());
            }
            return new Model(new int[0], new int[0], new double[0], new double[0], k,
                    new CondensedTree(new int[0], new int[0], new double[0], new int[0], 0), new int[0], new double[0],
                    options.minClusterSize(), options.minSamples(), prediction.inputDimension(),
                    state.integer("cluster-dimension", 1, 1 << 20), true, options, prediction);
        }

        /** No iterations: 0. */
        @Override
        public int iterations() {
            return 0;
        }

        /** Rows labelled −1 after noise handling. */
        public int noiseCount() {
            int count = 0;
            for (int label : labels) if (label < 0) count++;
            return count;
        }

        /** The share of rows labelled −1 after noise handling, 0–1. */
        public double noiseShare() {
            return labels.length == 0 ? 0 : (double) noiseCount() / labels.length;
        }

        /**
         * HDBSCAN's approximate predict: each new point (of the input's width) is reduced as the training rows were,
         * gets a core distance from its min-samples nearest training rows, and joins the condensed tree through its
         * nearest training row by mutual reachability: the cluster alive at the point's λ there, or −1 when that is
         * no selected cluster. Noise handling is not applied to new points.
         */
        @Override
        public int[] predict(FloatMatrix points, ComputeBackend backend) {
            if (prediction == null) throw new ClusterbyException.InvalidData("an HDBSCAN fit of one row cannot label new points");
            return prediction.predict(points, backend).labels();
        }

        /** {@link #predict(FloatMatrix, ComputeBackend)} on the default backend. */
        public int[] predict(FloatMatrix points) {
            return predict(points, ComputeBackends.defaultBackend());
        }

        /** Membership probability of each new point in its predicted cluster (0 for noise). */
        public double[] predictProbabilities(FloatMatrix points, ComputeBackend backend) {
            if (prediction == null) throw new ClusterbyException.InvalidData("an HDBSCAN fit of one row cannot label new points");
            return prediction.predict(points, backend).probabilities();
        }

        @Override
        public Map<String, Object> diagnostics() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("noise-rows", noiseCount());
            out.put("noise-share", noiseShare());
            out.put("noise-rows-before-handling", (int) java.util.Arrays.stream(rawLabels).filter(l -> l < 0).count());
            out.put("min-cluster-size", minClusterSize);
            out.put("min-samples", minSamples);
            out.put("cluster-dimension", clusterDimension);
            out.put("exact-tree", exactTree);
            return out;
        }

        /** The labels; a copy. */
        @Override
        public int[] labels() {
            return labels.clone();
        }

        /** Sizes and figures, never arrays: {@code hdbscan k=8 n=1600 noise=12.1% min-cluster-size=16 …}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "hdbscan k=%d n=%d d=%d noise=%.1f%% min-cluster-size=%d min-samples=%d "
                            + "cluster-dimension=%d tree=%s selection=%s", k, labels.length, inputDimension,
                    100 * noiseShare(), minClusterSize, minSamples, clusterDimension, exactTree ? "exact" : "approximate",
                    options.selection().id());
        }
    }

    @Override
    public String name() {
        return "hdbscan";
    }

    @Override
    public Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /** Fits HDBSCAN with these options. */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        int n = data.rows(), d = data.cols();
        if (n == 0 || d == 0) throw new ClusterbyException.InvalidData("cannot cluster a " + n + "×" + d + " matrix");
        Reduction reduction = Reduction.fit(data, options.metric() == Metric.COSINE, reducedDimension(options.reduce(), d, n),
                options.seed(), backend);
        try {
            FloatMatrix space = reduction.points();
            boolean cosine = options.metric() == Metric.COSINE && !reduction.reduced();
            int mcs = options.minClusterSize() == Options.AUTO ? defaultMinClusterSize(n) : options.minClusterSize();
            int ms = options.minSamples() == Options.AUTO ? defaultMinSamples(mcs) : options.minSamples();
            if (n < 2) return single(data, options, mcs, ms, reduction);
            if (ms > n) throw new ClusterbyException.BadOption("min-samples", "is " + ms + ", more than the " + n + " rows");
            boolean exact = switch (options.tree()) {
                case EXACT -> true;
                case APPROXIMATE -> false;
                case AUTO -> n <= EXACT_MAX_ROWS;
            };
            SpanningTree.Points points = SpanningTree.Points.of(space, cosine);
            int m = Math.min(n - 1, exact ? Math.max(1, ms - 1) : Math.max(GRAPH_NEIGHBOURS, 2 * ms));
            SpanningTree.Neighbours nn;
            // The backend's kNN uses the expanded float32 distance, which cancels far from the origin and overflows
            // past about 1e19: it runs on conditioned rows (a shift or a power-of-two scale keeps every row's
            // neighbours), and SpanningTree recomputes the distances in the rows' own coordinates.
            try (Conditioning conditioned = cosine ? Conditioning.scaleOnly(space) : Conditioning.of(space)) {
                nn = SpanningTree.neighbours(points, conditioned.data(), m, backend);
            }
            double[] core = SpanningTree.coreDistances(nn, n, ms);
            SpanningTree.Edges edges = exact ? SpanningTree.exact(points, core) : SpanningTree.approximate(points, nn, core);
            Hierarchy hierarchy = Hierarchy.build(edges, n, mcs);
            boolean[] selected = hierarchy.select(options.selection() == Selection.LEAF, options.epsilon());
            int[] labelOf = new int[hierarchy.clusters];
            int[] raw = hierarchy.labels(selected, labelOf);
            int k = 0;
            for (boolean s : selected) if (s) k++;
            int[] clusterOfLabel = new int[k];
            double[] stabilities = new double[k];
            int[] selectedIds = new int[k];
            for (int c = 0; c < hierarchy.clusters; c++) {
                if (labelOf[c] >= 0) {
                    clusterOfLabel[labelOf[c]] = c;
                    stabilities[labelOf[c]] = hierarchy.stability[c];
                    selectedIds[labelOf[c]] = n + c;
                }
            }
            double[] probabilities = hierarchy.probabilities(raw, clusterOfLabel);
            double[] scores = hierarchy.outlierScores();
            int[] labels = NoiseHandling.apply(options.noise(), raw, probabilities, scores, points, k);
            Prediction prediction = Prediction.of(reduction.predictor(), points, core, ms, hierarchy, selected, labelOf);
            CondensedTree tree = new CondensedTree(hierarchy.parent, hierarchy.child, hierarchy.lambda, hierarchy.childSize, n);
            return new Model(labels, raw, probabilities, scores, k, tree, selectedIds, stabilities, mcs, ms, d,
                    space.cols(), edges.exact(), options, prediction);
        } finally {
            reduction.close();
        }
    }

    private static Options defaults() {
        return Options.defaults();
    }

    private static Model single(FloatMatrix data, Options options, int mcs, int ms, Reduction reduction) {
        CondensedTree tree = new CondensedTree(new int[]{1}, new int[]{0}, new double[]{0}, new int[]{1}, 1);
        return new Model(new int[]{-1}, new int[]{-1}, new double[]{0}, new double[]{0}, 0, tree, new int[0],
                new double[0], mcs, ms, data.cols(), reduction.points().cols(), true, options, null);
    }

    /** The dimension to reduce to, or 0 for none: auto reduces inputs wider than {@link #AUTO_REDUCE_ABOVE}. */
    static int reducedDimension(int reduce, int d, int n) {
        int target = reduce == Options.AUTO_REDUCE ? (d > AUTO_REDUCE_ABOVE ? AUTO_REDUCE_DIMENSIONS : 0) : reduce;
        if (target >= d || n <= target + 1) return 0;
        return target;
    }
}
