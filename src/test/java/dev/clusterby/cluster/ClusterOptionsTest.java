package dev.clusterby.cluster;

import dev.clusterby.ClusterResult;
import dev.clusterby.ClusterSpec;
import dev.clusterby.Clustering;
import dev.clusterby.ClusterbyException;
import dev.clusterby.TensorColumn;
import dev.clusterby.internal.cluster.Clusterers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Typed options and the string map are one path: same validation, same spelling, round trips, seed everywhere. */
class ClusterOptionsTest {
    /** Three well separated pairs of points. */
    private static final float[][] ROWS = {{0, 0}, {0.1f, 0}, {5, 5}, {5.1f, 5}, {10, 0}, {10.1f, 0}, {0, 0.2f},
            {5, 5.2f}, {10, 0.2f}, {0.2f, 0.1f}, {5.2f, 5.1f}, {10.2f, 0.1f}, {0.1f, 0.1f}, {5.1f, 5.1f}, {10.1f, 0.1f}};

    private static List<ClusterOptions<?>> builtIns() {
        return List.of(KMeans.Options.of(3), KMeans.Options.autoK(2, 5).withSeed(3), MiniBatchKMeans.Options.of(3),
                GaussianMixture.Options.of(3).withCovariance(GaussianMixture.Covariance.DIAG), GaussianMixture.Options.autoK(1, 4),
                Agglomerative.Options.of(3), Agglomerative.Options.atDistance(2.5).withLinkage(Agglomerative.Linkage.AVERAGE),
                Spectral.Options.of(3).withNeighbors(4));
    }

    @Test
    void optionsRoundTripThroughTheMap() {
        for (ClusterOptions<?> options : builtIns()) {
            Map<String, Object> map = options.toParams();
            assertEquals(options, Clusterers.options(options.method(), map), options.method() + " " + map);
            for (String key : map.keySet()) {
                assertTrue(key.equals(key.toLowerCase()) && !key.contains("_"), "kebab-case key " + key);
            }
            assertTrue(Clustering.methods().contains(options.method()), options.method());
        }
    }

    @Test
    void camelCaseAliasesAreGone() {
        for (var alias : List.of(Map.entry("kmeans", "maxIter"), Map.entry("kmeans", "nInit"),
                Map.entry("spectral", "nNeighbors"), Map.entry("spectral", "nInit"), Map.entry("gmm", "n-components"))) {
            ClusterbyException e = assertThrows(ClusterbyException.BadOption.class,
                    () -> Clusterers.options(alias.getKey(), Map.of(alias.getValue(), 3)));
            assertTrue(e.getMessage().contains("not an option of " + alias.getKey() + "; its options are ["), e.getMessage());
            assertTrue(e.getMessage().contains(alias.getValue()), e.getMessage());
        }
    }

    @Test
    void typedAndMapPathsValidateAlike() {
        ClusterbyException typed = assertThrows(ClusterbyException.BadOption.class,
                () -> new KMeans.Options(3, 0, 1e-4, 42, 3, false));
        ClusterbyException mapped = assertThrows(ClusterbyException.BadOption.class,
                () -> Clusterers.options("kmeans", Map.of("k", 3, "max-iter", 0)));
        assertEquals(typed.getMessage(), mapped.getMessage());
        assertThrows(ClusterbyException.BadOption.class,
                () -> new GaussianMixture.Options(3, GaussianMixture.Covariance.FULL, 1e-6, 1e-3, 100, 1, 42, 3, 0));
    }

    @Test
    void everyRegisteredMethodAcceptsSeed() {
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            for (String method : Clustering.methods()) {
                Map<String, Object> params = method.equals("spectral") ? Map.of("k", 3, "seed", 1, "n-neighbors", 4)
                        : method.equals("threshold") ? Map.of("seed", 1, "cut", 3.0)
                        : method.equals("hdbscan") ? Map.of("seed", 1, "min-cluster-size", 2, "min-samples", 2)
                        : method.equals("minibatch-kmeans") ? Map.of("k", 3, "seed", 1, "batch-size", 8) : Map.of("k", 3, "seed", 1);
                ClusterResult<?> result = Clustering.fit(column, ClusterSpec.defaults().withMethod(method)
                        .withParams(params).withBackend("scalar"));
                assertEquals(ROWS.length, result.labels().size(), method);
                if (!method.equals("threshold")) {  // a third party's toString is its own
                    assertFalse(result.model().toString().contains("["), method + ": " + result.model());
                }
            }
        }
    }

    @Test
    void typedModelsNeedNoCast() {
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            ClusterResult<KMeans.Model> kmeans = Clustering.fit(column, KMeans.Options.of(3));
            float[] centroids = kmeans.model().centroids();
            assertEquals(3 * 2, centroids.length);
            centroids[0] = Float.NaN;  // a copy: the model is unchanged
            assertFalse(Float.isNaN(kmeans.model().centroids()[0]));
            assertEquals(kmeans.model().centroid(1)[1], kmeans.model().centroids()[3]);
            assertTrue(kmeans.model().inertia() < 1, kmeans.model().toString());
            assertTrue(kmeans.model().toString().startsWith("kmeans k=3 n=15 d=2 inertia="), kmeans.model().toString());

            ClusterResult<GaussianMixture.Model> gmm = Clustering.fit(column, ClusterSpec.defaults()
                    .withOptions(GaussianMixture.Options.of(3).withCovariance(GaussianMixture.Covariance.DIAG)).withBackend("scalar"));
            assertEquals(3 * 2, gmm.model().means().length);
            assertEquals(3 * 2, gmm.model().covariances().length);
            assertEquals(1.0, java.util.Arrays.stream(gmm.model().weights()).sum(), 1e-9);
            assertTrue(gmm.model().toString().startsWith("gmm(diag) k=3 n=15 d=2 lower-bound="), gmm.model().toString());

            ClusterResult<Agglomerative.Model> tree = Clustering.fit(column, Agglomerative.Options.of(3));
            assertEquals(ROWS.length - 1, tree.model().linkageMatrix().length);
            assertTrue(tree.model().toString().startsWith("hierarchical(ward) k=3 n=15"), tree.model().toString());

            ClusterResult<KMeans.Model> mini = Clustering.fit(column, new MiniBatchKMeans.Options(3, 8, 100, 0, 10, 3, 1, 0.01));
            assertTrue(mini.model().toString().startsWith("minibatch-kmeans k=3"), mini.model().toString());

            ClusterResult<Spectral.Model> spectral = Clustering.fit(column, Spectral.Options.of(3).withNeighbors(4));
            assertEquals(3, spectral.model().eigenvalues().length);
            assertTrue(spectral.model().toString().startsWith("spectral k=3 n=15"), spectral.model().toString());

            // The default spec is typed k-means; a name or map gives the general model type.
            ClusterResult<KMeans.Model> defaults = Clustering.fit(column, ClusterSpec.defaults().withEncoder("auto"));
            assertEquals(8 * 2, defaults.model().centroids().length);
            ClusterResult<Clusterer.Fitted> mapped = Clustering.fit(column, ClusterSpec.defaults().withParam("k", 3));
            assertInstanceOf(KMeans.Model.class, mapped.model());
        }
    }

    @Test
    void specWithOptionsReportsTheirMethodAndParams() {
        ClusterSpec<GaussianMixture.Model> spec = ClusterSpec.defaults().withOptions(GaussianMixture.Options.of(4));
        assertEquals("gmm", spec.method());
        assertEquals(4, spec.params().get("k"));
        // Another method by name drops the gmm settings rather than handing them to k-means.
        assertEquals(Map.of(), spec.withMethod("kmeans").params());
        assertEquals(5, spec.withParam("k", 5).params().get("k"));
        assertEquals("full", spec.withParam("k", 5).params().get("covariance"));
    }
}
