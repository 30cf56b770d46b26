package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Metrics;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** HDBSCAN's core on generated blobs with uniform noise: against Tribuo, exact against approximate, invariants. */
class HdbscanTest {
    private static final ComputeBackend BACKEND = ComputeBackends.defaultBackend();

    /** Well-separated Gaussian blobs (σ 1, centres 12 apart on a grid) plus uniform noise over their box. */
    record Blobs(float[] x, int n, int d, int[] truth) {
        FloatMatrix matrix(Arena arena) {
            FloatMatrix m = Segments.matrix(arena, n, d);
            MemorySegment.copy(x, 0, m.data(), FloatMatrix.FLOAT, 0, x.length);
            return m;
        }
    }

    static Blobs blobs(int centres, int perBlob, int noise, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = centres * perBlob + noise;
        float[] x = new float[n * d];
        int[] truth = new int[n];
        double[][] c = new double[centres][d];
        for (int b = 0; b < centres; b++) for (int j = 0; j < d; j++) c[b][j] = 12.0 * ((b >> (j % 4)) & 1) + (j >= 4 ? 12.0 * ((b >> 2) & 1) : 0) + random.nextDouble() * 2;
        for (int b = 0; b < centres; b++) {
            for (int p = 0; p < perBlob; p++) {
                int i = b * perBlob + p;
                truth[i] = b;
                for (int j = 0; j < d; j++) x[i * d + j] = (float) (c[b][j] + gaussian(random));
            }
        }
        for (int i = centres * perBlob; i < n; i++) {
            truth[i] = -1;
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (-6 + random.nextDouble() * 30);
        }
        return new Blobs(x, n, d, truth);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static Hdbscan.Options plain(int mcs, int ms) {
        return Hdbscan.Options.defaults().withMinClusterSize(mcs).withMinSamples(ms).withReduce(Hdbscan.Options.NO_REDUCE);
    }

    @Test
    void agreesWithTribuoOnBlobsWithUniformNoise() {
        for (long seed : new long[]{1, 2, 3}) {
            Blobs blobs = blobs(4, 250, 100, 2 + (int) seed, seed);
            try (Arena arena = Arena.ofShared()) {
                Hdbscan.Model ours = Hdbscan.fit(blobs.matrix(arena), plain(15, 15), BACKEND);
                int[] theirs = TribuoHdbscan.labels(blobs.x(), blobs.n(), blobs.d(), 15, 15, 1);
                double ari = Metrics.adjustedRandIndex(ours.labels(), theirs);
                assertTrue(ari >= 0.95, "seed " + seed + ": ARI against Tribuo " + ari + "; ours " + ours);
                assertEquals(4, ours.k(), ours.toString());
                assertTrue(Metrics.adjustedRandIndex(ours.labels(), blobs.truth()) > 0.9);
            }
        }
    }

    @Test
    void approximateTreeMatchesTheExactOne() {
        Blobs blobs = blobs(6, 400, 300, 4, 7);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = blobs.matrix(arena);
            Hdbscan.Model exact = Hdbscan.fit(m, plain(20, 10).withTree(Hdbscan.Tree.EXACT), BACKEND);
            Hdbscan.Model approx = Hdbscan.fit(m, plain(20, 10).withTree(Hdbscan.Tree.APPROXIMATE), BACKEND);
            assertTrue(exact.exactTree());
            assertFalse(approx.exactTree());
            assertTrue(Metrics.adjustedRandIndex(exact.labels(), approx.labels()) >= 0.99,
                    exact + " / " + approx);
        }
    }

    @Test
    void probabilitiesScoresAndTreeAreConsistent() {
        Blobs blobs = blobs(4, 200, 80, 3, 11);
        try (Arena arena = Arena.ofShared()) {
            Hdbscan.Model model = Hdbscan.fit(blobs.matrix(arena), plain(10, 5), BACKEND);
            int n = blobs.n();
            int[] labels = model.labels();
            for (int i = 0; i < n; i++) {
                double p = model.probabilities()[i], s = model.outlierScores()[i];
                assertTrue(p >= 0 && p <= 1 && s >= 0 && s <= 1, "row " + i);
                if (labels[i] < 0) assertEquals(0, p);
                else assertTrue(p > 0);
            }
            // Every row leaves the tree exactly once; the root's entries hold all n rows.
            Hdbscan.CondensedTree tree = model.condensedTree();
            int[] seen = new int[n];
            long rootRows = 0;
            for (int e = 0; e < tree.size(); e++) {
                if (tree.child()[e] < n) seen[tree.child()[e]]++;
                if (tree.parent()[e] == n) rootRows += tree.childSize()[e];
                assertTrue(tree.child()[e] > tree.parent()[e] || tree.child()[e] < n);
            }
            for (int i = 0; i < n; i++) assertEquals(1, seen[i]);
            assertEquals(n, rootRows);
            // The uniform noise scores higher than the blobs on average (GLOSH).
            double blobScore = 0, noiseScore = 0;
            for (int i = 0; i < n; i++) if (blobs.truth()[i] < 0) noiseScore += model.outlierScores()[i]; else blobScore += model.outlierScores()[i];
            assertTrue(noiseScore / 80 > 2 * blobScore / 800, noiseScore / 80 + " vs " + blobScore / 800);
            // Rows with a cluster share a label only with rows of one true blob, mostly.
            assertTrue(Metrics.adjustedRandIndex(labels, blobs.truth()) > 0.9);
        }
    }

    @Test
    void noiseHandling() {
        Blobs blobs = blobs(4, 200, 100, 3, 5);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = blobs.matrix(arena);
            Hdbscan.Model keep = Hdbscan.fit(m, plain(15, 15), BACKEND);
            assertTrue(keep.noiseCount() > 50, keep.toString());
            Hdbscan.Model assign = Hdbscan.fit(m, plain(15, 15).withNoise(Hdbscan.Noise.ASSIGN), BACKEND);
            assertEquals(0, assign.noiseCount());
            assertArrayEquals(keep.outlierScores(), assign.outlierScores());
            for (int i = 0; i < blobs.n(); i++) if (keep.labels()[i] >= 0) assertEquals(keep.labels()[i], assign.labels()[i]);
            Hdbscan.Model target = Hdbscan.fit(m, plain(15, 15).withNoise(Hdbscan.Noise.target(5)), BACKEND);
            assertTrue(target.noiseCount() <= 0.05 * blobs.n() && target.noiseCount() >= 0.05 * blobs.n() - 1, target.toString());
            // The rows left as noise are the most outlying of the original noise.
            double maxAssigned = 0, minLeft = 1;
            for (int i = 0; i < blobs.n(); i++) {
                if (keep.labels()[i] >= 0) continue;
                if (target.labels()[i] < 0) minLeft = Math.min(minLeft, keep.outlierScores()[i]);
                else maxAssigned = Math.max(maxAssigned, keep.outlierScores()[i]);
            }
            assertTrue(minLeft >= maxAssigned);
        }
    }

    @Test
    void approximatePredictLabelsTrainingRowsAndFarPointsAsNoise() {
        Blobs blobs = blobs(4, 250, 0, 3, 9);
        try (Arena arena = Arena.ofShared()) {
            Hdbscan.Model model = Hdbscan.fit(blobs.matrix(arena), plain(15, 10), BACKEND);
            int[] again = model.predict(blobs.matrix(arena), BACKEND);
            int agree = 0, clustered = 0;
            for (int i = 0; i < blobs.n(); i++) {
                if (model.labels()[i] < 0) continue;
                clustered++;
                if (again[i] == model.labels()[i]) agree++;
            }
            assertTrue(agree >= 0.97 * clustered, agree + " of " + clustered);
            FloatMatrix far = Segments.matrix(arena, 1, 3);
            for (int j = 0; j < 3; j++) far.set(0, j, 500f);
            assertEquals(-1, model.predict(far, BACKEND)[0]);
        }
    }

    @Test
    void leafSelectionAndEpsilon() {
        Blobs blobs = blobs(4, 200, 50, 2, 3);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = blobs.matrix(arena);
            Hdbscan.Model eom = Hdbscan.fit(m, plain(10, 5), BACKEND);
            Hdbscan.Model leaf = Hdbscan.fit(m, plain(10, 5).withSelection(Hdbscan.Selection.LEAF), BACKEND);
            assertTrue(leaf.k() >= eom.k(), leaf + " / " + eom);
            // ε larger than the blobs' spacing merges everything below the root's children.
            Hdbscan.Model merged = Hdbscan.fit(m, plain(10, 5).withSelection(Hdbscan.Selection.LEAF).withEpsilon(1000), BACKEND);
            assertTrue(merged.k() <= 2 && merged.k() >= 1, merged.toString());
        }
    }

    @Test
    void optionsRoundTripAndBadValuesNameTheKey() {
        Hdbscan.Options options = Hdbscan.Options.fromParams(Params.of(Map.of("min-cluster-size", 12, "noise", "target:10",
                "reduce", "8", "metric", "cosine", "cluster-selection", "leaf")));
        assertEquals(options, Hdbscan.Options.fromParams(Params.of(options.toParams())));
        assertEquals(Hdbscan.Options.defaults(), Clusterers.options("hdbscan", Map.of()));
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(Map.of("min-cluster-size", 1),
                Map.of("noise", "drop"), Map.of("reduce", "1"), Map.of("metric", "manhattan"),
                Map.of("cluster-selection", "top"), Map.of("cluster-selection-epsilon", -1), Map.of("noise", "target:120"))) {
            ClusterbyException.BadOption e = assertThrows(ClusterbyException.BadOption.class,
                    () -> Clusterers.options("hdbscan", bad));
            assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
        }
    }

    @Test
    void sizeRules() {
        assertEquals(48, Hdbscan.defaultMinClusterSize(479));
        assertEquals(10, Hdbscan.defaultMinClusterSize(70));
        assertEquals(250, Hdbscan.defaultMinClusterSize(10_000));
        assertEquals(250, Hdbscan.defaultMinClusterSize(1_000_000));
        assertEquals(5, Hdbscan.defaultMinClusterSize(10));
        assertTrue(Arrays.stream(new int[]{2, 10, 100}).allMatch(s -> Hdbscan.defaultMinSamples(s) >= 2));
    }
}
