package dev.clusterby.internal.cluster.hdbscan;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.Hashes;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.map.NeighborEmbedding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The space HDBSCAN clusters: the input (rows scaled to unit length for cosine), or its UMAP-like neighbour
 * embedding ({@link NeighborEmbedding}, the map's machinery, with min-dist 0 as BERTopic uses for clustering, and
 * {@link #NEIGHBOURS} neighbours, Euclidean weights: on unit rows a monotone function of the cosine). 30 neighbours
 * with cosine weights did better on the tuning sets but worse on the held-out ones (benchmarks/RESULTS-hdbscan.md),
 * so they stay an option of the neighbour embedding, not the default.
 * Reductions are cached in memory by the SHA-256 of the input and the settings, so a second fit of the same data
 * (another min-cluster-size, another noise handling) reuses it. New points are mapped as UMAP's transform starts:
 * the distance-weighted mean of the layout positions of their nearest training rows.
 */
public final class Reduction implements AutoCloseable {
    /** Neighbours whose layout positions place a new point. */
    static final int TRANSFORM_NEIGHBOURS = 15;
    /** The neighbour graph's k for a clustering layout, the map's own (benchmarks/RESULTS-hdbscan.md). */
    public static final int NEIGHBOURS = 15;
    private static final int CACHE_ENTRIES = 4;
    private static final Map<String, float[]> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private final Arena arena;
    private final FloatMatrix points;
    private final Predictor predictor;
    private final boolean reduced;

    private Reduction(Arena arena, FloatMatrix points, Predictor predictor, boolean reduced) {
        this.arena = arena;
        this.points = points;
        this.predictor = predictor;
        this.reduced = reduced;
    }

    /** The input, normalised for cosine, reduced to {@code dims} columns when dims &gt; 0. */
    public static Reduction fit(FloatMatrix data, boolean cosine, int dims, long seed, ComputeBackend backend) {
        int n = data.rows(), d = data.cols();
        float[] x = data.toArray();
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new ClusterbyException.InvalidData("row " + (i / d) + " has a non-finite value at column " + (i % d));
            }
        }
        if (cosine) normalise(x, n, d);
        Arena arena = Arena.ofShared();
        try {
            FloatMatrix input = Segments.matrix(arena, n, d);
            MemorySegment.copy(x, 0, input.data(), FloatMatrix.FLOAT, 0, x.length);
            if (dims <= 0) return new Reduction(arena, input, new Predictor(x, d, cosine, null, 0), false);
            String key = key(x, dims, seed);
            float[] layout;
            synchronized (CACHE) {
                layout = CACHE.get(key);
            }
            if (layout == null) {
                layout = NeighborEmbedding.fit(input, new NeighborEmbedding.Options(dims, NEIGHBOURS, 0.0, 0, 5, 50, seed,
                        false), backend)
                        .coordinates();
                synchronized (CACHE) {
                    CACHE.put(key, layout);
                }
            }
            FloatMatrix out = Segments.matrix(arena, n, dims);
            MemorySegment.copy(layout, 0, out.data(), FloatMatrix.FLOAT, 0, layout.length);
            return new Reduction(arena, out, new Predictor(x, d, cosine, layout, dims), true);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The matrix to cluster; valid until {@link #close()}. */
    public FloatMatrix points() {
        return points;
    }

    /** Whether the points are a reduction. */
    public boolean reduced() {
        return reduced;
    }

    /** Maps new points into the clustered space. */
    public Predictor predictor() {
        return predictor;
    }

    @Override
    public void close() {
        arena.close();
    }

    static void normalise(float[] x, int n, int d) {
        IntStream.range(0, n).parallel().forEach(i -> {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) x[i * d + j] * x[i * d + j];
            if (s == 0) throw new ClusterbyException.InvalidData("row " + i + " is all zeros, which has no cosine distance");
            double inv = 1 / Math.sqrt(s);
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (x[i * d + j] * inv);
        });
    }

    private static String key(float[] x, int dims, long seed) {
        MessageDigest digest = Hashes.sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            if (buffer.remaining() < 4) {
                digest.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            buffer.putFloat(v);
        }
        digest.update(buffer.array(), 0, buffer.position());
        return java.util.HexFormat.of().formatHex(digest.digest()) + ":" + x.length + ":" + dims + ":" + seed;
    }

    /**
     * New rows placed as UMAP's transform starts: the mean of the layout positions of their {@value #TRANSFORM_NEIGHBOURS}
     * nearest training rows, weighted exp(−(d − ρ)/σ) with ρ the nearest distance and σ UMAP's local scale ({@link #smoothScale}).
     */
    static float[] place(float[] x, int q, float[] input, int d, float[] layout, int dims) {
        int n = input.length / d, m = Math.min(TRANSFORM_NEIGHBOURS, n);
        float[] out = new float[q * dims];
        IntStream.range(0, q).parallel().forEach(p -> {
            int[] idx = new int[m];
            double[] dist = new double[m];
            int filled = Prediction.nearest(x, p, input, d, n, idx, dist);
            double rho = Math.sqrt(dist[0]);
            double sigma = smoothScale(dist, filled, rho);
            double total = 0;
            double[] acc = new double[dims];
            for (int s = 0; s < filled; s++) {
                double w = Math.exp(-(Math.sqrt(dist[s]) - rho) / sigma);
                total += w;
                for (int c = 0; c < dims; c++) acc[c] += w * layout[idx[s] * dims + c];
            }
            for (int c = 0; c < dims; c++) out[p * dims + c] = (float) (acc[c] / total);
        });
        return out;
    }

    /** UMAP's local scale: σ with Σ exp(−(d − ρ)/σ) = log₂ k over the k neighbours, by bisection. */
    static double smoothScale(double[] squared, int k, double rho) {
        double target = Math.log(k) / Math.log(2), lo = 0, hi = Double.POSITIVE_INFINITY, sigma = 1;
        for (int it = 0; it < 64; it++) {
            double sum = 0;
            for (int s = 0; s < k; s++) sum += Math.exp(-Math.max(0, Math.sqrt(squared[s]) - rho) / sigma);
            if (Math.abs(sum - target) < 1e-5) break;
            if (sum > target) {
                hi = sigma;
                sigma = (lo + hi) / 2;
            } else {
                lo = sigma;
                sigma = hi == Double.POSITIVE_INFINITY ? sigma * 2 : (lo + hi) / 2;
            }
        }
        return Math.max(sigma, 1e-12);
    }

    /** What a fit keeps to map new rows: the training rows (heap) and their layout. */
    public static final class Predictor {
        private final float[] input;
        private final int d;
        private final boolean cosine;
        private final float[] layout;
        private final int dims;

        Predictor(float[] input, int d, boolean cosine, float[] layout, int dims) {
            this.input = input;
            this.d = d;
            this.cosine = cosine;
            this.layout = layout;
            this.dims = dims;
        }

        /** The input width. */
        public int inputDimension() {
            return d;
        }

        /** Whether the rows were reduced. */
        boolean reduced() {
            return layout != null;
        }

        /** Whether rows are scaled to unit length first. */
        boolean cosine() {
            return cosine;
        }

        /** The training rows as clustered from (unit length for cosine); not a copy. */
        float[] inputRows() {
            return input;
        }
    }
}
