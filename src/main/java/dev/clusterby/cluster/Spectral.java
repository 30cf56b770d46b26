package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;

/**
 * Spectral clustering as scikit-learn's {@code SpectralClustering(assign_labels='kmeans')}: an affinity graph W,
 * the top-k eigenvectors of the normalised affinity {@code D^-1/2 W D^-1/2} (the bottom of the symmetric
 * normalised Laplacian; self-loops ignored, as scipy's {@code laplacian} does), the embedding
 * {@code D^-1/2 u} (scikit-learn's {@code spectral_embedding}, {@code drop_first=False}), by default not
 * row-normalised (scikit-learn's way; {@code normalize-rows=true} gives Ng–Jordan–Weiss), then {@link KMeans#fit}
 * with {@code nInit} seedings.
 *
 * <p>Affinities: {@code nearest-neighbors} (default) — the kNN connectivity graph including each point itself,
 * symmetrised as ½(A + Aᵀ), kNN from {@link ComputeBackend#knn}; sparse, so it scales to tens of thousands of
 * points. {@code rbf} — {@code exp(-gamma‖x−y‖²)}, dense n×n float32 (n² × 4 bytes, bounded by max-bytes).
 * {@code precomputed} — the data matrix itself is the n×n affinity: square, symmetric, finite, ≥ 0.
 *
 * <p>Eigenvectors: Lanczos with full reorthogonalisation per connected component (complete tridiagonalisation,
 * i.e. a dense solver, for components up to {@value SymmetricEigen#DENSE_LIMIT} points).
 */
public final class Spectral implements Clusterer<Spectral.Model> {
    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public Spectral(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** How the affinity graph is built. */
    public enum Affinity {
        /** The symmetrised kNN connectivity graph (sparse). */
        NEAREST_NEIGHBORS("nearest-neighbors"),
        /** The dense Gaussian kernel exp(−gamma‖x−y‖²). */
        RBF("rbf"),
        /** The data matrix is the n×n affinity. */
        PRECOMPUTED("precomputed");

        private final String id;

        Affinity(String id) {
            this.id = id;
        }

        /** The map and CLI spelling, such as {@code nearest-neighbors}. */
        public String id() {
            return id;
        }

        /** The affinity of that spelling (any case, {@code _} for {@code -}); an error listing the three otherwise. */
        public static Affinity of(String name) {
            String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Affinity affinity : values()) if (affinity.id.equals(key)) return affinity;
            throw new ClusterbyException.BadOption("affinity", "unknown affinity '" + name
                    + "'; known: nearest-neighbors, rbf, precomputed");
        }
    }

    /**
     * Validated spectral settings; the map path ({@link #fromParams}) reads the same keys in kebab-case.
     *
     * @param k             clusters (and eigenvectors), at least 1 and at most the rows
     * @param affinity      nearest-neighbors, rbf or precomputed
     * @param gamma         the rbf kernel's coefficient, finite and positive (scikit-learn's default 1.0)
     * @param nNeighbors    neighbours per point in the kNN graph, counting the point itself (scikit-learn's
     *                      rule), at least 2 and fewer than the rows
     * @param seed          makes the eigenvector start and the k-means runs repeatable
     * @param nInit         k-means seedings on the embedding (scikit-learn's spectral default 10)
     * @param normalizeRows scale each embedding row to unit length before k-means (Ng–Jordan–Weiss); default false, as scikit-learn
     * @param maxBytes      the most memory a dense affinity (rbf) may take
     */
    public record Options(int k, Affinity affinity, double gamma, int nNeighbors, long seed, int nInit,
                          boolean normalizeRows, long maxBytes) implements ClusterOptions<Model> {
        /**
         * scikit-learn's way (no row normalisation). On ten real sets (benchmarks/RESULTS-defaults.md) the two ways
         * tie on the six sets the old default was not chosen on (mean ARI 0.589 both; NMI 0.623 against 0.599 for
         * Ng–Jordan–Weiss), and this one reproduces scikit-learn's own labels (ARI ≥ 0.987 against them on all ten).
         * Ng–Jordan–Weiss ({@code true}) is better on pixel sets: digits ARI 0.839 against 0.756.
         */
        public static final boolean DEFAULT_NORMALIZE_ROWS = false;

        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            if (k < 1) throw new ClusterbyException.BadOption("k", "must be at least 1, got " + k);
            if (affinity == null) throw new ClusterbyException.BadOption("affinity", "must be one of nearest-neighbors, rbf, precomputed");
            if (!(Double.isFinite(gamma) && gamma > 0)) throw new ClusterbyException.BadOption("gamma", "must be a finite number > 0, got " + gamma);
            if (nNeighbors < 2) throw new ClusterbyException.BadOption("n-neighbors", "must be at least 2 (it counts the point itself), got " + nNeighbors);
            if (nInit < 1) throw new ClusterbyException.BadOption("n-init", "must be at least 1, got " + nInit);
            if (maxBytes < 1) throw new ClusterbyException.BadOption("max-bytes", "must be positive, got " + maxBytes);
        }

        /** k clusters on the 10-nearest-neighbour graph. */
        public static Options of(int k) {
            return new Options(k, Affinity.NEAREST_NEIGHBORS, 1.0, 10, 42, 10, DEFAULT_NORMALIZE_ROWS,
                    Agglomerative.Options.defaultMaxBytes());
        }

        /**
         * Reads the map keys {@code k}, {@code affinity}, {@code gamma}, {@code n-neighbors}, {@code seed},
         * {@code n-init}, {@code normalize-rows}, {@code max-bytes}.
         */
        public static Options fromParams(Params params) {
            return new Options(
                    params.getInt("k", 8),
                    Affinity.of(params.getString("affinity", "nearest-neighbors")),
                    params.getDouble("gamma", 1.0),
                    params.getInt("n-neighbors", 10),
                    params.getLong("seed", 42),
                    params.getInt("n-init", 10),
                    params.getBoolean("normalize-rows", DEFAULT_NORMALIZE_ROWS),
                    params.getLong("max-bytes", Agglomerative.Options.defaultMaxBytes()));
        }

        /** {@code spectral}. */
        @Override
        public String method() {
            return "spectral";
        }

        @Override
        public Spectral clusterer() {
            return new Spectral(this);
        }

        @Override
        public java.util.Map<String, Object> toParams() {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("k", k);
            out.put("affinity", affinity.id());
            out.put("gamma", gamma);
            out.put("n-neighbors", nNeighbors);
            out.put("seed", seed);
            out.put("n-init", nInit);
            out.put("normalize-rows", normalizeRows);
            out.put("max-bytes", maxBytes);
            return out;
        }

        /** The same settings with another affinity. */
        public Options withAffinity(Affinity affinity) {
            return new Options(k, affinity, gamma, nNeighbors, seed, nInit, normalizeRows, maxBytes);
        }

        /** The same settings with another rbf gamma. */
        public Options withGamma(double gamma) {
            return new Options(k, affinity, gamma, nNeighbors, seed, nInit, normalizeRows, maxBytes);
        }

        /** The same settings with another neighbour count. */
        public Options withNeighbors(int nNeighbors) {
            return new Options(k, affinity, gamma, nNeighbors, seed, nInit, normalizeRows, maxBytes);
        }

        /** The same settings with another seed. */
        public Options withSeed(long seed) {
            return new Options(k, affinity, gamma, nNeighbors, seed, nInit, normalizeRows, maxBytes);
        }

        /** The same settings with or without the row normalisation. */
        public Options withNormalizeRows(boolean normalizeRows) {
            return new Options(k, affinity, gamma, nNeighbors, seed, nInit, normalizeRows, maxBytes);
        }
    }

    /**
     * A fitted spectral clustering: labels, the k largest eigenvalues of {@code D^-1/2 W D^-1/2} (1 − those of the
     * normalised Laplacian), the n×k embedding k-means ran on (row-major), the graph's connected components,
     * and the iterations of the final k-means run.
     */
    public record Model(int[] labels, int k, double[] eigenvalues, float[] embedding, int components, int iterations,
                        boolean eigenConverged) implements Fitted {
        /** The sizes and the fit's figures, never the arrays: {@code spectral k=3 n=150 components=1 iterations=4}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "spectral k=%d n=%d components=%d iterations=%d eigen-converged=%b",
                    k, labels.length, components, iterations, eigenConverged);
        }
    }

    @Override
    public String name() {
        return "spectral(" + options.affinity.id() + ")";
    }

    @Override
    public Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /** Builds the affinity graph, embeds it in the top-k eigenvectors and runs k-means there. */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        int n = data.rows(), k = options.k;
        if (n == 0) throw new ClusterbyException.InvalidData("cannot cluster 0 rows");
        if (k > n) throw new ClusterbyException.InvalidData("k=" + k + " is larger than the " + n + " rows");
        // A precomputed affinity is used as given; points are conditioned (centred far from the origin, rescaled past
        // float32's range, with gamma rescaled to match) before their distances are taken.
        try (Arena arena = Arena.ofShared();
             Conditioning conditioning = options.affinity == Affinity.PRECOMPUTED ? Conditioning.around(data, null, 1)
                     : Conditioning.of(data)) {
            FloatMatrix points = conditioning.data();
            double gamma = options.gamma * conditioning.scale() * conditioning.scale();
            Options fitted = Double.isFinite(gamma) && gamma > 0 ? options.withGamma(gamma) : options;
            Graph graph = switch (options.affinity) {
                case NEAREST_NEIGHBORS -> knnGraph(points, fitted, backend, arena);
                case RBF -> rbfGraph(points, fitted, arena);
                case PRECOMPUTED -> precomputedGraph(data);
            };
            return embedAndCluster(graph, n, options, backend, arena);
        }
    }

    // ---- affinity graphs ----

    /** The affinity W without its diagonal: sparse (CSR) or dense (n×n float32 segment). */
    private sealed interface Graph permits Sparse, Dense {}

    /** Row i's entries are col[rowPtr[i]..rowPtr[i+1]) with values val, sorted by column, no diagonal. */
    private record Sparse(int[] rowPtr, int[] col, float[] val) implements Graph {}

    private record Dense(MemorySegment w, int n) implements Graph {
        float get(int i, int j) {
            return w.getAtIndex(FLOAT, (long) i * n + j);
        }
    }

    private static Graph knnGraph(FloatMatrix data, Options options, ComputeBackend backend, Arena arena) {
        int n = data.rows();
        if (options.nNeighbors >= n) {
            throw new ClusterbyException.BadOption("n-neighbors", "must be fewer than the " + n + " rows, got " + options.nNeighbors);
        }
        checkFinite(data);
        int m = options.nNeighbors - 1; // the point itself is one of scikit-learn's n_neighbors
        MemorySegment indices = Segments.ints(arena, (long) n * m);
        MemorySegment distances = Segments.floats(arena, (long) n * m);
        backend.knn(data, m, indices, distances);
        // W = ½(A + Aᵀ): each directed edge contributes ½ to both (i, j) and (j, i); duplicates sum to 1.
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < m; s++) {
                int j = indices.getAtIndex(INT, (long) i * m + s);
                if (j == i) continue;
                count[i + 1]++;
                count[j + 1]++;
            }
        }
        for (int i = 0; i < n; i++) count[i + 1] += count[i];
        int[] fill = Arrays.copyOf(count, n);
        int[] col = new int[count[n]];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < m; s++) {
                int j = indices.getAtIndex(INT, (long) i * m + s);
                if (j == i) continue;
                col[fill[i]++] = j;
                col[fill[j]++] = i;
            }
        }
        int[] rowPtr = new int[n + 1];
        int[] outCol = new int[col.length];
        float[] outVal = new float[col.length];
        int at = 0;
        for (int i = 0; i < n; i++) {
            Arrays.sort(col, count[i], count[i + 1]);
            rowPtr[i] = at;
            for (int p = count[i]; p < count[i + 1]; p++) {
                if (at > rowPtr[i] && outCol[at - 1] == col[p]) {
                    outVal[at - 1] += 0.5f;
                } else {
                    outCol[at] = col[p];
                    outVal[at++] = 0.5f;
                }
            }
        }
        rowPtr[n] = at;
        return new Sparse(rowPtr, Arrays.copyOf(outCol, at), Arrays.copyOf(outVal, at));
    }

    private static Graph rbfGraph(FloatMatrix data, Options options, Arena arena) {
        int n = data.rows();
        long bytes = (long) n * n * Float.BYTES;
        if (bytes > options.maxBytes) {
            throw new ClusterbyException.InvalidData(String.format(Locale.ROOT,
                    "affinity=rbf on %d rows needs a dense %,d-byte affinity matrix (n² float32), over max-bytes=%,d; "
                            + "use affinity=nearest-neighbors (sparse), cluster a sample, or raise max-bytes",
                    n, bytes, options.maxBytes));
        }
        checkFinite(data);
        MemorySegment w = arena.allocate(Math.max(bytes, 4), 64);
        float gamma = (float) options.gamma;
        PairwiseDistances.compute(data, false, (i, j0, values, count) -> {
            for (int j = 0; j < count; j++) values[j] = (float) Math.exp(-gamma * values[j]);
            if (j0 <= i && i < j0 + count) values[i - j0] = 0f;
            MemorySegment.copy(values, 0, w, FLOAT, ((long) i * n + j0) * Float.BYTES, count);
        });
        return new Dense(w, n);
    }

    private static Graph precomputedGraph(FloatMatrix data) {
        int n = data.rows();
        if (data.cols() != n) {
            throw new ClusterbyException.InvalidData("affinity=precomputed needs a square n×n affinity matrix as the data, got "
                    + n + "×" + data.cols());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                float a = data.get(i, j), b = data.get(j, i);
                if (!Float.isFinite(a) || a < 0) {
                    throw new ClusterbyException.InvalidData("affinity=precomputed: entry (" + i + ", " + j + ") is " + a
                            + "; affinities must be finite and ≥ 0");
                }
                if (Math.abs(a - b) > 1e-5f * Math.max(1f, Math.max(Math.abs(a), Math.abs(b)))) {
                    throw new ClusterbyException.InvalidData("affinity=precomputed: the matrix is not symmetric: ("
                            + i + ", " + j + ") is " + a + " but (" + j + ", " + i + ") is " + b);
                }
            }
        }
        return new Dense(data.data(), n);
    }

    private static void checkFinite(FloatMatrix data) {
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < data.cols(); j++) {
                if (!Float.isFinite(data.get(i, j))) {
                    throw new ClusterbyException.InvalidData("row " + i + " column " + j + " is " + data.get(i, j)
                            + "; spectral clustering needs finite values");
                }
            }
        }
    }

    // ---- embedding ----

    private static Model embedAndCluster(Graph graph, int n, Options options, ComputeBackend backend, Arena arena) {
        int k = options.k;
        double[] sqrtDegree = new double[n];
        for (int i = 0; i < n; i++) {
            double degree = 0;
            if (graph instanceof Sparse s) {
                for (int p = s.rowPtr[i]; p < s.rowPtr[i + 1]; p++) degree += s.val[p];
            } else if (graph instanceof Dense d) {
                for (int j = 0; j < n; j++) if (j != i) degree += d.get(i, j);
            }
            // scipy's laplacian(normed=True) divides isolated points by 1 instead of 0.
            sqrtDegree[i] = degree > 0 ? Math.sqrt(degree) : 1;
        }
        int[][] components = components(graph, n);
        // Candidates from every component: its top min(k, size) eigenpairs; the k largest overall win.
        List<double[]> candidateValues = new ArrayList<>();
        List<int[]> candidateComponents = new ArrayList<>();
        List<double[]> candidateVectors = new ArrayList<>();
        boolean converged = true;
        for (int c = 0; c < components.length; c++) {
            int[] members = components[c];
            int want = Math.min(k, members.length);
            SymmetricEigen.Operator op = operator(graph, members, sqrtDegree);
            SymmetricEigen.Result result = SymmetricEigen.largest(op, want, 1e-8, 1000, options.seed + 31L * c);
            converged &= result.converged();
            for (int v = 0; v < want; v++) {
                candidateValues.add(new double[] {result.values()[v]});
                candidateComponents.add(members);
                candidateVectors.add(result.vectors()[v]);
            }
        }
        Integer[] order = new Integer[candidateValues.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // Largest first; the sort is stable, so equal eigenvalues keep component order.
        Arrays.sort(order, (a, b) -> Double.compare(candidateValues.get(b)[0], candidateValues.get(a)[0]));
        double[] eigenvalues = new double[k];
        FloatMatrix embedding = Segments.matrix(arena, n, k);
        for (int c = 0; c < k; c++) {
            int pick = order[c];
            eigenvalues[c] = candidateValues.get(pick)[0];
            int[] members = candidateComponents.get(pick);
            double[] vector = candidateVectors.get(pick);
            for (int local = 0; local < members.length; local++) {
                int i = members[local];
                embedding.set(i, c, (float) (vector[local] / sqrtDegree[i]));
            }
        }
        if (options.normalizeRows) {
            for (int i = 0; i < n; i++) {
                double norm = 0;
                for (int c = 0; c < k; c++) norm += (double) embedding.get(i, c) * embedding.get(i, c);
                if (norm == 0) continue;
                float scale = (float) (1 / Math.sqrt(norm));
                for (int c = 0; c < k; c++) embedding.set(i, c, embedding.get(i, c) * scale);
            }
        }
        KMeans.Model kmeans = KMeans.fit(embedding, new KMeans.Options(k, 300, 1e-4, options.seed, options.nInit, false), backend);
        return new Model(kmeans.labels(), k, eigenvalues, embedding.toArray(), components.length, kmeans.iterations(), converged);
    }

    /** Connected components (edges of positive weight), each a sorted member list, in order of lowest member. */
    private static int[][] components(Graph graph, int n) {
        int[] component = new int[n];
        Arrays.fill(component, -1);
        int[] queue = new int[n];
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            if (component[start] >= 0) continue;
            int id = out.size(), head = 0, tail = 0;
            component[start] = id;
            queue[tail++] = start;
            while (head < tail) {
                int i = queue[head++];
                if (graph instanceof Sparse s) {
                    for (int p = s.rowPtr[i]; p < s.rowPtr[i + 1]; p++) {
                        int j = s.col[p];
                        if (s.val[p] > 0 && component[j] < 0) {
                            component[j] = id;
                            queue[tail++] = j;
                        }
                    }
                } else if (graph instanceof Dense d) {
                    for (int j = 0; j < n; j++) {
                        if (component[j] < 0 && j != i && d.get(i, j) > 0) {
                            component[j] = id;
                            queue[tail++] = j;
                        }
                    }
                }
            }
            int[] members = Arrays.copyOf(queue, tail);
            Arrays.sort(members);
            out.add(members);
        }
        return out.toArray(int[][]::new);
    }

    /** {@code D^-1/2 W D^-1/2} restricted to one component; an isolated point's entry is 1 (scipy's Laplacian gives it 0). */
    private static SymmetricEigen.Operator operator(Graph graph, int[] members, double[] sqrtDegree) {
        int size = members.length;
        if (size == 1) {
            return new SymmetricEigen.Operator() {
                public int size() { return 1; }
                public void apply(double[] x, double[] y) { y[0] = x[0]; }
            };
        }
        double[] inv = new double[size];
        for (int a = 0; a < size; a++) inv[a] = 1 / sqrtDegree[members[a]];
        if (graph instanceof Sparse s) {
            int[] local = new int[s.rowPtr.length - 1];
            for (int a = 0; a < size; a++) local[members[a]] = a;
            int[] rowPtr = new int[size + 1];
            for (int a = 0; a < size; a++) rowPtr[a + 1] = rowPtr[a] + s.rowPtr[members[a] + 1] - s.rowPtr[members[a]];
            int[] col = new int[rowPtr[size]];
            double[] val = new double[rowPtr[size]];
            for (int a = 0; a < size; a++) {
                int i = members[a];
                for (int p = s.rowPtr[i], q = rowPtr[a]; p < s.rowPtr[i + 1]; p++, q++) {
                    col[q] = local[s.col[p]];
                    val[q] = s.val[p] * inv[a] * inv[col[q]];
                }
            }
            return new SymmetricEigen.Operator() {
                public int size() { return size; }

                public void apply(double[] x, double[] y) {
                    for (int a = 0; a < size; a++) {
                        double sum = 0;
                        for (int p = rowPtr[a]; p < rowPtr[a + 1]; p++) sum += val[p] * x[col[p]];
                        y[a] = sum;
                    }
                }
            };
        }
        Dense d = (Dense) graph;
        boolean whole = size == d.n;
        return new SymmetricEigen.Operator() {
            public int size() { return size; }

            public void apply(double[] x, double[] y) {
                double[] scaled = new double[size];
                for (int b = 0; b < size; b++) scaled[b] = x[b] * inv[b];
                IntStream.range(0, (size + 255) / 256).parallel().forEach(block -> {
                    for (int a = block * 256, end = Math.min(size, a + 256); a < end; a++) {
                        long row = (long) members[a] * d.n;
                        double sum = 0;
                        if (whole) {
                            for (int b = 0; b < size; b++) sum += d.w.getAtIndex(FLOAT, row + b) * scaled[b];
                        } else {
                            for (int b = 0; b < size; b++) sum += d.w.getAtIndex(FLOAT, row + members[b]) * scaled[b];
                        }
                        // The diagonal is ignored (zero for rbf, whatever the user put there for precomputed).
                        sum -= d.w.getAtIndex(FLOAT, row + members[a]) * scaled[a];
                        y[a] = sum * inv[a];
                    }
                });
            }
        };
    }
}
