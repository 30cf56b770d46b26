package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.Hashes;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.internal.map.Layouts;
import dev.clusterby.internal.map.NeighborEmbedding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * Glue for the 2-D map: finds the coordinates in the panel's hidden columns or the disk cache, keyed by the embedding's
 * content and the map options, else computes them ({@code umap} on the backend's kNN kernel, or {@code pca}).
 * Rows missing from the embedding (images that could not be decoded) are left out of the fit and missing in the map.
 */
final class Maps {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.map");

    private Maps() {}

    /** A map: {@code map_x}, {@code map_y}; why the input was degenerate (or null); whether it came from a cache. */
    record Layout(DoubleColumn x, DoubleColumn y, String degenerate, boolean cached, double seconds) {
        DataPanel toPanel() {
            return DataPanel.of(x, y);
        }
    }

    /**
     * The map of {@code embedding}; with a panel, its hidden column {@code METHOD(EMBEDDING)} holds it for the next call.
     */
    static Layout layout(DataPanel panel, TensorColumn embedding, MapOptions options, Settings given) {
        long start = System.nanoTime();
        Settings settings = given.resolve();
        int n = embedding.size();
        int[] good = java.util.stream.IntStream.range(0, n).filter(row -> !embedding.isMissing(row)).toArray();
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix data = good.length == n ? embedding.matrix() : compact(arena, embedding, good);
            NeighborEmbedding.Result degenerate = Layouts.degenerate(data, 2);
            String fingerprint = fingerprint(data, good, n, options);
            String hiddenName = options.method() + "(" + embedding.name() + ")";
            TensorColumn hit = panel == null ? null : panel.cachedTensor(hiddenName, fingerprint);
            if (hit != null) return columns(hit.matrix(), good, n, degenerate, true, start);
            EmbeddingCache cache = new EmbeddingCache(settings.cacheDir());
            TensorColumn coordinates = TensorColumn.allocate(hiddenName, good.length, 2);
            try {
                boolean cached = cache.load(fingerprint, coordinates.matrix());
                if (!cached) {
                    NeighborEmbedding.Result fit = degenerate != null ? degenerate
                            : options.method().equals("pca") ? Layouts.pca(data, 2, options.seed())
                            : NeighborEmbedding.fit(data, new NeighborEmbedding.Options(2, options.neighbors(), options.minDist(),
                                    options.epochs(), 5, 50, options.seed()), ComputeBackends.select(settings));
                    MemorySegment.copy(fit.coordinates(), 0, coordinates.segment(), FloatMatrix.FLOAT, 0, fit.coordinates().length);
                    cache.store(fingerprint, coordinates.matrix());
                    LOG.log(System.Logger.Level.DEBUG, "mapped {0} rows of ''{1}'' by {2}", good.length, embedding.name(), options.method());
                }
                Layout layout = columns(coordinates.matrix(), good, n, degenerate, cached, start);
                if (panel != null && good.length == n && n > 0) panel.putHidden(hiddenName, coordinates, embedding.name(), options.cacheKey(), fingerprint);
                return layout;
            } finally {
                coordinates.close();
            }
        }
    }

    private static Layout columns(FloatMatrix xy, int[] good, int n, NeighborEmbedding.Result degenerate, boolean cached, long start) {
        double[] x = new double[n], y = new double[n];
        BitSet missing = new BitSet(n);
        missing.set(0, n);
        for (int g = 0; g < good.length; g++) {
            x[good[g]] = xy.get(g, 0);
            y[good[g]] = xy.get(g, 1);
            missing.clear(good[g]);
        }
        return new Layout(DoubleColumn.wrap("map_x", x, missing), DoubleColumn.wrap("map_y", y, (BitSet) missing.clone()),
                degenerate == null ? null : degenerate.degenerate(), cached, (System.nanoTime() - start) / 1e9);
    }

    private static FloatMatrix compact(Arena arena, TensorColumn embedding, int[] good) {
        FloatMatrix source = embedding.matrix(), out = Segments.matrix(arena, good.length, source.cols());
        long rowBytes = (long) source.cols() * Float.BYTES;
        for (int g = 0; g < good.length; g++) {
            MemorySegment.copy(source.data(), good[g] * rowBytes, out.data(), g * rowBytes, rowBytes);
        }
        return out;
    }

    /** SHA-256 of the mapped rows' bytes, which rows they are, and the options: any change is a miss. */
    private static String fingerprint(FloatMatrix data, int[] good, int n, MapOptions options) {
        MessageDigest digest = Hashes.sha256();
        digest.update(("clusterby-map-v1|" + options.cacheKey() + "|" + data.rows() + "x" + data.cols() + "|of=" + n + "|").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (good.length != n) {
            ByteBuffer rows = ByteBuffer.allocate(good.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int row : good) rows.putInt(row);
            digest.update(rows.array());
        }
        digest.update(data.data().asSlice(0, data.byteSize()).asByteBuffer());
        return "map-" + HexFormat.of().formatHex(digest.digest());
    }
}
