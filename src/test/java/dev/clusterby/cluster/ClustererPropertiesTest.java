package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties every registered clusterer keeps on every backend that runs here, on seeded blobs with real
 * structure: the same partition after an offset of up to 1e6 (and after scaling by 1e-6 or 1e6 where the method
 * is scale-free), after shuffling the rows (labels move with their rows), with duplicated rows and constant
 * columns; k = 1 and k = n; and the same partition on every backend for the same seed. Runs in the Vector API's
 * test JVM (pom.xml), so the {@code java} backend is among them; a backend that cannot load here is left out
 * with its reason printed once.
 */
class ClustererPropertiesTest {
    private static final Arena ARENA = Arena.ofShared();
    /** Methods whose labels do not depend on the data's units (gmm's reg-covar and rbf's gamma are absolute). */
    private static final List<String> SCALE_FREE = List.of("kmeans", "minibatch-kmeans", "hierarchical", "spectral");

    @AfterAll
    static void close() {
        ARENA.close();
    }

    private static List<ComputeBackend> backends;

    /** The backends that run here; those that cannot are reported once and skipped. */
    static synchronized List<ComputeBackend> backends() {
        if (backends != null) return backends;
        List<ComputeBackend> out = new ArrayList<>();
        for (String name : ComputeBackends.names()) {
            try {
                out.add(ComputeBackends.get(name));
            } catch (ClusterbyException.Unavailable e) {
                System.err.println("ClustererPropertiesTest: backend " + name + " left out: " + e.getMessage());
            }
        }
        backends = List.copyOf(out);
        return backends;
    }

    /** Every registered method (built-in and test plug-ins that cluster points) with the params its test uses. */
    static Map<String, Map<String, Object>> methods() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String name : Clusterers.names()) {
            if (name.equals("threshold")) continue; // a test plug-in that thresholds one column, not a clusterer of blobs
            // hdbscan has no k: clusters of at least 10 rows (the blobs have 20), and noise rows joined to their
            // nearest cluster so that every row has a cluster to compare.
            out.put(name, name.equals("hdbscan") ? Map.of("seed", 7, "min-cluster-size", 10, "noise", "assign") : Map.of("seed", 7));
        }
        out.put("hierarchical-complete", Map.of("linkage", "complete"));
        out.put("hierarchical-average", Map.of("linkage", "average"));
        out.put("hierarchical-single", Map.of("linkage", "single"));
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (ComputeBackend backend : backends()) {
            for (var method : methods().entrySet()) out.add(Arguments.of(method.getKey(), method.getValue(), backend));
        }
        return out.stream();
    }

    /** Density methods find their own number of clusters. */
    private static boolean takesK(String key) {
        return !key.equals("hdbscan");
    }

    private static String methodName(String key) {
        return key.startsWith("hierarchical") ? "hierarchical" : key;
    }

    private static int[] fit(String key, Map<String, Object> params, int k, double[][] rows, ComputeBackend backend) {
        Map<String, Object> p = new HashMap<>(params);
        if (takesK(key)) p.put("k", k);
        Clusterer<?> clusterer = Clusterers.create(methodName(key), p);
        return clusterer.fit(matrix(rows), backend).labels();
    }

    /** Three blobs 12 apart with unit spread in 3-D, 20 rows each, in a seeded shuffled order. */
    static double[][] blobs(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = {{0, 0, 0}, {12, 0, 0}, {0, 12, 3}};
        double[][] rows = new double[60][3];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 3; j++) rows[i][j] = centres[i % 3][j] + (random.nextDouble() - 0.5) * 2;
        }
        return rows;
    }

    static FloatMatrix matrix(double[][] rows) {
        FloatMatrix m = Segments.matrix(ARENA, rows.length, rows[0].length);
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < rows[i].length; j++) m.set(i, j, (float) rows[i][j]);
        return m;
    }

    static double[][] map(double[][] rows, java.util.function.DoubleUnaryOperator f) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = java.util.Arrays.stream(rows[i]).map(f).toArray();
        return out;
    }

    /** Whether two labelings are the same partition (equal up to renaming the clusters). */
    static boolean samePartition(int[] a, int[] b) {
        if (a.length != b.length) return false;
        Map<Integer, Integer> ab = new HashMap<>(), ba = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            Integer x = ab.putIfAbsent(a[i], b[i]), y = ba.putIfAbsent(b[i], a[i]);
            if (x != null && x != b[i] || y != null && y != a[i]) return false;
        }
        return true;
    }

    private static void assertPartition(int[] expected, int[] actual, String what) {
        assertTrue(samePartition(expected, actual), what + ": expected the partition "
                + java.util.Arrays.toString(expected) + " but got " + java.util.Arrays.toString(actual));
    }

    /** The blobs are found: each of the three true groups is one cluster. */
    private static void assertFindsBlobs(int[] labels, String what) {
        int[] truth = new int[labels.length];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 3;
        assertPartition(truth, labels, what);
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void offsetsUpToAMillionLeaveThePartition(String key, Map<String, Object> params, ComputeBackend backend) {
        double[][] rows = blobs(1);
        int[] base = fit(key, params, 3, rows, backend);
        assertFindsBlobs(base, key + " at the origin");
        for (double offset : new double[] {1e3, 1e5, 1e6, -1e6}) {
            assertPartition(base, fit(key, params, 3, map(rows, v -> v + offset), backend), key + " offset by " + offset);
        }
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void scaleFreeMethodsIgnoreUnits(String key, Map<String, Object> params, ComputeBackend backend) {
        Assumptions.assumeTrue(SCALE_FREE.contains(methodName(key)), key + " has an absolute parameter (not scale-free)");
        double[][] rows = blobs(2);
        int[] base = fit(key, params, 3, rows, backend);
        for (double scale : new double[] {1e-6, 1e6, 1e-20, 1e20}) {
            assertPartition(base, fit(key, params, 3, map(rows, v -> v * scale), backend), key + " scaled by " + scale);
        }
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void shuffledRowsKeepTheirClusters(String key, Map<String, Object> params, ComputeBackend backend) {
        double[][] rows = blobs(3);
        int[] base = fit(key, params, 3, rows, backend);
        int[] order = new int[rows.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(11);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double[][] shuffled = new double[rows.length][];
        for (int i = 0; i < order.length; i++) shuffled[i] = rows[order[i]];
        int[] labels = fit(key, params, 3, shuffled, backend);
        int[] back = new int[rows.length];
        for (int i = 0; i < order.length; i++) back[order[i]] = labels[i];
        assertPartition(base, back, key + " on shuffled rows");
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void duplicatesAndConstantColumns(String key, Map<String, Object> params, ComputeBackend backend) {
        double[][] rows = blobs(4);
        double[][] doubled = new double[rows.length * 2][];
        for (int i = 0; i < rows.length; i++) doubled[i] = doubled[i + rows.length] = rows[i];
        int[] labels = fit(key, params, 3, doubled, backend);
        for (int i = 0; i < rows.length; i++) assertEquals(labels[i], labels[i + rows.length], key + ": duplicate of row " + i);
        assertFindsBlobs(java.util.Arrays.copyOf(labels, rows.length), key + " with every row twice");

        double[][] widened = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) widened[i] = new double[] {rows[i][0], 42, rows[i][1], rows[i][2], -7};
        assertFindsBlobs(fit(key, params, 3, widened, backend), key + " with two constant columns");
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void oneClusterAndOneClusterPerRow(String key, Map<String, Object> params, ComputeBackend backend) {
        Assumptions.assumeTrue(takesK(key), key + " has no k");
        double[][] rows = java.util.Arrays.copyOf(blobs(5), 12);
        int[] one = fit(key, params, 1, rows, backend);
        assertArrayEquals(new int[rows.length], one, key + " k=1");
        int[] each = fit(key, params, rows.length, rows, backend);
        assertEquals(rows.length, java.util.Arrays.stream(each).distinct().count(), key + " k=n gives every row its own cluster: "
                + java.util.Arrays.toString(each));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methodKeys")
    void everyBackendFindsTheSamePartition(String key) {
        Map<String, Object> params = methods().get(key);
        double[][] rows = map(blobs(6), v -> v + 1e5);
        int[] reference = null;
        for (ComputeBackend backend : backends()) {
            int[] labels = fit(key, params, 3, rows, backend);
            if (reference == null) reference = labels;
            else assertPartition(reference, labels, key + " on " + backend.name());
        }
    }

    static Stream<String> methodKeys() {
        return methods().keySet().stream();
    }

    /** The reported case: 100 prices near 100000 and 100 near 100010, k=2, split in two on every backend. */
    @Test
    void pricesNearAHundredThousandSplitOnEveryBackend() {
        double[][] rows = new double[200][1];
        for (int i = 0; i < 200; i++) rows[i][0] = (i < 100 ? 100000 : 100010) + (i % 100) * 0.01;
        int[] truth = new int[200];
        for (int i = 100; i < 200; i++) truth[i] = 1;
        for (ComputeBackend backend : backends()) {
            for (String key : methods().keySet()) {
                assertPartition(truth, fit(key, methods().get(key), 2, rows, backend), key + " on " + backend.name());
            }
        }
    }

    /**
     * One row at 1e20 or ±3e38 (the rest near the origin): no overflow; the centroid and linkage methods put that row
     * alone, and every method gives the same partition on every backend.
     */
    @Test
    void hugeFiniteRowsAreHandledAlikeOnEveryBackend() {
        for (double huge : new double[] {1e20, 1e38, -3e38}) {
            double[][] rows = blobs(7);
            rows[5] = new double[] {huge, huge / 2, 0};
            int[] alone = new int[rows.length];
            alone[5] = 1;
            for (String key : methods().keySet()) {
                int[] reference = null;
                for (ComputeBackend backend : backends()) {
                    String what = key + " on " + backend.name() + " with a row at " + huge;
                    int[] labels;
                    try {
                        labels = fit(key, methods().get(key), 2, rows, backend);
                    } catch (ClusterbyException.InvalidData e) {
                        // A mixture cannot give a lone point a covariance: a clear error is its answer, alike everywhere.
                        assertEquals("gmm", key, what + ": " + e.getMessage());
                        labels = new int[0];
                    }
                    // hdbscan: a lone far row is noise, which noise=assign joins to the nearest cluster.
                    if (!key.equals("gmm") && !key.equals("spectral") && takesK(key)) assertPartition(alone, labels, what);
                    if (labels.length == 0) labels = new int[] {-1};
                    // Spectral beyond 1e20: float32 cannot hold the other rows' differences beside that row (they
                    // coincide), so its knn graph is all ties and which tie wins is the backend's: checked at 1e20 only.
                    // hdbscan likewise: its backend kNN sees the same ties (distances are then recomputed in double,
                    // but among tied neighbours), so its partition is checked against other backends at 1e20 only.
                    boolean tiesOnly = (key.equals("spectral") || key.equals("hdbscan")) && Math.abs(huge) > 1e30;
                    if (reference == null) reference = labels;
                    else if (!tiesOnly) assertPartition(reference, labels, what + " (against the first backend)");
                }
            }
        }
    }

    /** Centroids come back in the data's own coordinates, however far from the origin it lies. */
    @Test
    void centroidsAreReportedInTheUsersCoordinates() {
        double[][] rows = map(blobs(8), v -> v + 1e6);
        KMeans.Model model = KMeans.fit(matrix(rows), KMeans.Options.of(3).withSeed(3), ComputeBackends.get("scalar"));
        for (int c = 0; c < 3; c++) {
            float[] centroid = model.centroid(c);
            assertTrue(centroid[0] > 1e6 - 2 && centroid[0] < 1e6 + 14, "centroid " + java.util.Arrays.toString(centroid));
        }
        int[] again = model.predict(matrix(rows), ComputeBackends.get("scalar"));
        assertArrayEquals(model.labels(), again, "predict on the training rows far from the origin");
    }
}
