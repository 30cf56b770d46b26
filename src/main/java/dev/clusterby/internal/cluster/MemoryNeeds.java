package dev.clusterby.internal.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.Agglomerative;
import dev.clusterby.cluster.KMeans;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The memory a clustering needs beyond its input matrix, per method (the README's table states the same rules), and
 * the check that turns a job that cannot fit into one clear error before any work is spent. The input itself counts
 * only when it must be held in memory (an embedding being computed); a memory-mapped {@code .npy} or cache file is
 * paged by the operating system and does not.
 */
public final class MemoryNeeds {
    private MemoryNeeds() {}

    /** System property (bytes) that replaces the measured available memory; for tests and for capping a job. */
    public static final String AVAILABLE_PROPERTY = "clusterby.memoryAvailable";

    /** An estimate: the bytes, the terms it is made of in words, and what to do when it is too much. */
    public record Estimate(long bytes, String terms, String advice) {}

    /**
     * The working memory of {@code method} with these params on n rows of d values, or null for a method this class
     * does not know (a plug-in).
     */
    public static Estimate of(String method, Map<String, ?> params, long n, int d) {
        int k = k(params, n);
        return switch (method.toLowerCase(Locale.ROOT)) {
            case "kmeans" -> {
                int sample = sample(params);
                long m = KMeans.sampleSize((int) Math.min(n, Integer.MAX_VALUE), k, d, sample);
                long seedRows = Math.min(m, (long) KMeans.ROWS_PER_CLUSTER * k);
                long trials = 2 + (long) Math.log(k);
                long bytes = (m < n ? m * d * 4 : 0) + (seedRows < m ? seedRows * d * 4 : 0)
                        + seedRows * (trials * 8 + 16) + n * 20 + (long) k * d * 16;
                yield new Estimate(bytes, (m < n ? "a " + m + "-row sample, " : "") + "k-means++ on " + seedRows
                        + " rows, labels and distances of every row (20 bytes a row)",
                        "pass --param sample=N with a smaller N, or use minibatch-kmeans");
            }
            case "minibatch-kmeans" -> {
                long batch = Math.min(n, intParam(params, "batch-size", 1024));
                long init = Math.min(n, 3 * batch);
                yield new Estimate(n * 20 + (init + batch) * d * 4 + init * 40 + (long) k * d * 32,
                        "labels and distances of every row (20 bytes a row), the batches",
                        "use a smaller batch-size");
            }
            case "gmm" -> {
                boolean full = "full".equalsIgnoreCase(String.valueOf(params.containsKey("covariance") ? params.get("covariance") : "full"));
                long covariances = full ? (long) k * d * d * 8 * 4 : (long) k * d * 8 * 6;
                yield new Estimate(2 * n * k * 4 + n * d * 4 + n * 20 + covariances,
                        "two n×k float32 responsibility matrices, a centred copy of the data, " + (full ? "k d×d" : "k diagonal") + " covariances",
                        "use covariance=diag, fewer rows, or kmeans");
            }
            case "hierarchical" -> {
                boolean ward = "ward".equalsIgnoreCase(String.valueOf(params.containsKey("linkage") ? params.get("linkage") : "ward"));
                boolean single = "single".equalsIgnoreCase(String.valueOf(params.get("linkage")));
                long bytes = ward || single ? n * d * 12 + n * 64 : Agglomerative.matrixBytes((int) Math.min(n, Integer.MAX_VALUE)) + n * 64;
                yield new Estimate(bytes, ward || single ? "row centroids in float64 and float32, the merges"
                        : "the condensed n·(n−1)/2 float32 distance matrix, the merges",
                        "cluster a sample, use linkage=ward, or use kmeans");
            }
            case "spectral" -> {
                boolean rbf = "rbf".equalsIgnoreCase(String.valueOf(params.get("affinity")));
                long neighbours = intParam(params, "n-neighbors", 10);
                long bytes = rbf ? n * n * 4 + n * k * 12 : n * neighbours * 8 * 4 + n * k * 12 + n * 64;
                yield new Estimate(bytes, rbf ? "the dense n×n float32 affinity" : "the sparse nearest-neighbour graph, the n×k eigenvectors",
                        rbf ? "use affinity=nearest-neighbors" : "use fewer n-neighbors, or kmeans");
            }
            default -> null;
        };
    }

    /**
     * Fails with one error when the method's working memory (plus the input when it must be in memory) exceeds what is
     * available; does nothing for unknown methods or when the available memory cannot be told.
     */
    public static void check(String method, Map<String, ?> params, long n, int d, boolean inputInMemory) {
        Estimate estimate = of(method, params, n, d);
        long available = available();
        if (estimate == null || available <= 0) return;
        long input = inputInMemory ? n * d * 4 : 0;
        long needed = estimate.bytes + input;
        if (needed <= available) return;
        throw new ClusterbyException.Unavailable(String.format(Locale.ROOT,
                "%s on %d rows × %d dimensions (k=%d) needs about %s of memory (%s%s), but %s is available; %s",
                method, n, d, k(params, n), size(needed), estimate.terms,
                input > 0 ? "; plus the " + size(input) + " embedding" : "", size(available), estimate.advice));
    }

    /**
     * The memory available to this process: the {@value #AVAILABLE_PROPERTY} property when set, else the smaller of the
     * kernel's MemAvailable and the room left under a cgroup limit; 0 when neither can be read.
     */
    public static long available() {
        String given = System.getProperty(AVAILABLE_PROPERTY);
        if (given != null && !given.isBlank()) {
            try {
                return Long.parseLong(given.trim());
            } catch (NumberFormatException e) {
                throw new ClusterbyException.BadOption(AVAILABLE_PROPERTY, "must be a number of bytes, got '" + given + "'");
            }
        }
        long meminfo = readMemAvailable();
        long cgroup = cgroupRoom();
        if (meminfo <= 0) return cgroup;
        return cgroup > 0 ? Math.min(meminfo, cgroup) : meminfo;
    }

    private static long readMemAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static long cgroupRoom() {
        try {
            String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
            if (max.equals("max")) return 0;
            long current = Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory.current")).trim());
            return Math.max(1, Long.parseLong(max) - current);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int k(Map<String, ?> params, long n) {
        Object k = params.get("k");
        if (k == null) return 8;
        try {
            return Math.max(1, Integer.parseInt(k.toString().trim()));
        } catch (NumberFormatException e) {
            // k=auto: the largest k it may try.
            return Math.max(2, intParam(params, "k-max", (int) Math.min(20, Math.max(2, n - 1))));
        }
    }

    private static int sample(Map<String, ?> params) {
        Object value = params.get("sample");
        if (value == null || "auto".equalsIgnoreCase(value.toString().trim())) return KMeans.SAMPLE_AUTO;
        if ("all".equalsIgnoreCase(value.toString().trim())) return KMeans.SAMPLE_ALL;
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return KMeans.SAMPLE_AUTO; // the method reports the bad value itself
        }
    }

    private static int intParam(Map<String, ?> params, String key, int fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Bytes in words: {@code 1.5 GB}, {@code 820 MB}. */
    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        return String.format(Locale.ROOT, "%d MB", Math.max(1, bytes >> 20));
    }
}
