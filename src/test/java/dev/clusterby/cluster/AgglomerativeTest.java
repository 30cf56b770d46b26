package dev.clusterby.cluster;

import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.Metrics;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.cluster.Agglomerative.Linkage;
import dev.clusterby.cluster.Agglomerative.Merge;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Quality against scikit-learn 1.2.1 and the dendrogram's contract.
 *
 * <p>Every sklearn figure below was measured on 2026-11-27 with
 * {@code OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/hier_spectral_quality.py .}: the same float32
 * rows this test reads, {@code AgglomerativeClustering(n_clusters=k, linkage=L).fit_predict(X)}, then
 * {@code adjusted_rand_score(y, labels)}. We assert ARI ≥ sklearn − 0.03.
 */
class AgglomerativeTest {
    private final ComputeBackend backend = ComputeBackends.defaultBackend();

    // sklearn 1.2.1 ARIs, see the class comment.
    private static final Map<Linkage, Double> SKLEARN_DIGITS = Map.of(
            Linkage.WARD, 0.7940, Linkage.COMPLETE, 0.4287, Linkage.AVERAGE, 0.5142, Linkage.SINGLE, 0.0000);
    private static final Map<Linkage, Double> SKLEARN_IRIS = Map.of(
            Linkage.WARD, 0.7312, Linkage.COMPLETE, 0.6423, Linkage.AVERAGE, 0.7592, Linkage.SINGLE, 0.5638);
    /** The first 2000 Fashion-MNIST test images (pixels / 255): a subsample keeps the matrix linkages quick here. */
    private static final Map<Linkage, Double> SKLEARN_FASHION_2000 = Map.of(
            Linkage.WARD, 0.3258, Linkage.COMPLETE, 0.2670, Linkage.AVERAGE, 0.1622, Linkage.SINGLE, 0.0001);

    @Test
    void digitsMatchScikitLearn() {
        try (Arena arena = Arena.ofShared()) {
            assertQuality("digits", LabeledSets.digits(arena), 10, SKLEARN_DIGITS);
        }
    }

    @Test
    void irisMatchesScikitLearn() {
        try (Arena arena = Arena.ofShared()) {
            assertQuality("iris", LabeledSets.iris(arena), 3, SKLEARN_IRIS);
        }
    }

    @Test
    void fashionMnistSubsampleMatchesScikitLearn() {
        try (Arena arena = Arena.ofShared()) {
            assertQuality("fashion-mnist[0:2000]", LabeledSets.fashion(arena, 2000), 10, SKLEARN_FASHION_2000);
        }
    }

    private void assertQuality(String set, LabeledSets data, int k, Map<Linkage, Double> sklearn) {
        for (Linkage linkage : Linkage.values()) {
            Agglomerative.Model model = Agglomerative.fit(data.data(), Agglomerative.Options.of(k).withLinkage(linkage), backend);
            double ari = Metrics.adjustedRandIndex(data.labels(), model.labels());
            assertTrue(ari >= sklearn.get(linkage) - 0.03,
                    set + " " + linkage.id() + ": ARI " + ari + " < sklearn " + sklearn.get(linkage) + " - 0.03");
            assertEquals(k, Arrays.stream(model.labels()).distinct().count());
            assertDendrogram(model, data.data().rows());
        }
    }

    /** n−1 merges, non-decreasing heights, scipy numbering (each cluster used once, a < b, sizes add up). */
    private static void assertDendrogram(Agglomerative.Model model, int n) {
        List<Merge> merges = model.merges();
        assertEquals(n - 1, merges.size());
        int[] sizes = new int[2 * n - 1];
        Arrays.fill(sizes, 0, n, 1);
        boolean[] used = new boolean[2 * n - 1];
        for (int i = 0; i < merges.size(); i++) {
            Merge m = merges.get(i);
            if (i > 0) assertTrue(m.height() >= merges.get(i - 1).height(), "heights decrease at merge " + i);
            assertTrue(m.a() < m.b() && m.b() < n + i, "merge " + i + " joins " + m.a() + " and " + m.b());
            assertFalse(used[m.a()] || used[m.b()], "a cluster merged twice at merge " + i);
            used[m.a()] = used[m.b()] = true;
            sizes[n + i] = sizes[m.a()] + sizes[m.b()];
            assertEquals(sizes[n + i], m.size());
        }
        assertEquals(n, merges.getLast().size());
    }

    @Test
    void tinyLineMatchesScipyLinkage() {
        // scipy.cluster.hierarchy.linkage([[0],[1],[3],[7],[15]], method) (scipy 1.10, Debian), heights to 1e-6.
        double[][] ward = {{0, 1, 1.0, 2}, {2, 5, 2.8867513459481287, 3}, {3, 6, 6.940220937885671, 4}, {4, 7, 15.495160534825057, 5}};
        double[][] complete = {{0, 1, 1, 2}, {2, 5, 3, 3}, {3, 6, 7, 4}, {4, 7, 15, 5}};
        double[][] average = {{0, 1, 1, 2}, {2, 5, 2.5, 3}, {3, 6, 5.666666666666667, 4}, {4, 7, 12.25, 5}};
        double[][] single = {{0, 1, 1, 2}, {2, 5, 2, 3}, {3, 6, 4, 4}, {4, 7, 8, 5}};
        Map<Linkage, double[][]> expected = Map.of(Linkage.WARD, ward, Linkage.COMPLETE, complete, Linkage.AVERAGE, average,
                Linkage.SINGLE, single);
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix line = Segments.matrix(arena, 5, 1);
            float[] values = {0, 1, 3, 7, 15};
            for (int i = 0; i < 5; i++) line.set(i, 0, values[i]);
            for (Linkage linkage : Linkage.values()) {
                double[][] z = Agglomerative.fit(line, Agglomerative.Options.of(2).withLinkage(linkage), backend).linkageMatrix();
                for (int i = 0; i < 4; i++) {
                    assertEquals(expected.get(linkage)[i][0], z[i][0], linkage + " row " + i);
                    assertEquals(expected.get(linkage)[i][1], z[i][1], linkage + " row " + i);
                    assertEquals(expected.get(linkage)[i][2], z[i][2], 1e-6 * expected.get(linkage)[i][2], linkage + " row " + i);
                    assertEquals(expected.get(linkage)[i][3], z[i][3], linkage + " row " + i);
                }
            }
        }
    }

    @Test
    void cuttingBetweenTwoHeightsGivesTheExpectedClusters() {
        try (Arena arena = Arena.ofShared()) {
            LabeledSets digits = LabeledSets.digits(arena);
            int n = digits.data().rows();
            for (Linkage linkage : Linkage.values()) {
                Agglomerative.Model model = Agglomerative.fit(digits.data(), Agglomerative.Options.of(10).withLinkage(linkage), backend);
                List<Merge> merges = model.merges();
                for (int i : new int[] {n - 60, n - 11, n - 4, n / 2}) {
                    double low = merges.get(i).height(), high = merges.get(i + 1).height();
                    if (!(high > low)) continue; // a tie: no threshold separates them
                    double threshold = (low + high) / 2;
                    int expected = n - (i + 1); // merges 0..i stay, the rest are undone
                    assertEquals(expected, model.clustersAtDistance(threshold));
                    int[] labels = model.labelsAtDistance(threshold);
                    assertEquals(expected, Arrays.stream(labels).distinct().count(), linkage + " cut at " + threshold);
                    // Fitting with the threshold gives the same cut, as scikit-learn's distance_threshold does.
                    Agglomerative.Options byDistance = new Agglomerative.Options(0, threshold, linkage,
                            Agglomerative.Options.defaultMaxBytes());
                    Agglomerative.Model cut = Agglomerative.fit(digits.data(), byDistance, backend);
                    assertEquals(expected, cut.k());
                    assertArrayEquals(labels, cut.labels());
                }
                assertArrayEquals(model.labels(), model.labelsAt(10));
            }
        }
    }

    @Test
    void singleLinkageMatchesBruteForce() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 70, d = 3;
            FloatMatrix points = Segments.matrix(arena, n, d);
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) points.set(i, j, (float) random.nextDouble(-5, 5));
            Agglomerative.Model model = Agglomerative.fit(points,
                    Agglomerative.Options.of(1).withLinkage(Linkage.SINGLE), backend);
            // Brute force: repeatedly join the two clusters with the closest pair of points.
            List<List<Integer>> clusters = new ArrayList<>();
            for (int i = 0; i < n; i++) clusters.add(new ArrayList<>(List.of(i)));
            for (int step = 0; step < n - 1; step++) {
                int bestA = -1, bestB = -1;
                double best = Double.POSITIVE_INFINITY;
                for (int a = 0; a < clusters.size(); a++) {
                    for (int b = a + 1; b < clusters.size(); b++) {
                        for (int p : clusters.get(a)) {
                            for (int q : clusters.get(b)) {
                                double dist = Math.sqrt(PairwiseDistances.squared(points, p, q));
                                if (dist < best) {
                                    best = dist;
                                    bestA = a;
                                    bestB = b;
                                }
                            }
                        }
                    }
                }
                assertEquals(best, model.merges().get(step).height(), 1e-5, "height of merge " + step);
                clusters.get(bestA).addAll(clusters.remove(bestB));
                int k = clusters.size();
                int[] reference = new int[n];
                for (int c = 0; c < k; c++) for (int p : clusters.get(c)) reference[p] = c;
                assertEquals(1.0, Metrics.adjustedRandIndex(reference, model.labelsAt(k)), 1e-12, "partition at k=" + k);
            }
        }
    }

    @Test
    void wardOnCentroidsEqualsLanceWilliamsOnTheMatrix() {
        try (Arena arena = Arena.ofShared()) {
            LabeledSets digits = LabeledSets.digits(arena);
            List<Merge> centroids = Agglomerative.fit(digits.data(), Agglomerative.Options.of(10), backend).merges();
            List<Merge> matrix = Agglomerative.mergesWithMatrix(digits.data(), Agglomerative.Options.of(10));
            for (int i = 0; i < centroids.size(); i++) {
                assertEquals(matrix.get(i).height(), centroids.get(i).height(), 1e-5 * Math.max(1, matrix.get(i).height()));
            }
        }
    }

    @Test
    void sameInputSameLabels() {
        try (Arena arena = Arena.ofShared()) {
            LabeledSets iris = LabeledSets.iris(arena);
            for (Linkage linkage : Linkage.values()) {
                Agglomerative.Options options = Agglomerative.Options.of(3).withLinkage(linkage);
                assertArrayEquals(Agglomerative.fit(iris.data(), options, backend).labels(),
                        Agglomerative.fit(iris.data(), options, backend).labels());
            }
        }
    }

    @Test
    void optionsAreValidatedWithTheirNames() {
        assertTrue(assertThrows(ClusterbyException.BadOption.class, () -> Agglomerative.Options.of(0)).getMessage().contains("'k'"));
        String linkage = assertThrows(ClusterbyException.BadOption.class, () -> Linkage.of("centroid")).getMessage();
        assertTrue(linkage.contains("ward, complete, average, single"), linkage);
        assertThrows(ClusterbyException.BadOption.class,
                () -> new Agglomerative.Options(3, 1.5, Linkage.WARD, 1 << 20));
        assertThrows(ClusterbyException.BadOption.class, () -> Agglomerative.Options.atDistance(-1));
        assertThrows(ClusterbyException.BadOption.class, () -> Agglomerative.Options.of(2).withMaxBytes(0));
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix small = Segments.matrix(arena, 5, 2);
            String tooMany = assertThrows(ClusterbyException.InvalidData.class,
                    () -> Agglomerative.fit(small, Agglomerative.Options.of(6), backend)).getMessage();
            assertTrue(tooMany.contains("k=6") && tooMany.contains("5 rows"), tooMany);
            FloatMatrix big = Segments.matrix(arena, 3000, 2);
            String memory = assertThrows(ClusterbyException.InvalidData.class, () -> Agglomerative.fit(big,
                    Agglomerative.Options.of(2).withLinkage(Linkage.AVERAGE).withMaxBytes(1 << 20), backend)).getMessage();
            assertTrue(memory.contains("3000 rows") && memory.contains("17,994,000-byte") && memory.contains("linkage=single"), memory);
            // Ward and single need no matrix, so the limit does not apply to them.
            assertEquals(2, Agglomerative.fit(big, Agglomerative.Options.of(2).withMaxBytes(1 << 20), backend).k());
        }
    }

    @Test
    void registeredAsHierarchical() {
        try (Arena arena = Arena.ofShared()) {
            LabeledSets iris = LabeledSets.iris(arena);
            Clusterer<?> clusterer = Clusterers.create("hierarchical", Map.of("k", 3, "linkage", "average"));
            assertEquals("hierarchical(average)", clusterer.name());
            assertEquals(0.7592, Metrics.adjustedRandIndex(iris.labels(), clusterer.fitPredict(iris.data(), backend)), 0.03);
            Clusterer<?> byDistance = Clusterers.create("hierarchical", Map.of("distance-threshold", "10"));
            assertEquals(3, byDistance.fit(iris.data(), backend).k());
            assertThrows(ClusterbyException.BadOption.class, () -> Clusterers.create("hierarchical", Map.of("n-init", 3)));
        }
    }
}
