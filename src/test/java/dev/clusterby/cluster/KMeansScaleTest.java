package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The large-input parts of k-means on real data: fit on a sample then assign all, the seedings, the options. */
class KMeansScaleTest {
    private final ComputeBackend backend = ComputeBackends.defaultBackend();

    @Test
    void aSampledFitLabelsEveryRowAndSaysSo() {
        try (Arena arena = Arena.ofConfined()) {
            RealData digits = RealData.digits(arena);
            int n = digits.x().rows();
            KMeans.Options options = KMeans.Options.of(10).withSample(600);
            KMeans.Model sampled = KMeans.fit(digits.x(), options, backend);
            assertEquals(600, sampled.sample());
            assertEquals(600, sampled.diagnostics().get("sample"));
            assertTrue(sampled.toString().contains(" sample=600"), sampled.toString());
            assertEquals(n, sampled.labels().length);
            // The labels and inertia are those of every row against the final centroids.
            assertArrayEquals(sampled.predict(digits.x(), backend), sampled.labels());
            assertEquals(ScaleTuning.objective(digits.x(), sampled, backend), sampled.inertia(), 1e-6 * sampled.inertia());

            KMeans.Model full = KMeans.fit(digits.x(), options.withSample(KMeans.SAMPLE_ALL), backend);
            assertEquals(0, full.sample());
            assertFalse(full.diagnostics().containsKey("sample"));
            assertTrue(sampled.inertia() <= full.inertia() * 1.03, sampled.inertia() + " vs all rows " + full.inertia());

            // Full iterations after the sample only lower the objective (Lloyd never raises it).
            KMeans.Model refined = KMeans.fit(digits.x(), options.withFullIter(3), backend);
            assertTrue(refined.inertia() <= sampled.inertia() * (1 + 1e-9), refined.inertia() + " vs " + sampled.inertia());
            assertEquals(600, refined.sample());
        }
    }

    @Test
    void theDefaultSamplesOnlyLargeJobs() {
        assertEquals(1797, KMeans.sampleSize(1797, 10, 64, KMeans.SAMPLE_AUTO), "small work: every row");
        assertEquals(256 * 256, KMeans.sampleSize(1_000_000, 256, 384, KMeans.SAMPLE_AUTO));
        assertEquals(1_000_000, KMeans.sampleSize(1_000_000, 256, 384, KMeans.SAMPLE_ALL));
        assertEquals(50_000, KMeans.sampleSize(50_000, 256, 384, KMeans.SAMPLE_AUTO), "n ≤ 256·k: every row");
        assertEquals(5000, KMeans.sampleSize(1_000_000, 256, 384, 5000));
    }

    @Test
    void seedingOnASampleAndKMeansParallelReachTheObjectiveOfFullSeeding() {
        try (Arena arena = Arena.ofConfined()) {
            RealData digits = RealData.digits(arena);
            // k=4: k-means++ on 1024 of the 1797 rows (what large jobs do), then Lloyd on all of them.
            KMeans.Options plusPlus = new KMeans.Options(4, 300, 1e-4, 3, 5, false).withSample(KMeans.SAMPLE_ALL);
            double full = 0, sampled = 0, parallel = 0;
            for (int seed = 0; seed < 5; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                full += KMeans.lloydFrom(digits.x(), plusPlus, KMeansSeeding.plusPlus(digits.x(), null, 4, random, backend), backend).inertia();
                int[] rows = KMeansSeeding.sample(digits.x().rows(), 256 * 4, random);
                float[] onSample = KMeansSeeding.plusPlus(KMeansSeeding.gather(digits.x(), rows, 0, rows.length, arena), null, 4, random, backend);
                sampled += KMeans.lloydFrom(digits.x(), plusPlus, onSample, backend).inertia();
                parallel += KMeans.fit(digits.x(), plusPlus.withSeed(seed).withNInit(1).withInit(KMeans.INIT_PARALLEL), backend).inertia();
            }
            assertTrue(sampled <= full * 1.02, "sampled seeding " + sampled / full);
            assertTrue(parallel <= full * 1.02, "k-means|| " + parallel / full);
        }
    }

    @Test
    void weightedKMeansPlusPlusFollowsTheWeights() {
        try (Arena arena = Arena.ofConfined()) {
            RealData iris = RealData.iris(arena);
            float[] weights = new float[iris.x().rows()];
            weights[7] = 1;
            weights[120] = 1;
            float[] centres = KMeansSeeding.plusPlus(iris.x(), weights, 2, new SplittableRandom(1), backend);
            Set<Float> firsts = new HashSet<>(Set.of(centres[0], centres[4]));
            assertEquals(Set.of(iris.x().get(7, 0), iris.x().get(120, 0)), firsts, "only rows of positive weight are chosen");
        }
    }

    @Test
    void samplesAreDistinctSortedAndCoverTheRange() {
        int[] rows = KMeansSeeding.sample(1000, 300, new SplittableRandom(5));
        assertEquals(300, Arrays.stream(rows).distinct().count());
        for (int i = 1; i < rows.length; i++) assertTrue(rows[i - 1] < rows[i]);
        assertTrue(rows[0] < 50 && rows[rows.length - 1] > 950, "spread over the rows");
        assertEquals(10, KMeansSeeding.sample(10, 20, new SplittableRandom(5)).length);
    }

    @Test
    void optionsReadWriteAndCheckTheNewKeys() {
        KMeans.Options read = KMeans.Options.fromParams(Params.of(Map.of("k", 5, "sample", "all", "full-iter", 2, "init", "k-means||")));
        assertEquals(KMeans.SAMPLE_ALL, read.sample());
        assertEquals(2, read.fullIter());
        assertEquals(KMeans.INIT_PARALLEL, read.init());
        assertEquals(read, KMeans.Options.fromParams(Params.of(read.toParams())));
        assertEquals("auto", KMeans.Options.of(3).toParams().get("sample"));
        assertEquals(700, KMeans.Options.fromParams(Params.of(Map.of("sample", 700))).sample());
        ClusterbyException e = assertThrows(ClusterbyException.BadOption.class,
                () -> KMeans.Options.fromParams(Params.of(Map.of("k", 5, "sample", 3))));
        assertTrue(e.getMessage().contains("sample"), e.getMessage());
        e = assertThrows(ClusterbyException.BadOption.class, () -> KMeans.Options.fromParams(Params.of(Map.of("sample", 0))));
        assertTrue(e.getMessage().contains("sample"), e.getMessage());
        e = assertThrows(ClusterbyException.BadOption.class, () -> KMeans.Options.fromParams(Params.of(Map.of("init", "random"))));
        assertTrue(e.getMessage().contains("init") && e.getMessage().contains("random"), e.getMessage());
        e = assertThrows(ClusterbyException.BadOption.class, () -> KMeans.Options.fromParams(Params.of(Map.of("full-iter", -1))));
        assertTrue(e.getMessage().contains("full-iter"), e.getMessage());
    }

    @Test
    void aSampledFitRunsOnTheSphericalPathToo() {
        try (Arena arena = Arena.ofConfined()) {
            RealData digits = RealData.digits(arena);
            FloatMatrix x = digits.x();
            KMeans.Options options = new KMeans.Options(5, 100, 1e-4, 1, 1, true).withSample(500);
            FloatMatrix unit = dev.clusterby.internal.compute.Segments.matrix(arena, x.rows(), x.cols());
            for (int i = 0; i < x.rows(); i++) {
                double norm = 0;
                for (int j = 0; j < x.cols(); j++) norm += x.get(i, j) * x.get(i, j);
                for (int j = 0; j < x.cols(); j++) unit.set(i, j, (float) (x.get(i, j) / Math.sqrt(norm)));
            }
            KMeans.Model model = KMeans.fit(unit, options, backend);
            assertEquals(500, model.sample());
            assertArrayEquals(model.predict(unit, backend), model.labels());
        }
    }
}
