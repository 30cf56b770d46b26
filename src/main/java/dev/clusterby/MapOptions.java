package dev.clusterby;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to draw the 2-D map of an embedding ({@link DataPanel#map}, {@link TensorColumn#project2d}, the report).
 *
 * @param method    {@code umap} (the default: a UMAP-style neighbour embedding, which keeps each row's neighbours
 *                  near it) or {@code pca} (the first two principal components: linear, fast, keeps large distances)
 * @param neighbors the neighbour count of {@code umap}'s kNN graph (default 15; clamped to rows − 1)
 * @param minDist   how tightly {@code umap} packs neighbours, in [0, 1) (default 0.1)
 * @param epochs    {@code umap}'s optimisation epochs; 0 (default) picks 500 up to 10,000 rows, else 200
 * @param seed      the random seed: the same seed and embedding give the same map
 */
public record MapOptions(String method, int neighbors, double minDist, int epochs, long seed) {
    /** The method names. */
    public static final java.util.List<String> METHODS = java.util.List.of("umap", "pca");

    /** Validates every field; the method name is case-insensitive. */
    public MapOptions {
        method = method == null ? "umap" : method.toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) throw new ClusterbyException.UnknownName("map method", method, METHODS);
        if (neighbors < 2) throw new ClusterbyException.BadOption("neighbors", "must be at least 2, got " + neighbors);
        if (!(minDist >= 0 && minDist < 1)) throw new ClusterbyException.BadOption("min-dist", "must be in [0, 1), got " + minDist);
        if (epochs < 0) throw new ClusterbyException.BadOption("epochs", "must be 0 (by size) or more, got " + epochs);
    }

    /** {@code umap}, 15 neighbours, min-dist 0.1, epochs by size, seed 42. */
    public static MapOptions defaults() {
        return new MapOptions("umap", 15, 0.1, 0, 42);
    }

    /** The same options with another method ({@code umap} or {@code pca}). */
    public MapOptions withMethod(String name) {
        return new MapOptions(name, neighbors, minDist, epochs, seed);
    }

    /** The same options with another seed. */
    public MapOptions withSeed(long value) {
        return new MapOptions(method, neighbors, minDist, epochs, value);
    }

    /** The same options with another neighbour count. */
    public MapOptions withNeighbors(int count) {
        return new MapOptions(method, count, minDist, epochs, seed);
    }

    /** The same options with another epoch count (0 = by size). */
    public MapOptions withEpochs(int count) {
        return new MapOptions(method, neighbors, minDist, count, seed);
    }

    /** Reads kebab-case keys ({@code method}, {@code neighbors}, {@code min-dist}, {@code epochs}, {@code seed}); others are errors. */
    public static MapOptions fromParams(Map<String, ?> values) {
        MapOptions d = defaults();
        for (String key : values.keySet()) {
            if (!d.toParams().containsKey(key)) throw new ClusterbyException.UnknownName("map option", key, d.toParams().keySet());
        }
        return new MapOptions(values.get("method") == null ? d.method : String.valueOf(values.get("method")),
                number(values, "neighbors", d.neighbors).intValue(), number(values, "min-dist", d.minDist).doubleValue(),
                number(values, "epochs", d.epochs).intValue(), number(values, "seed", d.seed).longValue());
    }

    /** The options as kebab-case keys, as {@link #fromParams} reads them. */
    public Map<String, Object> toParams() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        out.put("neighbors", neighbors);
        out.put("min-dist", minDist);
        out.put("epochs", epochs);
        out.put("seed", seed);
        return out;
    }

    /** What changes the coordinates, for cache keys: every field (the neighbour settings only for umap). */
    String cacheKey() {
        return method.equals("pca") ? "pca|seed=" + seed
                : String.format(Locale.ROOT, "umap|k=%d|min-dist=%s|epochs=%d|seed=%d", neighbors, minDist, epochs, seed);
    }

    private static Number number(Map<String, ?> values, String key, Number fallback) {
        Object value = values.get(key);
        if (value == null) return fallback;
        if (value instanceof Number number) return number;
        try {
            return Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ClusterbyException.BadOption(key, "expected a number, got '" + value + "'");
        }
    }
}
