package dev.clusterby.internal.map;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.embed.Pca;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A UMAP-style neighbour embedding (McInnes, Healy and Melville 2018) into any number of dimensions: 2 for the map,
 * 5–10 to reduce embeddings before density clustering.
 * <ol>
 *   <li>the k nearest neighbours from the backend's exact {@link ComputeBackend#knn} kernel, on the rows as given or,
 *       when n²·d would be too slow, on their first principal components ({@link Options#knnDimensions});</li>
 *   <li>the fuzzy simplicial set: per row a local scale (distance to the nearest neighbour, and σ with
 *       Σ exp(−(d − ρ)/σ) = log₂ k), symmetrised by the fuzzy union w + wᵀ − w∘wᵀ;</li>
 *   <li>a layout started from the principal components and refined by SGD on UMAP's cross-entropy, each edge sampled
 *       in proportion to its weight, with negative sampling and a learning rate falling linearly to 0.</li>
 * </ol>
 * The SGD runs in parallel over fixed chunks of rows (see {@link #optimize}), and a seed always gives the same layout.
 */
public final class NeighborEmbedding {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.map");
    private static final double SMOOTH_TOLERANCE = 1e-5;
    private static final double MIN_SCALE = 1e-3;
    private static final float GRADIENT_CLIP = 4f;

    private NeighborEmbedding() {}

    /**
     * What to fit.
     *
     * @param dimensions        output dimensions (2 for a map)
     * @param neighbors         k of the kNN graph (clamped to n − 1)
     * @param minDist           how tightly points may pack in the layout (UMAP's min_dist, spread 1)
     * @param epochs            SGD epochs; 0 picks 500 up to 10,000 rows and 200 above (UMAP's rule)
     * @param negativeSamples   repulsive samples per attractive one
     * @param knnDimensions     the kNN runs on this many principal components when n²·d passes 2·10¹¹ (and d is
     *                          larger); 0 never reduces
     * @param seed              the random seed: the same seed and input give the same output
     * @param cosine            the graph's weights use the cosine distance 1 − cos(a, b), as UMAP's
     *                          {@code metric='cosine'} (for unit-length rows, where it is half the squared Euclidean
     *                          distance: the same neighbours, other weights); else the Euclidean distance
     */
    public record Options(int dimensions, int neighbors, double minDist, int epochs, int negativeSamples,
                          int knnDimensions, long seed, boolean cosine) {
        /** Validates every field. */
        public Options {
            if (dimensions < 1) throw new ClusterbyException.BadOption("dimensions", "must be at least 1, got " + dimensions);
            if (neighbors < 2) throw new ClusterbyException.BadOption("neighbors", "must be at least 2, got " + neighbors);
            if (!(minDist >= 0 && minDist < 1)) throw new ClusterbyException.BadOption("min-dist", "must be in [0, 1), got " + minDist);
            if (epochs < 0) throw new ClusterbyException.BadOption("epochs", "must be 0 (auto) or more, got " + epochs);
            if (negativeSamples < 0) throw new ClusterbyException.BadOption("negative-samples", "must be 0 or more, got " + negativeSamples);
            if (knnDimensions < 0) throw new ClusterbyException.BadOption("knn-dimensions", "must be 0 or more, got " + knnDimensions);
        }

        /** Euclidean weights. */
        public Options(int dimensions, int neighbors, double minDist, int epochs, int negativeSamples, int knnDimensions, long seed) {
            this(dimensions, neighbors, minDist, epochs, negativeSamples, knnDimensions, seed, false);
        }

        /** UMAP's defaults (15 neighbours, min_dist 0.1, 5 negative samples, epochs by size), kNN on 50 components when big. */
        public static Options of(int dimensions, long seed) {
            return new Options(dimensions, 15, 0.1, 0, 5, 50, seed);
        }

        /** The same options with another neighbour count. */
        public Options withNeighbors(int k) {
            return new Options(dimensions, k, minDist, epochs, negativeSamples, knnDimensions, seed, cosine);
        }

        /** The same options with another epoch count (0 = by size). */
        public Options withEpochs(int count) {
            return new Options(dimensions, neighbors, minDist, count, negativeSamples, knnDimensions, seed, cosine);
        }
    }

    /**
     * The layout: rows × dimensions, row-major. {@code degenerate} says why the input allowed no neighbour graph
     * (fewer than 3 rows, or all rows identical), and is null otherwise; such inputs get a simple fixed layout.
     */
    public record Result(float[] coordinates, int rows, int dimensions, String degenerate) {
        /** One coordinate. */
        public float get(int row, int dimension) {
            return coordinates[row * dimensions + dimension];
        }
    }

    /** Embeds the rows of a heap matrix (each row the same length). */
    public static Result fit(float[][] rows, Options options, ComputeBackend backend) {
        int n = rows.length, d = n == 0 ? 0 : rows[0].length;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix data = Segments.matrix(arena, n, d);
            for (int i = 0; i < n; i++) {
                if (rows[i].length != d) throw new ClusterbyException.InvalidData("row " + i + " has " + rows[i].length + " values, row 0 has " + d);
                MemorySegment.copy(rows[i], 0, data.data(), FloatMatrix.FLOAT, (long) i * d * Float.BYTES, d);
            }
            return fit(data, options, backend);
        }
    }

    /** Embeds the n×d rows of {@code data} (not modified) on the backend's kNN kernel. */
    public static Result fit(FloatMatrix data, Options options, ComputeBackend backend) {
        int n = data.rows(), d = data.cols(), dims = options.dimensions();
        Result degenerate = Layouts.degenerate(data, dims);
        if (degenerate != null) return degenerate;

        long t0 = System.nanoTime();
        float[][] rows = toRows(data);
        float[][] knnInput = options.knnDimensions() > 0 && d > options.knnDimensions() && (double) n * n * d > 2e11
                ? principal(rows, options.knnDimensions(), options.seed()) : null;
        long t1 = System.nanoTime();
        int k = Math.min(options.neighbors(), n - 1);
        int[] neighbors = new int[n * k];
        float[] distances = new float[n * k];
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix input = data;
            if (knnInput != null) {
                input = Segments.matrix(arena, n, knnInput[0].length);
                for (int i = 0; i < n; i++) MemorySegment.copy(knnInput[i], 0, input.data(), FloatMatrix.FLOAT, (long) i * input.cols() * Float.BYTES, input.cols());
            }
            MemorySegment indices = Segments.ints(arena, (long) n * k);
            MemorySegment squared = Segments.floats(arena, (long) n * k);
            backend.knn(input, k, indices, squared);
            for (int e = 0; e < n * k; e++) {
                neighbors[e] = indices.getAtIndex(Segments.INT, e);
                float sq = Math.max(0f, squared.getAtIndex(Segments.FLOAT, e));
                distances[e] = options.cosine() ? sq / 2 : (float) Math.sqrt(sq);
            }
        }
        long t2 = System.nanoTime();
        Graph graph = fuzzyUnion(n, k, neighbors, smoothWeights(n, k, distances));
        float[] layout = initialLayout(rows, knnInput, dims, options.seed());
        long t3 = System.nanoTime();
        double[] ab = curve(options.minDist());
        int epochs = options.epochs() > 0 ? options.epochs() : n <= 10_000 ? 500 : 200;
        optimize(layout, dims, graph, (float) ab[0], (float) ab[1], epochs, options.negativeSamples(), options.seed());
        LOG.log(System.Logger.Level.DEBUG, () -> String.format(java.util.Locale.ROOT,
                "neighbour embedding n=%d d=%d: pca %.1f s, knn %.1f s, graph+init %.1f s, sgd %.1f s (%d edges, %d epochs)",
                n, d, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9, graph.heads().length, epochs));
        return new Result(layout, n, dims, null);
    }

    /** A symmetric sparse graph as an edge list (each undirected edge once per direction). */
    record Graph(int[] heads, int[] tails, float[] weights) {}

    /** Membership strengths exp(−max(0, d − ρ)/σ) per directed kNN edge. */
    static float[] smoothWeights(int n, int k, float[] distances) {
        float[] weights = new float[n * k];
        double target = Math.log(k) / Math.log(2);
        double meanAll = 0;
        for (float v : distances) meanAll += v;
        meanAll /= distances.length;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            double rho = 0;
            for (int s = 0; s < k; s++) {
                if (distances[base + s] > 0) {
                    rho = distances[base + s];
                    break;
                }
            }
            double lo = 0, hi = Double.POSITIVE_INFINITY, sigma = 1;
            for (int it = 0; it < 64; it++) {
                double sum = 0;
                for (int s = 0; s < k; s++) {
                    double gap = distances[base + s] - rho;
                    sum += gap > 0 ? Math.exp(-gap / sigma) : 1;
                }
                if (Math.abs(sum - target) < SMOOTH_TOLERANCE) break;
                if (sum > target) {
                    hi = sigma;
                    sigma = (lo + hi) / 2;
                } else {
                    lo = sigma;
                    sigma = hi == Double.POSITIVE_INFINITY ? sigma * 2 : (lo + hi) / 2;
                }
            }
            // as UMAP: σ never falls below a thousandth of the mean distance, so duplicates cannot blow weights up
            double meanRow = 0;
            for (int s = 0; s < k; s++) meanRow += distances[base + s];
            meanRow /= k;
            sigma = Math.max(sigma, MIN_SCALE * (rho > 0 ? meanRow : meanAll));
            for (int s = 0; s < k; s++) {
                double gap = distances[base + s] - rho;
                weights[base + s] = (float) (gap > 0 ? Math.exp(-gap / sigma) : 1);
            }
        }
        return weights;
    }

    /** The fuzzy union w + wᵀ − w∘wᵀ of the directed kNN weights, as a symmetric edge list sorted by head. */
    static Graph fuzzyUnion(int n, int k, int[] neighbors, float[] weights) {
        long[] keys = new long[2 * n * k];
        float[] values = new float[2 * n * k];
        int count = 0;
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < k; s++) {
                int j = neighbors[i * k + s];
                if (j == i || j < 0) continue;
                float w = weights[i * k + s];
                keys[count] = (long) i * n + j;
                values[count++] = w;
                keys[count] = (long) j * n + i;
                values[count++] = w;
            }
        }
        // sort (key, position) pairs packed in one long: a primitive sort, no boxing at 100k rows
        long[] order = new long[count];
        for (int e = 0; e < count; e++) order[e] = keys[e] * count + e;
        Arrays.sort(order);
        int[] heads = new int[count], tails = new int[count];
        float[] merged = new float[count];
        int edges = 0;
        for (int e = 0; e < count; ) {
            long key = order[e] / count;
            // a pair seen from both sides holds w_ij and w_ji; from one side only, the other weight is 0
            float a = values[(int) (order[e] % count)], b = 0;
            int next = e + 1;
            if (next < count && order[next] / count == key) {
                b = values[(int) (order[next] % count)];
                next++;
            }
            while (next < count && order[next] / count == key) next++; // a kNN list holds each neighbour once
            heads[edges] = (int) (key / n);
            tails[edges] = (int) (key % n);
            merged[edges++] = a + b - a * b;
            e = next;
        }
        return new Graph(Arrays.copyOf(heads, edges), Arrays.copyOf(tails, edges), Arrays.copyOf(merged, edges));
    }

    /** UMAP's curve 1/(1 + a·x^(2b)) fitted by least squares to the min_dist offset exponential (spread 1). */
    static double[] curve(double minDist) {
        int m = 300;
        double[] x = new double[m], y = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 3.0 * (i + 1) / m;
            y[i] = x[i] < minDist ? 1 : Math.exp(-(x[i] - minDist));
        }
        double a = 1.5, b = 0.9;
        for (int it = 0; it < 200; it++) { // Gauss–Newton with step halving
            double[] g = new double[2];
            double[][] h = new double[2][2];
            double loss = 0;
            for (int i = 0; i < m; i++) {
                double p = Math.pow(x[i], 2 * b), f = 1 / (1 + a * p), r = f - y[i];
                double da = -p * f * f, db = -a * p * 2 * Math.log(x[i]) * f * f;
                g[0] += r * da;
                g[1] += r * db;
                h[0][0] += da * da;
                h[0][1] += da * db;
                h[1][1] += db * db;
                loss += r * r;
            }
            double det = h[0][0] * h[1][1] - h[0][1] * h[0][1];
            if (det == 0) break;
            double stepA = (h[1][1] * g[0] - h[0][1] * g[1]) / det, stepB = (h[0][0] * g[1] - h[0][1] * g[0]) / det;
            double scale = 1;
            while (scale > 1e-6) {
                double na = a - scale * stepA, nb = b - scale * stepB, nl = 0;
                for (int i = 0; i < m; i++) {
                    double r = 1 / (1 + na * Math.pow(x[i], 2 * nb)) - y[i];
                    nl += r * r;
                }
                if (na > 0 && nb > 0 && nl <= loss) {
                    a = na;
                    b = nb;
                    break;
                }
                scale /= 2;
            }
            if (Math.abs(stepA) + Math.abs(stepB) < 1e-10) break;
        }
        return new double[] {a, b};
    }

    /** The first principal components of the rows, scaled so that the largest coordinate is 10 (UMAP's range), plus tiny noise. */
    static float[] initialLayout(float[][] rows, float[][] reduced, int dims, long seed) {
        int n = rows.length;
        float[][] source = reduced != null && reduced[0].length >= dims ? reduced : rows;
        int p = Math.min(dims, source[0].length);
        float[][] copy = new float[n][];
        for (int i = 0; i < n; i++) copy[i] = source[i].clone();
        Pca.Fit fit = Pca.fit(copy, p, 10, 2, seed);
        float[][] projected = new float[n][fit.count()];
        Pca.project(copy, true, fit, 0, projected);
        float[] layout = new float[n * dims];
        double max = 0;
        for (float[] row : projected) for (float v : row) max = Math.max(max, Math.abs(v));
        double scale = max > 0 ? 10 / max : 1;
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < dims; c++) {
                double v = c < projected[i].length ? projected[i][c] * scale : 0;
                layout[i * dims + c] = (float) (v + 1e-4 * (random.nextDouble() - 0.5) * 20);
            }
        }
        return layout;
    }

    /** UMAP's SGD: attract along sampled edges (both ends), repel the head from random rows. */
    static void optimize(float[] y, int dims, Graph graph, float a, float b, int epochs, int negativeSamples, long seed) {
        int edges = graph.heads().length, n = y.length / dims;
        float maxWeight = 0;
        for (float w : graph.weights()) maxWeight = Math.max(maxWeight, w);
        // edges too weak to be sampled once in all epochs are dropped, as UMAP does
        int kept = 0;
        int[] heads = new int[edges], tails = new int[edges];
        float[] perSample = new float[edges];
        for (int e = 0; e < edges; e++) {
            float w = graph.weights()[e];
            if (w < maxWeight / epochs) continue;
            heads[kept] = graph.heads()[e];
            tails[kept] = graph.tails()[e];
            perSample[kept++] = maxWeight / w;
        }
        float[] nextSample = Arrays.copyOf(perSample, kept);
        float[] perNegative = new float[kept], nextNegative = new float[kept];
        for (int e = 0; e < kept; e++) {
            perNegative[e] = perSample[e] / Math.max(negativeSamples, 1);
            nextNegative[e] = perNegative[e];
        }
        // Rows are split into fixed chunks; within an epoch a chunk moves only its own rows (the heads of its edges) and
        // reads every other row from the epoch's starting positions, so chunks run in parallel and the result depends
        // on the seed alone, never on the thread count or timing.
        int[] chunkStart = chunks(heads, kept, n);
        int chunkCount = chunkStart.length - 1;
        float[] start = new float[y.length];
        float twoAB = 2 * a * b, twoB = 2 * b;
        for (int epoch = 0; epoch < epochs; epoch++) {
            float alpha = 1f - (float) epoch / epochs;
            System.arraycopy(y, 0, start, 0, y.length);
            int current = epoch;
            java.util.stream.IntStream.range(0, chunkCount).parallel().forEach(chunk -> {
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (long) current * 1_000_003L + chunk);
                float[] delta = new float[dims];
                for (int e = chunkStart[chunk]; e < chunkStart[chunk + 1]; e++) {
                    if (nextSample[e] > current) continue;
                    int i = heads[e] * dims, j = tails[e] * dims;
                    float dist2 = 0;
                    for (int c = 0; c < dims; c++) {
                        delta[c] = y[i + c] - start[j + c];
                        dist2 += delta[c] * delta[c];
                    }
                    if (dist2 > 0) {
                        float pw = pow(dist2, b);
                        float coefficient = -twoAB * pw / dist2 / (a * pw + 1);
                        for (int c = 0; c < dims; c++) y[i + c] += clip(coefficient * delta[c]) * alpha;
                    }
                    nextSample[e] += perSample[e];
                    int negatives = negativeSamples == 0 ? 0 : (int) ((current - nextNegative[e]) / perNegative[e]);
                    for (int s = 0; s < negatives; s++) {
                        int other = random.nextInt(n) * dims;
                        if (other == i) continue;
                        dist2 = 0;
                        for (int c = 0; c < dims; c++) {
                            delta[c] = y[i + c] - start[other + c];
                            dist2 += delta[c] * delta[c];
                        }
                        if (dist2 > 0) {
                            float coefficient = twoB / ((0.001f + dist2) * (a * pow(dist2, b) + 1));
                            for (int c = 0; c < dims; c++) y[i + c] += clip(coefficient * delta[c]) * alpha;
                        } else {
                            for (int c = 0; c < dims; c++) y[i + c] += GRADIENT_CLIP * alpha;
                        }
                    }
                    if (negativeSamples > 0) nextNegative[e] += negatives * perNegative[e];
                }
            });
        }
    }

    /** Edge offsets where each chunk of about 1,024 head rows starts (edges are sorted by head), plus the end. */
    private static int[] chunks(int[] heads, int edges, int n) {
        int rowsPerChunk = 1024;
        int[] starts = new int[(n + rowsPerChunk - 1) / rowsPerChunk + 1];
        int chunk = 0;
        for (int e = 0; e < edges && chunk < starts.length - 1; e++) {
            while (chunk < starts.length - 1 && heads[e] >= chunk * rowsPerChunk) starts[chunk++] = e;
        }
        while (chunk < starts.length) starts[chunk++] = edges;
        return starts;
    }

    /**
     * x^p for x &gt; 0 as 2^(p·log₂ x), both by short polynomials on the float's bits: relative error below 10⁻⁴ for |p·log₂ x| up to 30 (least-squares fits of degree 6 and 5), which
     * the SGD does not notice, at a fraction of {@link Math#pow}'s cost (it runs for every sample, 10⁹ times at 100k rows).
     */
    static float pow(float x, float p) {
        int bits = Float.floatToRawIntBits(x);
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000); // mantissa in [1, 2)
        float log2 = ((bits >>> 23) & 0xFF) - 127
                + (-3.0283250f + (6.0658589f + (-5.2641555f + (3.2188698f + (-1.2342799f + (0.26686277f - 0.024825984f * m) * m) * m) * m) * m) * m);
        float y = p * log2;
        if (y < -126) return 0;
        if (y > 127) return Float.MAX_VALUE;
        float floor = (float) Math.floor(y), f = y - floor;
        float fraction = 0.99999977f + f * (0.69315678f + f * (0.24013169f + f * (0.055876557f + f * (0.0089405825f + f * 0.0018943794f))));
        return Float.intBitsToFloat(((int) floor + 127) << 23) * fraction;
    }

    private static float clip(float v) {
        return v > GRADIENT_CLIP ? GRADIENT_CLIP : v < -GRADIENT_CLIP ? -GRADIENT_CLIP : v;
    }

    private static float[][] principal(float[][] rows, int p, long seed) {
        int n = rows.length;
        float[][] copy = new float[n][];
        for (int i = 0; i < n; i++) copy[i] = rows[i].clone();
        Pca.Fit fit = Pca.fit(copy, p, 10, 2, seed);
        float[][] out = new float[n][fit.count()];
        Pca.project(copy, true, fit, 0, out);
        return out;
    }

    private static float[][] toRows(FloatMatrix data) {
        float[][] rows = new float[data.rows()][];
        for (int i = 0; i < rows.length; i++) rows[i] = data.row(i).toArray(FloatMatrix.FLOAT);
        return rows;
    }

    /** Every value finite, or an error naming the first row that is not. */
    static void requireFinite(FloatMatrix data) {
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < data.cols(); j++) {
                if (!Float.isFinite(data.get(i, j))) {
                    throw new ClusterbyException.InvalidData("row " + i + " has a non-finite value at dimension " + j);
                }
            }
        }
    }
}
