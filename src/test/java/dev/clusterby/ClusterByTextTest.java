package dev.clusterby;

import dev.clusterby.cluster.Clusterer;
import dev.clusterby.Metrics;
import dev.clusterby.internal.embed.EncoderStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** clusterBy end to end on real text with a real encoder, and the embedding cache around it. */
class ClusterByTextTest {
    @TempDir
    static Path folder;
    static Path reuters;

    @BeforeAll
    static void copyData() throws IOException {
        reuters = folder.resolve("reuters.csv");
        try (InputStream in = ClusterByTextTest.class.getResourceAsStream("/data/reuters-crude-acq.csv")) {
            Files.copy(in, reuters);
        }
    }

    private static ClusterSpec<Clusterer.Fitted> minilm(Path cache, int k) {
        return ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", k, "seed", 7)).withCacheDir(cache);
    }

    /** The default encoder (per-row quantised, batched) keeps Reuters' two topics apart, at any max tokens tested. */
    @Test
    void reutersSeparatesWithTheDefaultEncoderAtFullAndCutLength() {
        try (DataPanel panel = DataPanel.read(reuters)) {
            int[] truth = panel.groupBy("topic").labels().toIntArray(-1);
            for (int maxTokens : new int[] {0, 128}) {
                ClusterSpec<?> spec = ClusterSpec.defaults().withEncoder("bge-small").withParams(Map.of("k", 2, "seed", 7))
                        .withCacheDir(folder.resolve("cache-bge")).withMaxTokens(maxTokens);
                double ari = Metrics.adjustedRandIndex(truth, panel.clusterBy("text", spec).result().labels().toIntArray(-1));
                assertTrue(ari >= 0.9, "bge-small, max tokens " + maxTokens + ": ARI " + ari);
            }
        }
    }

    @Test
    void reutersCrudeVersusAcquisitionsSeparate() {
        Path cache = folder.resolve("cache-quality");
        try (DataPanel panel = DataPanel.read(reuters)) {
            assertEquals(70, panel.size());
            ClusterBy<?> cb = panel.clusterBy("text", minilm(cache, 2));
            int[] truth = panel.groupBy("topic").labels().toIntArray(-1);
            int[] labels = cb.result().labels().toIntArray(-1);
            double ari = Metrics.adjustedRandIndex(truth, labels);
            assertTrue(ari >= 0.9, "ARI " + ari);
            assertEquals("minilm(text)", cb.embeddingColumn());
            assertTrue(panel.columnNames(true).contains("minilm(text)"));
            assertFalse(panel.columnNames().contains("minilm(text)"));
            // The design note's aggregates: one value per cluster.
            Column latest = cb.column("date").max();
            assertEquals(2, latest.size());
            DataPanel perCluster = cb.aggregate(Map.of("words", Agg.MEAN, "date", Agg.MAX));
            assertEquals(List.of("cluster", "size", "date", "words").size(), perCluster.columnCount());
            assertTrue(perCluster.columnNames().containsAll(List.of("mean(words)", "max(date)")));
            assertEquals(70, perCluster.intColumn("size").getLong(0) + perCluster.intColumn("size").getLong(1));
            DataPanel labelled = cb.toDataPanel();
            assertEquals(70, labelled.size());
            assertArrayEquals(labels, labelled.intColumn("cluster").toIntArray(-1));
        }
    }

    @Test
    void secondClusteringReusesTheHiddenColumnWithZeroEncoderCalls() {
        Path cache = folder.resolve("cache-reuse");
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterBy<?> first = panel.clusterBy("text", minilm(cache, 2));
            assertEquals(70, first.result().embeddedComputed());
            long before = EncoderStats.rowsEncoded();
            ClusterBy<?> again = panel.clusterBy("text", minilm(cache, 5));
            assertEquals(before, EncoderStats.rowsEncoded(), "no row may be re-encoded");
            assertEquals(0, again.result().embeddedComputed());
            assertEquals(70, again.result().embeddedCached());
            assertEquals(5, again.groupCount());
            // A slice of the panel carries its rows' embeddings along.
            DataPanel slice = panel.head(30);
            ClusterBy<?> sliced = slice.clusterBy("text", minilm(cache, 3));
            assertEquals(before, EncoderStats.rowsEncoded());
            assertEquals(30, sliced.result().embeddedCached());
            slice.close();
            // The same data in a fresh panel (as a new process would see it) comes from the disk cache.
            try (DataPanel fresh = DataPanel.read(reuters)) {
                ClusterBy<?> fromDisk = fresh.clusterBy("text", minilm(cache, 2));
                assertEquals(before, EncoderStats.rowsEncoded());
                assertEquals(0, fromDisk.result().embeddedComputed());
                assertArrayEquals(first.result().labels().toIntArray(-1), fromDisk.result().labels().toIntArray(-1));
            }
        }
    }

    @Test
    void aChangedColumnIsNeverServedAStaleEmbedding() {
        Path cache = folder.resolve("cache-stale");
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterBy<?> original = panel.clusterBy("text", minilm(cache, 2));
            TensorColumn originalVectors = (TensorColumn) panel.hiddenColumn(original.embeddingColumn());
            StringColumn text = panel.stringColumn("text");
            String[] edited = text.values().toArray(String[]::new);
            edited[3] = "An entirely different sentence about the weather.";
            DataPanel changed = panel.withColumn(StringColumn.of("text", edited));
            long before = EncoderStats.rowsEncoded();
            ClusterBy<?> cb = changed.clusterBy("text", minilm(cache, 2));
            // The changed column is a miss; the per-row index serves the 69 unchanged rows, and the edited row is encoded.
            assertEquals(1, cb.result().embeddedComputed());
            assertEquals(69, cb.result().embeddedCached());
            assertEquals(before + 1, EncoderStats.rowsEncoded());
            TensorColumn changedVectors = (TensorColumn) changed.hiddenColumn(cb.embeddingColumn());
            assertFalse(java.util.Arrays.equals(originalVectors.get(3), changedVectors.get(3)), "row 3 must not be stale");
            assertArrayEquals(originalVectors.get(4), changedVectors.get(4));
            // The original panel still serves its own, still-valid cache.
            assertEquals(0, panel.clusterBy("text", minilm(cache, 2)).result().embeddedComputed());
            changed.close();
        }
    }

    @Test
    void aCorruptCacheFileIsDetectedAndRecomputed() throws IOException {
        Path cache = folder.resolve("cache-corrupt");
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterBy<?> original = panel.clusterBy("text", minilm(cache, 2));
            List<Path> files;
            try (Stream<Path> list = Files.list(cache)) {
                files = list.filter(p -> p.toString().endsWith(".emb")).toList();
            }
            assertEquals(1, files.size());
            byte[] bytes = Files.readAllBytes(files.get(0));
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(files.get(0), bytes);
            try (DataPanel fresh = DataPanel.read(reuters)) {
                long before = EncoderStats.rowsEncoded();
                ClusterBy<?> recomputed = fresh.clusterBy("text", minilm(cache, 2));
                assertEquals(70, recomputed.result().embeddedComputed(), "the corrupt file must not be served");
                assertEquals(before + 70, EncoderStats.rowsEncoded());
                assertArrayEquals(original.result().labels().toIntArray(-1), recomputed.result().labels().toIntArray(-1));
            }
        }
    }

    @Test
    void clusteringAColumnDirectlyReturnsLabelsAndTheModel() {
        Path cache = folder.resolve("cache-direct");
        try (DataPanel panel = DataPanel.read(reuters)) {
            IntColumn labels = Clustering.cluster(panel.column("title"), "kmeans", "minilm",
                    Map.of("k", 3, "seed", 1));
            assertEquals(70, labels.size());
            ClusterResult<?> result = Clustering.fit(panel.column("text"), minilm(cache, 2));
            assertEquals(2, result.model().k());
            assertEquals("kmeans", result.method());
        }
    }

    @Test
    void missingValuesAndBadNamesAreClearErrors() {
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", "one", null, "three"))) {
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class,
                    () -> panel.clusterBy("text", "kmeans", Map.of("k", 2)));
            assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("'text'"), e.getMessage());
            e = assertThrows(ClusterbyException.UnknownName.class, () -> panel.clusterBy("text", "nope", Map.of()));
            assertTrue(e.getMessage().contains("kmeans"), e.getMessage());
        }
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", "one", "two"))) {
            ClusterbyException e = assertThrows(ClusterbyException.UnknownName.class,
                    () -> panel.clusterBy("text", "kmeans", "no-such-encoder", Map.of("k", 2)));
            assertTrue(e.getMessage().contains("bge-small"), e.getMessage());
            e = assertThrows(ClusterbyException.InvalidData.class,
                    () -> panel.clusterBy("text", "kmeans", Map.of("k", 3)));
            assertTrue(e.getMessage().contains("k=3"), e.getMessage());
        }
    }

    @Test
    void tensorColumnsClusterAsTheyAreAndRejectNaN() {
        float[][] rows = new float[40][];
        for (int i = 0; i < 40; i++) rows[i] = new float[]{i % 2 == 0 ? 10f + i * 0.01f : -10f - i * 0.01f, 1f};
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", rows))) {
            ClusterBy<?> cb = panel.clusterBy("v", "kmeans", Map.of("k", 2));
            int[] labels = cb.result().labels().toIntArray(-1);
            for (int i = 2; i < 40; i++) assertEquals(labels[i % 2], labels[i]);
            assertEquals(0, cb.result().embeddedComputed());
        }
        rows[7] = new float[]{Float.NaN, 1f};
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", rows))) {
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class,
                    () -> panel.clusterBy("v", "kmeans", Map.of("k", 2)));
            assertTrue(e.getMessage().contains("row 7") && e.getMessage().contains("NaN"), e.getMessage());
        }
    }
}
