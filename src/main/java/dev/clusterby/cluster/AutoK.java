package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * Choosing k automatically ({@code k=auto}): the range of k searched. Each method supplies its own criterion
 * (BIC for {@code gmm}, silhouette for {@code kmeans}); {@link #search} fits every k of the range and keeps the best.
 *
 * @param kMin the smallest k tried, at least 1 (the silhouette needs at least 2)
 * @param kMax the largest k tried, or 0 for the default {@code min(20, n - 1)}. The default range stops early once
 *             {@link #PATIENCE} successive k fail to beat the best score, so it stays cheap when the optimum is small;
 *             an explicit k-max is searched to the end.
 */
public record AutoK(int kMin, int kMax) {
    public static final int DEFAULT_MAX = 20;
    public static final int PATIENCE = 3;

    public AutoK {
        if (kMin < 1) throw new ClusterbyException.BadOption("k-min", "must be at least 1, got " + kMin);
        if (kMax != 0 && kMax < kMin) {
            throw new ClusterbyException.BadOption("k-max", "must be at least k-min=" + kMin + ", got " + kMax);
        }
    }

    public static AutoK defaults() {
        return new AutoK(2, 0);
    }

    /** The largest k searched for n rows; k never reaches n, so every cluster can hold two rows on average. */
    int maxFor(int n) {
        return Math.min(kMax == 0 ? DEFAULT_MAX : kMax, n - 1);
    }

    /** The outcome of a search: the chosen fit, its k, and every k's score in increasing k. */
    record Result<M>(M best, int k, Map<Integer, Double> scores) {}

    <M> Result<M> search(int n, String criterion, boolean lowerIsBetter, IntFunction<M> fitK, ToDoubleFunction<M> score) {
        int max = maxFor(n);
        if (kMin > max) {
            throw new ClusterbyException.InvalidData("k=auto with " + criterion + " needs k-min=" + kMin + " ≤ " + max
                    + " (at most n-1 for " + n + " rows)");
        }
        Map<Integer, Double> scores = new LinkedHashMap<>();
        M best = null;
        int bestK = -1, sinceBest = 0;
        double bestScore = Double.NaN;
        for (int k = kMin; k <= max; k++) {
            M model = fitK.apply(k);
            double value = score.applyAsDouble(model);
            scores.put(k, value);
            boolean better = best == null || (lowerIsBetter ? value < bestScore : value > bestScore)
                    || Double.isNaN(bestScore) && !Double.isNaN(value);
            if (better) {
                best = model;
                bestK = k;
                bestScore = value;
                sinceBest = 0;
            } else if (++sinceBest >= PATIENCE && kMax == 0) {
                break;
            }
        }
        return new Result<>(best, bestK, Collections.unmodifiableMap(new TreeMap<>(scores)));
    }

    /** The diagnostics map a fitted model reports when its k was chosen automatically. */
    static Map<String, Object> diagnostics(String criterion, Map<Integer, Double> scores) {
        if (criterion == null) return Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("k-criterion", criterion);
        out.put("k-scores", scores);
        return Collections.unmodifiableMap(out);
    }

    /**
     * Reads {@code k} (or its alias) from params: a positive integer, or {@code auto} with optional {@code k-min} and
     * {@code k-max}. Returns null for a fixed k, which the caller reads with {@link #fixedK}.
     */
    static AutoK fromParams(Params params, String... kNames) {
        boolean auto = false;
        for (String name : kNames) {
            Object value = params.has(name) ? params.raw(name) : null;
            if (value instanceof String text && text.trim().equalsIgnoreCase("auto")) auto = true;
        }
        boolean rangeGiven = params.has("k-min") || params.has("k-max");
        if (!auto) {
            if (rangeGiven) {
                params.raw("k-min");
                params.raw("k-max");
                throw new ClusterbyException.BadOption(params.has("k-min") ? "k-min" : "k-max", "applies only with k=auto");
            }
            return null;
        }
        return new AutoK(params.getInt("k-min", 2), params.getInt("k-max", 0));
    }

    /** A fixed k from the first of the names present, else the fallback. */
    static int fixedK(Params params, int fallback, String... kNames) {
        for (String name : kNames) {
            if (params.has(name)) {
                int k = params.getInt(name, fallback);
                for (String other : kNames) params.raw(other);
                return k;
            }
        }
        for (String other : kNames) params.raw(other);
        return fallback;
    }
}
