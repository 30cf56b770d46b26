package dev.clusterby.cluster;

import dev.clusterby.internal.cluster.Clusterers;
import dev.clusterby.ClusterResult;
import dev.clusterby.ClusterSpec;
import dev.clusterby.Clustering;
import dev.clusterby.ClusterbyException;
import dev.clusterby.TensorColumn;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Users' own clusterers: registered by name through ServiceLoader, or passed as an object. */
class CustomClustererTest {
    private static final float[][] ROWS = {{-2, 0}, {3, 1}, {-1, 5}, {4, -1}, {0.5f, 2}};

    @Test
    void serviceLoaderProviderIsUsedByName() {
        assertTrue(Clusterers.names().contains("threshold"), Clusterers.names().toString());
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            ClusterResult<?> result = Clustering.fit(column, ClusterSpec.defaults().withMethod("threshold")
                    .withParams(Map.of("cut", 1.0)).withBackend("scalar"));
            assertArrayEquals(new int[]{0, 1, 0, 1, 0}, result.model().labels());
            assertEquals("threshold", result.method());
            // Its params are checked like a built-in's.
            ClusterbyException e = assertThrows(ClusterbyException.BadOption.class,
                    () -> Clusterers.create("threshold", Map.of("cutoff", 1)));
            assertTrue(e.getMessage().contains("cutoff") && e.getMessage().contains("cut"), e.getMessage());
        }
    }

    @Test
    void clustererObjectIsUsedDirectly() {
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            ClusterResult<?> result = Clustering.fit(column, ClusterSpec.defaults()
                    .withClusterer(new ThresholdClusterer(1, 1.5)).withBackend("scalar"));
            assertArrayEquals(new int[]{0, 0, 1, 0, 1}, result.model().labels());
            assertEquals(2, result.k());
            assertTrue(result.model().diagnostics().isEmpty());
            assertThrows(UnsupportedOperationException.class, () -> result.model().predict(null, null));
        }
    }

    @Test
    void providerOptionsTakeTheTypedPath() {
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            ClusterResult<ThresholdClusterer.Fit> result = Clustering.fit(column,
                    ClusterSpec.defaults().withOptions(new ThresholdClusterer.Options(0, 1.0)).withBackend("scalar"));
            assertArrayEquals(new int[]{0, 1, 0, 1, 0}, result.model().labels());
            assertEquals(1.0, result.model().cut());
            assertEquals("threshold", result.method());
            // The typed options and the map read by the provider are the same thing.
            assertEquals(new ThresholdClusterer.Options(0, 1.0), Clusterers.options("threshold", Map.of("cut", 1.0)));
            assertEquals(Map.of("column", 0, "cut", 1.0), new ThresholdClusterer.Options(0, 1.0).toParams());
            // Every method accepts seed, a third-party one too.
            assertEquals(new ThresholdClusterer.Options(0, 1.0), Clusterers.options("threshold", Map.of("cut", 1.0, "seed", 7)));
        }
    }

    @Test
    void clustererObjectKeepsItsModelType() {
        try (TensorColumn column = TensorColumn.of("v", ROWS)) {
            ClusterResult<ThresholdClusterer.Fit> result = Clustering.fit(column, ClusterSpec.defaults()
                    .withClusterer(new ThresholdClusterer(1, 1.5)).withBackend("scalar"));
            assertEquals(1.5, result.model().cut());
        }
    }

    @Test
    void unknownNamesListTheRegisteredOnes() {
        ClusterbyException e = assertThrows(ClusterbyException.UnknownName.class,
                () -> Clusterers.create("dbscan", Map.of()));
        for (String name : new String[]{"kmeans", "minibatch-kmeans", "gmm", "threshold"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }
}
