package dev.clusterby.cluster;

import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.Metrics;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.compute.java.ScalarBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class KMeansTest {
    private final ComputeBackend backend = new ScalarBackend();

    /** Gaussian blobs around well-separated centres; returns the true labels. */
    static int[] blobs(FloatMatrix out, int k, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = new double[k][out.cols()];
        for (double[] centre : centres) for (int j = 0; j < centre.length; j++) centre[j] = random.nextDouble(-20, 20);
        int[] truth = new int[out.rows()];
        for (int i = 0; i < out.rows(); i++) {
            truth[i] = i % k;
            for (int j = 0; j < out.cols(); j++) {
                out.set(i, j, (float) (centres[truth[i]][j] + spread * gaussian(random)));
            }
        }
        return truth;
    }

    static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void recoversWellSeparatedBlobs() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data = Segments.matrix(arena, 600, 5);
            int[] truth = blobs(data, 4, 1.0, 3);
            KMeans.Model model = KMeans.fit(data, KMeans.Options.of(4), backend);
            assertEquals(1.0, Metrics.adjustedRandIndex(truth, model.labels()), 1e-12);
            assertTrue(model.converged());
            assertEquals(4, model.k());
            // Inertia equals the sum of squared distances to the assigned centroids.
            double inertia = 0;
            for (int i = 0; i < 600; i++) {
                for (int j = 0; j < 5; j++) {
                    double diff = data.get(i, j) - model.centroids()[model.labels()[i] * 5 + j];
                    inertia += diff * diff;
                }
            }
            assertEquals(inertia, model.inertia(), 1e-3 * inertia);
            assertArrayEquals(model.labels(), model.predict(data, backend));
        }
    }

    @Test
    void sameSeedSameLabels() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data = Segments.matrix(arena, 300, 3);
            blobs(data, 6, 6.0, 11);
            KMeans.Options options = new KMeans.Options(6, 50, 1e-4, 99, 2, false);
            assertArrayEquals(KMeans.fit(data, options, backend).labels(), KMeans.fit(data, options, backend).labels());
        }
    }

    @Test
    void sphericalClustersUnitVectorsByDirection() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data = Segments.matrix(arena, 200, 2);
            for (int i = 0; i < 200; i++) {
                double angle = (i % 2 == 0 ? 0.2 : 2.0) + 0.05 * Math.sin(i);
                double radius = 1;
                data.set(i, 0, (float) (radius * Math.cos(angle)));
                data.set(i, 1, (float) (radius * Math.sin(angle)));
            }
            KMeans.Model model = KMeans.fit(data, new KMeans.Options(2, 100, 1e-6, 1, 1, true), backend);
            for (int i = 2; i < 200; i++) assertEquals(model.labels()[i % 2], model.labels()[i]);
            assertNotEquals(model.labels()[0], model.labels()[1]);
        }
    }

    @Test
    void badOptionsNameTheOption() {
        ClusterbyException e = assertThrows(ClusterbyException.BadOption.class, () -> new KMeans.Options(0, 10, 1e-4, 1, 1, false));
        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
        e = assertThrows(ClusterbyException.BadOption.class, () -> new KMeans.Options(2, 10, Double.NaN, 1, 1, false));
        assertTrue(e.getMessage().contains("'tol'"), e.getMessage());
        e = assertThrows(ClusterbyException.BadOption.class, () -> Clusterers.create("kmeans", Map.of("k", 3, "kk", 4)));
        assertTrue(e.getMessage().contains("kk"), e.getMessage());
        e = assertThrows(ClusterbyException.UnknownName.class, () -> Clusterers.create("dbscan", Map.of()));
        assertTrue(e.getMessage().contains("kmeans"), e.getMessage());
    }

    @Test
    void kLargerThanRowsIsAClearError() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data = Segments.matrix(arena, 3, 2);
            blobs(data, 1, 1, 1);
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class,
                    () -> KMeans.fit(data, KMeans.Options.of(5), backend));
            assertTrue(e.getMessage().contains("k=5") && e.getMessage().contains("3 rows"), e.getMessage());
        }
    }

    @Test
    void nInitDefaultFollowsTheSizeRuleAndAnExplicitValueWins() {
        // clamp(floor(5e8 / (n·k·d)), 1, 10); benchmarks/RESULTS-defaults.md
        assertEquals(10, KMeans.defaultNInit(150, 8, 4));
        assertEquals(10, KMeans.defaultNInit(5000, 100, 100));      // n·k·d = 5e7
        assertEquals(6, KMeans.defaultNInit(10_000, 10, 784));      // 7.8e7
        assertEquals(1, KMeans.defaultNInit(60_000, 10, 784));
        assertEquals(1, KMeans.defaultNInit(100_000, 256, 128));
        assertEquals(KMeans.AUTO_N_INIT, KMeans.Options.of(3).nInit());
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data = Segments.matrix(arena, 300, 5);
            blobs(data, 6, 6.0, 11);
            KMeans.Model rule = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", 6)))).fit(data, backend);
            KMeans.Model ten = KMeans.fit(data, new KMeans.Options(6, 300, 1e-4, 42, 10, false), backend);
            assertEquals(ten.inertia(), rule.inertia(), 0);
            assertEquals(rule.inertia(), new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", 6, "n-init", "auto")))).fit(data, backend).inertia(), 0);
            KMeans.Model one = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", 6, "n-init", 1)))).fit(data, backend);
            assertEquals(KMeans.fit(data, new KMeans.Options(6, 300, 1e-4, 42, 1, false), backend).inertia(), one.inertia(), 0);
            assertThrows(ClusterbyException.BadOption.class, () -> new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", 6, "n-init", 0)))));
        }
    }
}
