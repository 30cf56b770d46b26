package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import dev.clusterby.internal.compute.java.ScalarBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;
import static dev.clusterby.internal.compute.Segments.LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite every backend runs (Lucene style): each kernel against {@link ScalarBackend} on seeded
 * Gaussian blobs plus noise. A subclass supplies {@link #backend()} and skips with {@code Assumptions.assumeTrue}
 * when its backend cannot load here.
 *
 * <p>Shapes: n ∈ {1, 7, 1000, 4099}, d ∈ {1, 3, 64, 385}, k ∈ {1, 5, 257}. The O(n·k·d) kernels (assign, diagonal
 * E-step, diagonal moments) run every combination; the others run every combination whose reference cost stays
 * under {@link #COST_BUDGET} multiply-adds (full covariance is O(n·k·d²), knn O(n²·d)), which still covers every
 * n, d and k value (knn takes one k per (n, d), cycling), so the reference's share stays near ten seconds.
 *
 * <p>Tolerances scale with d: float32 kernels may reorder sums or expand ‖x−c‖² = ‖x‖² − 2x·c + ‖c‖², whose error
 * grows with the norms, not with the (possibly tiny) distance. Labels may differ only where the reference's two
 * candidates are within tolerance of each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    static final int[] NS = {1, 7, 1000, 4099};
    static final int[] DS = {1, 3, 64, 385};
    static final int[] KS = {1, 5, 257};
    /** Multiply-adds one reference call may cost before a shape is left out of a super-linear kernel. */
    static final long COST_BUDGET = 120_000_000L;

    private static final ScalarBackend REFERENCE = ScalarBackend.create();

    private final Arena arena = Arena.ofShared();

    /** The backend under test; skip with {@code Assumptions.assumeTrue(available, "why")} when it cannot run. */
    protected abstract ComputeBackend backend();

    /** What the backend is compared against. */
    protected ComputeBackend reference() {
        return REFERENCE;
    }

    @AfterAll
    void freeTestData() {
        arena.close();
    }

    // ---- shapes ----

    static Stream<Arguments> allShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int n : NS) for (int d : DS) for (int k : KS) out.add(Arguments.of(n, d, k));
        return out.stream();
    }

    /** Full-covariance kernels: O(n·k·d²). */
    static Stream<Arguments> fullShapes() {
        return allShapes().filter(a -> {
            long n = (int) a.get()[0], d = (int) a.get()[1], k = (int) a.get()[2];
            return n * k * d * d <= COST_BUDGET / 10;
        });
    }

    /** knn: O(n²·d), needs n ≥ 2; one k per (n, d), cycling through KS, and m = min(k, n − 1). */
    static Stream<Arguments> knnShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int a = 0; a < NS.length; a++) {
            for (int b = 0; b < DS.length; b++) {
                long n = NS[a], d = DS[b];
                if (n >= 2 && n * n * d <= COST_BUDGET) out.add(Arguments.of(NS[a], DS[b], KS[(a + b) % KS.length]));
            }
        }
        return out.stream();
    }

    /** O(n·d) kernels do not depend on k. */
    static Stream<Arguments> rowShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int n : NS) for (int d : DS) out.add(Arguments.of(n, d));
        return out.stream();
    }

    // ---- assignment ----

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void assignL2MatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 11);
        FloatMatrix centroids = data.centroids(k);
        Assigned expected = assignL2(reference(), data.points, centroids);
        Assigned actual = assignL2(backend(), data.points, centroids);
        for (int i = 0; i < n; i++) {
            double scale = sqNorm(data.points, i) + sqNorm(centroids, expected.labels[i]);
            double tol = tolerance(d, expected.values[i], scale);
            assertClose(expected.values[i], actual.values[i], tol, "min distance of row " + i);
            if (actual.labels[i] != expected.labels[i]) {
                assertLabelInRange(actual.labels[i], k, i);
                double other = sqDistance(data.points, i, centroids, actual.labels[i]);
                assertTrue(other <= expected.values[i] + tol, "row " + i + ": label " + actual.labels[i]
                        + " at distance " + other + " but the reference found " + expected.labels[i] + " at " + expected.values[i]);
            }
        }
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void distancesL2MatchReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 13);
        FloatMatrix centroids = data.centroids(k);
        FloatMatrix expected = Segments.matrix(arena, n, k), actual = Segments.matrix(arena, n, k);
        fillGarbage(actual.data(), (long) n * k * 4);
        reference().distancesL2(data.points, centroids, expected);
        backend().distancesL2(data.points, centroids, actual);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double scale = sqNorm(data.points, i) + sqNorm(centroids, c);
                assertClose(expected.get(i, c), actual.get(i, c), tolerance(d, expected.get(i, c), scale),
                        "distance [" + i + "," + c + "]");
                assertTrue(actual.get(i, c) >= 0, "distances are clamped at 0");
            }
        }
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void assignCosineMatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 12);
        FloatMatrix points = normalised(data.points);
        FloatMatrix centroids = normalised(data.centroids(k));
        Assigned expected = assignCosine(reference(), points, centroids);
        Assigned actual = assignCosine(backend(), points, centroids);
        for (int i = 0; i < n; i++) {
            double tol = tolerance(d, expected.values[i], 2);
            assertClose(expected.values[i], actual.values[i], tol, "max similarity of row " + i);
            if (actual.labels[i] != expected.labels[i]) {
                assertLabelInRange(actual.labels[i], k, i);
                double other = dot(points, i, centroids, actual.labels[i]);
                assertTrue(other >= expected.values[i] - tol, "row " + i + ": label " + actual.labels[i]
                        + " at similarity " + other + " but the reference found " + expected.labels[i] + " at " + expected.values[i]);
            }
        }
    }

    @Test
    void tiesGoToTheLowerIndex() {
        int d = 16;
        FloatMatrix points = Segments.matrix(arena, 3, d);
        FloatMatrix centroids = Segments.matrix(arena, 40, d);
        // Every centroid is the same vector, so every distance ties: label 0 must win, on every code path.
        for (int c = 0; c < 40; c++) for (int j = 0; j < d; j++) centroids.set(c, j, 0.25f * (j % 3));
        for (int i = 0; i < 3; i++) for (int j = 0; j < d; j++) points.set(i, j, 0.5f * i + j % 2);
        Assigned l2 = assignL2(backend(), points, centroids);
        Assigned cosine = assignCosine(backend(), points, centroids);
        assertArrayEquals(new int[3], l2.labels);
        assertArrayEquals(new int[3], cosine.labels);
        // Exact duplicates of a point: the distance is 0 (never negative) at the first copy.
        FloatMatrix twins = Segments.matrix(arena, 40, d);
        for (int c = 0; c < 40; c++) for (int j = 0; j < d; j++) twins.set(c, j, c < 7 ? 9f : points.get(2, j));
        Assigned exact = assignL2(backend(), points, twins);
        assertEquals(7, exact.labels[2]);
        assertEquals(0f, exact.values[2], 1e-4f * d);
        assertTrue(exact.values[2] >= 0, "distances are clamped at 0");
    }

    @Test
    void rejectsMismatchedWidths() {
        FloatMatrix points = Segments.matrix(arena, 4, 3);
        FloatMatrix centroids = Segments.matrix(arena, 2, 5);
        ComputeBackend backend = backend();  // outside the lambda, so a skip is a skip
        assertThrows(IllegalArgumentException.class, () -> backend.assignL2(points, centroids,
                Segments.ints(arena, 4), Segments.floats(arena, 4)));
    }

    // ---- accumulation and a whole k-means loop ----

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void accumulateMatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 13);
        MemorySegment labels = Segments.ints(arena, n);
        SplittableRandom random = new SplittableRandom(5);
        // Mostly valid labels, some outside 0..k-1 that must be skipped.
        for (int i = 0; i < n; i++) labels.setAtIndex(INT, i, random.nextInt(10) == 0 ? (i % 2 == 0 ? -1 : k) : random.nextInt(k));
        MemorySegment sums = Segments.doubles(arena, (long) k * d), counts = Segments.longs(arena, k);
        MemorySegment sums2 = Segments.doubles(arena, (long) k * d), counts2 = Segments.longs(arena, k);
        fillGarbage(sums2, (long) k * d * 8);
        fillGarbage(counts2, (long) k * 8);
        reference().accumulate(data.points, labels, k, sums, counts);
        backend().accumulate(data.points, labels, k, sums2, counts2);
        assertArrayEquals(counts.asSlice(0, k * 8L).toArray(LONG), counts2.asSlice(0, k * 8L).toArray(LONG), "counts");
        assertAllClose(Segments.toDoubleArray(sums, k * d), Segments.toDoubleArray(sums2, k * d), 1e-9, 1e-9, "sums");
    }

    @Test
    void kMeansLoopGivesIdenticalLabels() {
        int n = 3000, d = 24, k = 6;
        Data data = new Data(n, d, k, 14, false);
        int[] expected = lloyd(reference(), data, k, 6);
        int[] actual = lloyd(backend(), data, k, 6);
        assertArrayEquals(expected, actual, "labels after 6 Lloyd iterations on well-separated blobs");
    }

    private int[] lloyd(ComputeBackend backend, Data data, int k, int iterations) {
        int n = data.points.rows(), d = data.points.cols();
        FloatMatrix centroids = Segments.matrix(arena, k, d);
        // Start from the first point of each blob, so both runs start identically and stay separated.
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) centroids.set(c, j, data.points.get(c, j));
        MemorySegment labels = Segments.ints(arena, n), distances = Segments.floats(arena, n);
        MemorySegment sums = Segments.doubles(arena, (long) k * d), counts = Segments.longs(arena, k);
        for (int it = 0; it < iterations; it++) {
            backend.assignL2(data.points, centroids, labels, distances);
            backend.accumulate(data.points, labels, k, sums, counts);
            for (int c = 0; c < k; c++) {
                long count = counts.getAtIndex(LONG, c);
                if (count == 0) continue;
                for (int j = 0; j < d; j++) centroids.set(c, j, (float) (sums.getAtIndex(DOUBLE, (long) c * d + j) / count));
            }
        }
        return Segments.toIntArray(labels, n);
    }

    // ---- GMM ----

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void gmmEStepDiagMatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 15);
        FloatMatrix means = data.centroids(k);
        FloatMatrix precisions = Segments.matrix(arena, k, d);
        SplittableRandom random = new SplittableRandom(6);
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) precisions.set(c, j, (float) (0.5 + 1.5 * random.nextDouble()));
        MemorySegment logNorm = logNorm(k, d, random);
        FloatMatrix expected = Segments.matrix(arena, n, k), actual = Segments.matrix(arena, n, k);
        fillGarbage(actual.data(), actual.byteSize());
        double expectedLl = reference().gmmEStepDiag(data.points, means, precisions, logNorm, expected);
        double actualLl = backend().gmmEStepDiag(data.points, means, precisions, logNorm, actual);
        assertResponsibilities(expected, actual, expectedLl, actualLl, d);
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("fullShapes")
    void gmmEStepFullMatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 16);
        FloatMatrix means = data.centroids(k);
        SplittableRandom random = new SplittableRandom(7);
        // Upper-triangular factors with a positive diagonal, like scikit-learn's precisions_cholesky_.
        MemorySegment cholesky = Segments.floats(arena, (long) k * d * d);
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < d; r++) {
                for (int col = 0; col < d; col++) {
                    float v = r == col ? (float) (0.7 + random.nextDouble()) : r < col ? (float) (0.3 * random.nextGaussian() / Math.sqrt(d)) : 0f;
                    cholesky.setAtIndex(FLOAT, (long) c * d * d + (long) r * d + col, v);
                }
            }
        }
        MemorySegment logNorm = logNorm(k, d, random);
        FloatMatrix expected = Segments.matrix(arena, n, k), actual = Segments.matrix(arena, n, k);
        fillGarbage(actual.data(), actual.byteSize());
        double expectedLl = reference().gmmEStepFull(data.points, means, cholesky, logNorm, expected);
        double actualLl = backend().gmmEStepFull(data.points, means, cholesky, logNorm, actual);
        assertResponsibilities(expected, actual, expectedLl, actualLl, d);
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("allShapes")
    void gmmMomentsDiagMatchesReference(int n, int d, int k) {
        checkMoments(n, d, k, false);
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("fullShapes")
    void gmmMomentsFullMatchesReference(int n, int d, int k) {
        checkMoments(n, d, k, true);
    }

    private void checkMoments(int n, int d, int k, boolean full) {
        Data data = new Data(n, d, k, 17);
        FloatMatrix r = Segments.matrix(arena, n, k);
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            double[] row = new double[k];
            for (int c = 0; c < k; c++) sum += row[c] = random.nextDouble() * random.nextDouble();
            for (int c = 0; c < k; c++) r.set(i, c, (float) (row[c] / sum));
        }
        long xx = full ? (long) k * d * d : (long) k * d;
        MemorySegment nk = Segments.doubles(arena, k), sumX = Segments.doubles(arena, (long) k * d), sumXX = Segments.doubles(arena, xx);
        MemorySegment nk2 = Segments.doubles(arena, k), sumX2 = Segments.doubles(arena, (long) k * d), sumXX2 = Segments.doubles(arena, xx);
        fillGarbage(nk2, k * 8L);
        fillGarbage(sumX2, (long) k * d * 8);
        fillGarbage(sumXX2, xx * 8);
        reference().gmmMoments(data.points, r, full, nk, sumX, sumXX);
        backend().gmmMoments(data.points, r, full, nk2, sumX2, sumXX2);
        // Float64 accumulation in any order: relative to the largest entry, the sums agree closely.
        assertAllClose(Segments.toDoubleArray(nk, k), Segments.toDoubleArray(nk2, k), 1e-5, 0, "nk");
        assertAllClose(Segments.toDoubleArray(sumX, k * d), Segments.toDoubleArray(sumX2, k * d), 1e-5, 0, "sumX");
        assertAllClose(Segments.toDoubleArray(sumXX, (int) xx), Segments.toDoubleArray(sumXX2, (int) xx), 1e-5, 0, "sumXX");
    }

    // ---- arenas ----

    /**
     * Segments confined to the calling thread work on every backend, with the same results as shared ones: a backend
     * that runs kernels on worker threads must stage them (the java backend copies them through a shared arena).
     */
    @Test
    void kernelsAcceptSegmentsConfinedToTheCaller() {
        int n = 1000, d = 64, k = 5, m = 4;
        Data data = new Data(n, d, k, 21);
        FloatMatrix centroids = data.centroids(k);
        FloatMatrix resp = Segments.matrix(arena, n, k);
        double sharedLl = backend().gmmEStepDiag(data.points, centroids, ones(arena, k, d), logNorm(k, d, new SplittableRandom(3)), resp);
        MemorySegment labels = Segments.ints(arena, n), dist = Segments.floats(arena, n);
        backend().assignL2(data.points, centroids, labels, dist);
        MemorySegment nk = Segments.doubles(arena, k), sumX = Segments.doubles(arena, (long) k * d), sumXX = Segments.doubles(arena, (long) k * d);
        backend().gmmMoments(data.points, resp, false, nk, sumX, sumXX);
        MemorySegment nnIdx = Segments.ints(arena, (long) n * m), nnDist = Segments.floats(arena, (long) n * m);
        backend().knn(data.points, m, nnIdx, nnDist);
        try (Arena confined = Arena.ofConfined()) {
            FloatMatrix points = copyOf(data.points, confined), cents = copyOf(centroids, confined);
            FloatMatrix resp2 = Segments.matrix(confined, n, k);
            double ll = backend().gmmEStepDiag(points, cents, ones(confined, k, d),
                    copyOf(logNorm(k, d, new SplittableRandom(3)), k * 8L, confined), resp2);
            assertEquals(sharedLl, ll, 1e-9 * Math.abs(sharedLl), "log-likelihood");
            assertArrayEquals(resp.toArray(), resp2.toArray(), "responsibilities");
            MemorySegment labels2 = Segments.ints(confined, n), dist2 = Segments.floats(confined, n);
            backend().assignL2(points, cents, labels2, dist2);
            assertArrayEquals(Segments.toIntArray(labels, n), Segments.toIntArray(labels2, n), "labels");
            MemorySegment nk2 = Segments.doubles(confined, k), sumX2 = Segments.doubles(confined, (long) k * d),
                    sumXX2 = Segments.doubles(confined, (long) k * d);
            backend().gmmMoments(points, resp2, false, nk2, sumX2, sumXX2);
            assertArrayEquals(Segments.toDoubleArray(sumXX, k * d), Segments.toDoubleArray(sumXX2, k * d), "sumXX");
            MemorySegment nnIdx2 = Segments.ints(confined, (long) n * m), nnDist2 = Segments.floats(confined, (long) n * m);
            backend().knn(points, m, nnIdx2, nnDist2);
            assertArrayEquals(Segments.toIntArray(nnIdx, n * m), Segments.toIntArray(nnIdx2, n * m), "neighbours");
        }
    }

    private static FloatMatrix ones(Arena in, int rows, int cols) {
        FloatMatrix out = Segments.matrix(in, rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out.set(i, j, 1f);
        return out;
    }

    private static FloatMatrix copyOf(FloatMatrix m, Arena in) {
        FloatMatrix out = Segments.matrix(in, m.rows(), m.cols());
        MemorySegment.copy(m.data(), 0, out.data(), 0, m.byteSize());
        return out;
    }

    private static MemorySegment copyOf(MemorySegment s, long bytes, Arena in) {
        MemorySegment out = in.allocate(bytes, 64);
        MemorySegment.copy(s, 0, out, 0, bytes);
        return out;
    }

    // ---- instruction mask and neighbours ----

    @ParameterizedTest(name = "n={0} d={1}")
    @MethodSource("rowShapes")
    void meanAbsGradientMatchesReference(int n, int d) {
        Data data = new Data(n, d, 3, 18);
        MemorySegment t = Segments.floats(arena, d);
        SplittableRandom random = new SplittableRandom(9);
        for (int j = 0; j < d; j++) t.setAtIndex(FLOAT, j, (float) random.nextGaussian());
        for (ComputeBackend.Similarity similarity : ComputeBackend.Similarity.values()) {
            MemorySegment expected = Segments.doubles(arena, d), actual = Segments.doubles(arena, d);
            fillGarbage(actual, d * 8L);
            reference().meanAbsGradient(data.points, t, similarity, expected);
            backend().meanAbsGradient(data.points, t, similarity, actual);
            assertAllClose(Segments.toDoubleArray(expected, d), Segments.toDoubleArray(actual, d), 1e-5, 1e-5, similarity.name());
        }
    }

    @ParameterizedTest(name = "n={0} d={1} k={2}")
    @MethodSource("knnShapes")
    void knnMatchesReference(int n, int d, int k) {
        Data data = new Data(n, d, k, 19);
        int m = Math.min(k, n - 1);
        MemorySegment ei = Segments.ints(arena, (long) n * m), ed = Segments.floats(arena, (long) n * m);
        MemorySegment ai = Segments.ints(arena, (long) n * m), ad = Segments.floats(arena, (long) n * m);
        reference().knn(data.points, m, ei, ed);
        backend().knn(data.points, m, ai, ad);
        for (int i = 0; i < n; i++) {
            int[] seen = new int[m];
            for (int s = 0; s < m; s++) {
                long at = (long) i * m + s;
                int index = ai.getAtIndex(INT, at);
                float expected = ed.getAtIndex(FLOAT, at), actual = ad.getAtIndex(FLOAT, at);
                double tol = tolerance(d, expected, 2 * sqNorm(data.points, i) + 2 * sqNorm(data.points, ei.getAtIndex(INT, at)));
                int row = i, slot = s;
                assertClose(expected, actual, tol, "distance " + s + " of row " + i);
                assertTrue(index >= 0 && index < n && index != i, () -> "row " + row + " slot " + slot + ": bad index " + index);
                if (index != ei.getAtIndex(INT, at)) {
                    double true_ = sqDistance(data.points, i, data.points, index);
                    assertClose(expected, true_, tol, "row " + i + " slot " + s + ": index " + index + " is not a tie");
                }
                if (s > 0) assertTrue(actual >= ad.getAtIndex(FLOAT, at - 1) - tol, "nearest first in row " + i);
                seen[s] = index;
            }
            int distinct = (int) Arrays.stream(seen).distinct().count();
            assertEquals(m, distinct, "row " + i + " lists a neighbour twice");
        }
    }

    @Test
    void knnRejectsTooManyNeighbours() {
        FloatMatrix points = Segments.matrix(arena, 4, 2);
        ComputeBackend backend = backend();
        assertThrows(IllegalArgumentException.class, () -> backend.knn(points, 4, Segments.ints(arena, 16), Segments.floats(arena, 16)));
    }

    @Test
    void describesItself() {
        assertNotEquals("", backend().name());
        assertNotEquals("", backend().device());
    }

    // ---- helpers ----

    record Assigned(int[] labels, float[] values) {}

    private Assigned assignL2(ComputeBackend backend, FloatMatrix points, FloatMatrix centroids) {
        int n = points.rows();
        MemorySegment labels = Segments.ints(arena, n), values = Segments.floats(arena, n);
        fillGarbage(labels, n * 4L);
        fillGarbage(values, n * 4L);
        backend.assignL2(points, centroids, labels, values);
        return new Assigned(Segments.toIntArray(labels, n), values.asSlice(0, n * 4L).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
    }

    private Assigned assignCosine(ComputeBackend backend, FloatMatrix points, FloatMatrix centroids) {
        int n = points.rows();
        MemorySegment labels = Segments.ints(arena, n), values = Segments.floats(arena, n);
        fillGarbage(labels, n * 4L);
        backend.assignCosine(points, centroids, labels, values);
        return new Assigned(Segments.toIntArray(labels, n), values.asSlice(0, n * 4L).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
    }

    /** Tolerance for a float32 result built from d-term sums whose terms are as large as {@code scale}. */
    static double tolerance(int d, double value, double scale) {
        double rel = 1e-5 * Math.sqrt(d);
        return rel * Math.abs(value) + rel * Math.abs(scale) + 1e-6;
    }

    private void assertResponsibilities(FloatMatrix expected, FloatMatrix actual, double expectedLl, double actualLl, int d) {
        int n = expected.rows(), k = expected.cols();
        double tol = 1e-4 * Math.sqrt(d) + 1e-5;
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int c = 0; c < k; c++) {
                float e = expected.get(i, c), a = actual.get(i, c);
                rowSum += a;
                assertClose(e, a, tol, "responsibility [" + i + "," + c + "]");
            }
            assertClose(1.0, rowSum, 1e-4 * Math.sqrt(k), "row " + i + " sums to 1");
        }
        assertClose(expectedLl, actualLl, 1e-4 * Math.sqrt(d) * Math.abs(expectedLl) + 1e-3 * n, "log-likelihood");
    }

    private static void assertClose(double expected, double actual, double tol, String what) {
        if (!(Math.abs(expected - actual) <= tol)) fail(what + ": expected " + expected + " but got " + actual + " (tolerance " + tol + ")");
    }

    /** Each entry within rel·max|expected| + abs·|expected| + 1e-12. */
    private static void assertAllClose(double[] expected, double[] actual, double relToMax, double relEach, String what) {
        double max = 0;
        for (double v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], relToMax * max + relEach * Math.abs(expected[i]) + 1e-12, what + "[" + i + "]");
        }
    }

    private static void assertLabelInRange(int label, int k, int row) {
        assertTrue(label >= 0 && label < k, () -> "row " + row + ": label " + label + " outside 0.." + (k - 1));
    }

    private static double sqNorm(FloatMatrix m, int row) {
        double s = 0;
        for (int j = 0; j < m.cols(); j++) s += (double) m.get(row, j) * m.get(row, j);
        return s;
    }

    private static double sqDistance(FloatMatrix a, int i, FloatMatrix b, int c) {
        double s = 0;
        for (int j = 0; j < a.cols(); j++) {
            double diff = (double) a.get(i, j) - b.get(c, j);
            s += diff * diff;
        }
        return s;
    }

    private static double dot(FloatMatrix a, int i, FloatMatrix b, int c) {
        double s = 0;
        for (int j = 0; j < a.cols(); j++) s += (double) a.get(i, j) * b.get(c, j);
        return s;
    }

    private FloatMatrix normalised(FloatMatrix m) {
        FloatMatrix out = Segments.matrix(arena, m.rows(), m.cols());
        for (int i = 0; i < m.rows(); i++) {
            double norm = Math.sqrt(sqNorm(m, i));
            for (int j = 0; j < m.cols(); j++) out.set(i, j, (float) (m.get(i, j) / norm));
        }
        return out;
    }

    private MemorySegment logNorm(int k, int d, SplittableRandom random) {
        MemorySegment logNorm = Segments.doubles(arena, k);
        for (int c = 0; c < k; c++) logNorm.setAtIndex(DOUBLE, c, Math.log(0.1 + random.nextDouble()) + 0.1 * d * random.nextDouble());
        return logNorm;
    }

    /** Outputs are fully overwritten, so stale garbage must not leak through. */
    private static void fillGarbage(MemorySegment segment, long bytes) {
        segment.asSlice(0, bytes).fill((byte) 0x7f);
    }

    /** Gaussian blobs plus noise: never zeros, a few far-off points, blobs well separated relative to their spread. */
    final class Data {
        final FloatMatrix points;
        private final float[][] blobCentres;
        private final SplittableRandom random;

        Data(int n, int d, int blobs, long seed) {
            this(n, d, blobs, seed, true);
        }

        Data(int n, int d, int blobs, long seed, boolean outliers) {
            random = new SplittableRandom(seed * 1_000_003L + n * 31L + d);
            blobCentres = new float[Math.max(blobs, 1)][d];
            for (float[] centre : blobCentres) for (int j = 0; j < d; j++) centre[j] = (float) (3 * random.nextGaussian());
            points = Segments.matrix(arena, n, d);
            for (int i = 0; i < n; i++) {
                // The first rows visit every blob in order, which the k-means loop uses as its start.
                float[] centre = blobCentres[i < blobCentres.length ? i : random.nextInt(blobCentres.length)];
                double spread = outliers && random.nextInt(50) == 0 ? 4 : 0.3;
                for (int j = 0; j < d; j++) points.set(i, j, (float) (centre[j] + spread * random.nextGaussian() + 0.01));
            }
        }

        /** k centroids: blob centres jittered, then random points, so labels are meaningful and some nearly tie. */
        FloatMatrix centroids(int k) {
            int d = points.cols();
            FloatMatrix centroids = Segments.matrix(arena, k, d);
            for (int c = 0; c < k; c++) {
                float[] base = c < blobCentres.length ? blobCentres[c] : null;
                int row = random.nextInt(points.rows());
                for (int j = 0; j < d; j++) {
                    float v = base != null ? base[j] : points.get(row, j);
                    centroids.set(c, j, (float) (v + 0.2 * random.nextGaussian()));
                }
            }
            return centroids;
        }
    }
}
