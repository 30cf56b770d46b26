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
 * Package-private: the range lives in each method's {@code Options} ({@code kMin}, {@code kMax}) with {@code k = 0}
 * meaning auto.
 *
 * @param kMin the smallest k tried, at least 1 (the silhouette needs at least 2)
 * @param kMax the largest k tried, or 0 for the default {@code min(20, n - 1)}. The default range stops early once
 *             {@link #PATIENCE} successive k fail to beat the best score, so it stays cheap when the optimum is small;
 *             an explicit k-max is searched to the end.
 */
record AutoK(int kMin, int kMax) {
    static final int DEFAULT_MIN = 2;
    static final int DEFAULT_MAX = 20;
    static final int PATIENCE = 3;

    AutoK {
        if (kMin < 1) throw new ClusterbyException.BadOption("k-min", "must be at least 1, got " + kMin);
        if (kMax != 0 && kMax < kMin) {
            throw new ClusterbyException.BadOption("k-max", "must be at least k-min=" + kMin + ", got " + kMax);
        }
    }

    /**
     * Validates the k settings of an options record: k ≥ 1, or {@code auto} (0) with a valid range; with a fixed k
     * the range must be left at its defaults, as the map path says ("applies only with k=auto").
     */
    static void check(int k, int kMin, int kMax) {
        if (k == 0) {
            new AutoK(kMin, kMax);
        } else {
            if (k < 1) throw new ClusterbyException.BadOption("k", "must be at least 1 (or auto), got " + k);
            if (kMin != DEFAULT_MIN) throw new ClusterbyException.BadOption("k-min", "applies only with k=auto");
            if (kMax != 0) throw new ClusterbyException.BadOption("k-max", "applies only with k=auto");
        }
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
     * Reads {@code k}: a positive integer, or {@code auto} (returned as 0) with optional {@code k-min} and
     * {@code k-max}, which are errors with a fixed k. Returns {k, kMin, kMax}.
     */
    static int[] read(Params params, int defaultK) {
        Object value = params.raw("k");
        boolean auto = value instanceof String text && text.trim().equalsIgnoreCase("auto");
        if (!auto) {
            for (String key : new String[] {"k-min", "k-max"}) {
                if (params.has(key)) {
                    params.raw("k-min");
                    params.raw("k-max");
                    throw new ClusterbyException.BadOption(key, "applies only with k=auto");
                }
            }
            params.raw("k-min");
            params.raw("k-max");
            return new int[] {params.getInt("k", defaultK), DEFAULT_MIN, 0};
        }
        return new int[] {0, params.getInt("k-min", DEFAULT_MIN), params.getInt("k-max", 0)};
    }

    /** A fixed k for the convenience constructors: at least 1 (0, which means auto, only through the full one). */
    static int fixed(int k) {
        if (k < 1) throw new ClusterbyException.BadOption("k", "must be at least 1, got " + k);
        return k;
    }

    /** Writes k (or {@code auto} with its range) into a params map, as {@link #read} takes it back. */
    static void write(Map<String, Object> out, int k, int kMin, int kMax) {
        if (k == 0) {
            out.put("k", "auto");
            out.put("k-min", kMin);
            out.put("k-max", kMax);
        } else {
            out.put("k", k);
        }
    }

    /** Validates the silhouette settings (k-means flavours): a sample of at least 2, and k-min ≥ 2 since k=1 has no silhouette. */
    static void checkSilhouette(int k, int kMin, int silhouetteSample) {
        if (k != 0 && silhouetteSample != Silhouette.DEFAULT_SAMPLE) {
            throw new ClusterbyException.BadOption("silhouette-sample", "applies only with k=auto");
        }
        if (silhouetteSample < 2) {
            throw new ClusterbyException.BadOption("silhouette-sample", "must be at least 2, got " + silhouetteSample);
        }
        if (k == 0 && kMin < 2) {
            throw new ClusterbyException.BadOption("k-min", "must be at least 2 for the silhouette, got " + kMin);
        }
    }

    /** The silhouette sample size from params; an error when given without k=auto. */
    static int silhouetteSample(Params params, int k) {
        int sample = params.getInt("silhouette-sample", Silhouette.DEFAULT_SAMPLE);
        if (k != 0 && params.has("silhouette-sample")) {
            throw new ClusterbyException.BadOption("silhouette-sample", "applies only with k=auto");
        }
        return sample;
    }
}
