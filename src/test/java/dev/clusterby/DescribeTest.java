package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.describe.Tokens;
import dev.clusterby.internal.embed.EncoderStats;
import dev.clusterby.internal.embed.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * describe() on the demo's real labelled emoji (479 names and keywords, five Unicode groups): names that name the
 * majority group, unique names, keywords without stop-words, and no row encoded again.
 */
class DescribeTest {
    static final Path EMOJI = Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv");

    @TempDir
    Path cache;

    @Test
    void emojiNamesNameTheirMajorityGroup() {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            GroupBy truth = panel.groupBy("group");
            List<String> classes = ((StringColumn) truth.keys()).values();
            ClusterBy<?> cb = panel.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", truth.groupCount(), "seed", 42)));
            long before = EncoderStats.rowsEncoded();
            DataPanel described = cb.describe();
            long encoded = EncoderStats.rowsEncoded() - before;
            assertEquals(Describe.COLUMNS, described.columnNames());
            assertEquals(truth.groupCount(), described.size());
            // Only name candidates reach the encoder (at most 20 per cluster), never the 479 rows.
            assertTrue(encoded <= 20L * described.size(), "describe encoded " + encoded + " texts");
            before = EncoderStats.rowsEncoded();
            DataPanel again = cb.describe();
            assertEquals(0, EncoderStats.rowsEncoded() - before, "a second describe found every candidate cached");
            assertEquals(described.stringColumn("name").values(), again.stringColumn("name").values());

            List<String> names = described.stringColumn("name").values();
            assertEquals(names.size(), new HashSet<>(names).size(), "names are unique: " + names);
            for (String name : names) assertTrue(name.split(" ").length <= 4, name);
            for (String keywords : described.stringColumn("keywords").values()) {
                assertFalse(keywords.isBlank());
                for (String keyword : keywords.split(";")) {
                    for (String word : keyword.split(" ")) assertFalse(Tokens.isStopWord(word), "stop-word in " + keywords);
                }
            }
            int[] groups = truth.labels().toIntArray(-1);
            Encoder encoder = Encoders.resolve("auto", Encoder.Modality.TEXT);
            int named = 0;
            try (Arena arena = Arena.ofConfined()) {
                FloatMatrix classVectors = Segments.matrix(arena, classes.size(), encoder.dimension());
                encoder.encodeTexts(classes, classVectors, Encoder.ProgressListener.NONE);
                FloatMatrix nameVectors = Segments.matrix(arena, names.size(), encoder.dimension());
                encoder.encodeTexts(names, nameVectors, Encoder.ProgressListener.NONE);
                for (int i = 0; i < names.size(); i++) {
                    int cluster = (int) described.intColumn("cluster").getLong(i);
                    int[] counts = new int[classes.size()];
                    for (int row : cb.rowsOf(cluster)) counts[groups[row]]++;
                    int majority = argmax(counts);
                    int nearest = 0;
                    double best = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes.size(); c++) {
                        double sim = dot(nameVectors, i, classVectors, c);
                        if (sim > best) {
                            best = sim;
                            nearest = c;
                        }
                    }
                    if (nearest == majority) named++;
                }
            }
            assertTrue(named >= Math.ceil(0.75 * names.size()), named + " of " + names.size()
                    + " names are nearest their majority group: " + names);
            // Exemplars are rows of their own cluster.
            for (int i = 0; i < described.size(); i++) {
                int cluster = (int) described.intColumn("cluster").getLong(i);
                for (String row : described.stringColumn("exemplars").get(i).split(";")) {
                    assertEquals(cluster, cb.labels().getLong(Integer.parseInt(row)));
                }
                assertTrue(described.doubleColumn("cohesion").getDouble(i) > 0);
            }
        }
    }

    @Test
    void anotherTextColumnAndAPluggedInNamer() {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            ClusterBy<?> cb = panel.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", 5, "seed", 42)));
            DataPanel described = cb.describe(DescribeOptions.defaults().withTextColumn("name").withKeywords(4)
                    .withNamer(clusters -> clusters.stream().map(c -> "group " + c.keywords().getFirst()).toList()));
            for (int i = 0; i < described.size(); i++) {
                String keywords = described.stringColumn("keywords").get(i);
                assertTrue(keywords.split(";").length <= 4, keywords);
                assertEquals("group " + keywords.split(";")[0], described.stringColumn("name").get(i));
            }
            ClusterbyException notText = assertThrows(ClusterbyException.class,
                    () -> cb.describe(DescribeOptions.defaults().withTextColumn("size-of-nothing")));
            assertTrue(notText.getMessage().contains("size-of-nothing"), notText.getMessage());
            DataPanel withNumbers = panel.withColumn(IntColumn.of("n", new int[panel.size()]));
            ClusterBy<?> again = withNumbers.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", 5, "seed", 42)));
            ClusterbyException numbers = assertThrows(ClusterbyException.class,
                    () -> again.describe(DescribeOptions.defaults().withTextColumn("n")));
            assertTrue(numbers.getMessage().contains("'n'") && numbers.getMessage().contains("not text"), numbers.getMessage());
            ClusterbyException blank = assertThrows(ClusterbyException.class,
                    () -> cb.describe(DescribeOptions.defaults().withNamer(clusters -> clusters.stream().map(c -> " ").toList())));
            assertTrue(blank.getMessage().contains("blank"), blank.getMessage());
        }
    }

    @Test
    void noiseRowsFormClusterMinusOne() {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            ClusterBy<?> cb = panel.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", 5, "seed", 42)));
            // Rows of cluster 0 marked as noise, as HDBSCAN does: describe must show them as cluster -1, not drop them.
            int[] labels = cb.labels().toIntArray(-1);
            for (int row = 0; row < labels.length; row++) if (labels[row] == 0) labels[row] = -1;
            DataPanel described = Describe.describe(panel, "text", labels, 5, "auto", null, Settings.unset().withCacheDir(cache),
                    DescribeOptions.defaults());
            assertEquals(6, described.size());
            assertEquals(-1, described.intColumn("cluster").getLong(0));
            assertEquals("noise", described.stringColumn("name").get(0));
            assertEquals(cb.sizes()[0], described.intColumn("size").getLong(0));
            long total = 0;
            for (int i = 0; i < described.size(); i++) total += described.intColumn("size").getLong(i);
            assertEquals(panel.size(), total);
        }
    }

    private static int argmax(int[] counts) {
        int top = 0;
        for (int i = 1; i < counts.length; i++) if (counts[i] > counts[top]) top = i;
        return top;
    }

    private static double dot(FloatMatrix a, int i, FloatMatrix b, int j) {
        double sum = 0;
        for (int c = 0; c < a.cols(); c++) sum += a.get(i, c) * b.get(j, c);
        return sum;
    }
}
