package dev.clusterby;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    @TempDir
    Path dir;

    /** The 70 Reuters crude/acq articles, clustered by their text with MiniLM. */
    static DataPanel reuters() throws IOException {
        Path csv = Files.createTempFile("reuters", ".csv");
        try (var in = ReportTest.class.getResourceAsStream("/data/reuters-crude-acq.csv")) {
            Files.copy(in, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            return DataPanel.read(csv);
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    static ClusterSpec<?> minilm(int k, Path cache) {
        return ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", k, "seed", 1))
                .withSettings(Settings.unset().withCacheDir(cache));
    }

    @Test
    void reportHoldsEveryRowTheDescribedClustersAggregatesAndScores() throws IOException {
        try (DataPanel panel = reuters()) {
            ClusterBy<?> cb = panel.clusterBy("text", minilm(2, dir.resolve("cache")));
            Path file = dir.resolve("reuters.html");
            cb.report(file, ReportOptions.defaults().withInput("reuters-crude-acq.csv").withLabels("topic")
                    .withAggregates(Map.of("words", Agg.MEAN)));
            String page = Files.readString(file);
            assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src=\"http"), "no network references");
            assertTrue(page.contains("<canvas id=\"map\""));
            JsonObject data = ReportFiles.data(file);
            JsonArray points = data.getAsJsonArray("points");
            assertEquals(panel.size(), points.size());
            int[] labels = cb.result().labels().toIntArray(-1);
            for (int row = 0; row < points.size(); row++) {
                JsonObject p = points.get(row).getAsJsonObject();
                assertEquals(row, p.get("row").getAsInt());
                assertEquals(labels[row], p.get("cluster").getAsInt());
                assertTrue(Double.isFinite(p.get("x").getAsDouble()) && Double.isFinite(p.get("y").getAsDouble()));
            }
            DataPanel described = cb.describe();
            JsonArray clusters = data.getAsJsonArray("clusters");
            assertEquals(described.size(), clusters.size());
            for (int r = 0; r < clusters.size(); r++) {
                JsonObject c = clusters.get(r).getAsJsonObject();
                assertEquals(described.stringColumn("name").get(r), c.get("name").getAsString());
                assertEquals(cb.sizes()[c.get("id").getAsInt()], c.get("size").getAsInt());
                assertFalse(c.getAsJsonArray("keywords").isEmpty());
                assertFalse(c.getAsJsonArray("exemplars").isEmpty());
                assertTrue(c.getAsJsonArray("exemplars").get(0).getAsJsonObject().get("text").getAsString().length() > 10);
                assertTrue(c.getAsJsonObject("aggregates").has("mean(words)"));
            }
            String summary = data.getAsJsonArray("summary").toString();
            double ari = Metrics.adjustedRandIndex(panel.groupBy("topic").labels().toIntArray(-1), labels);
            assertTrue(summary.contains("ARI vs topic") && summary.contains(String.format(java.util.Locale.ROOT, "%.3f", ari)), summary);
            assertTrue(summary.contains("minilm") && summary.contains("kmeans") && summary.contains("reuters-crude-acq.csv"), summary);
            assertEquals(panel.size(), data.getAsJsonObject("hover").getAsJsonArray("texts").size());
            assertFalse(data.has("notice"));
        }
    }

    @Test
    void mapIsCachedAndDeterministicAndPcaIsTheOtherMethod() throws IOException {
        try (DataPanel panel = reuters()) {
            Settings settings = Settings.unset().withCacheDir(dir.resolve("cache"));
            ClusterBy<?> cb = panel.clusterBy("text", minilm(2, dir.resolve("cache")));
            DataPanel first = cb.map(MapOptions.defaults());
            assertEquals(java.util.List.of("map_x", "map_y"), first.columnNames());
            assertTrue(panel.columnNames(true).contains("umap(minilm(text))"), panel.columnNames(true).toString());
            Maps.Layout again = cb.layout(MapOptions.defaults());
            assertTrue(again.cached());
            assertEquals(first.doubleColumn("map_x").getDouble(5), again.x().getDouble(5));
            DataPanel pca = cb.map(MapOptions.defaults().withMethod("pca"));
            assertFalse(pca.doubleColumn("map_x").getDouble(5) == first.doubleColumn("map_x").getDouble(5));
            try (TensorColumn copy = TensorColumn.copyOf("copy", panel.tensorColumn("minilm(text)").matrix())) {
                DataPanel fresh = copy.project2d(MapOptions.defaults().withSeed(42));
                assertEquals(first.doubleColumn("map_y").getDouble(7), fresh.doubleColumn("map_y").getDouble(7));
            }
            assertThrows(ClusterbyException.UnknownName.class, () -> MapOptions.defaults().withMethod("tsne"));
            assertEquals(MapOptions.defaults(), MapOptions.fromParams(MapOptions.defaults().toParams()));
            assertTrue(settings.cacheDir().toFile().isDirectory());
        }
    }

    @Test
    void missingFolderIsOneErrorBeforeAnyWork() {
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", new float[][] {{0, 0}, {1, 1}, {5, 5}, {6, 6}}))) {
            ClusterBy<?> cb = panel.clusterBy("v", ClusterSpec.defaults().withParams(Map.of("k", 2)));
            Path missing = dir.resolve("no-such-folder").resolve("r.html");
            ClusterbyException e = assertThrows(ClusterbyException.BadFile.class, () -> cb.report(missing));
            assertTrue(e.getMessage().contains("no-such-folder"), e.getMessage());
            assertFalse(panel.columnNames(true).contains("umap(v)"), "no map was computed");
        }
    }

    @Test
    void degenerateInputsStillGiveAReportThatSaysSo() throws IOException {
        try (DataPanel two = DataPanel.of(TensorColumn.of("v", new float[][] {{0, 1}, {2, 3}}))) {
            Path file = dir.resolve("two.html");
            two.clusterBy("v", ClusterSpec.defaults().withParams(Map.of("k", 2))).report(file);
            JsonObject data = ReportFiles.data(file);
            assertEquals(2, data.getAsJsonArray("points").size());
            assertTrue(data.get("notice").getAsString().contains("only 2 rows"), data.get("notice").getAsString());
        }
        float[][] same = new float[12][];
        for (int i = 0; i < same.length; i++) same[i] = new float[] {0.25f, 0.5f, 1};
        try (DataPanel identical = DataPanel.of(TensorColumn.of("v", same))) {
            Path file = dir.resolve("same.html");
            identical.clusterBy("v", ClusterSpec.defaults().withParams(Map.of("k", 1))).report(file);
            JsonObject data = ReportFiles.data(file);
            assertEquals(12, data.getAsJsonArray("points").size());
            assertTrue(data.get("notice").getAsString().contains("identical"), data.get("notice").getAsString());
            assertTrue(identical.map("v").doubleColumn("map_x").getDouble(3) == 0);
        }
    }

    /** A density-style clusterer, as HDBSCAN will be: rows far from both blobs are noise (-1). */
    record NoiseFit(int[] labels, int k) implements Clusterer.Fitted {
        @Override public int iterations() { return 0; }
    }

    @Test
    void noiseRowsAreShownAsTheirOwnCard() throws IOException {
        float[][] rows = new float[30][];
        for (int i = 0; i < 30; i++) rows[i] = i < 12 ? new float[] {i * 0.01f, 0} : i < 24 ? new float[] {5 + i * 0.01f, 5} : new float[] {20 + i, -20};
        Clusterer<NoiseFit> noisy = new Clusterer<>() {
            @Override public String name() { return "noisy"; }
            @Override
            public NoiseFit fit(FloatMatrix data, ComputeBackend backend) {
                int[] labels = new int[data.rows()];
                for (int i = 0; i < labels.length; i++) labels[i] = data.get(i, 0) > 15 ? -1 : data.get(i, 0) > 2 ? 1 : 0;
                return new NoiseFit(labels, 2);
            }
        };
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", rows))) {
            Path file = dir.resolve("noise.html");
            panel.clusterBy("v", ClusterSpec.defaults().withClusterer(noisy)).report(file);
            JsonObject data = ReportFiles.data(file);
            JsonArray points = data.getAsJsonArray("points");
            assertEquals(30, points.size());
            long noise = 0;
            for (JsonElement p : points) if (p.getAsJsonObject().get("cluster").getAsInt() == -1) noise++;
            assertEquals(6, noise);
            Set<Integer> ids = new HashSet<>();
            for (JsonElement c : data.getAsJsonArray("clusters")) ids.add(c.getAsJsonObject().get("id").getAsInt());
            assertEquals(Set.of(-1, 0, 1), ids);
        }
    }
}
