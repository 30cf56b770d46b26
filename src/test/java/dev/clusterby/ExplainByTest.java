package dev.clusterby;

import dev.clusterby.internal.embed.EncoderStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * explainBy on real labelled sets with a "model" that is wrong exactly on one coherent subgroup: the top slice must
 * recover the subgroup (precision and recall at least 0.6), on text (the demo emoji, labels and probabilities) and on
 * images (Fashion-MNIST through the auto image encoder, one class mislabelled). sliceBy gives soft slices.
 */
class ExplainByTest {
    static final Path EMOJI = DescribeTest.EMOJI;
    static final Path FASHION = Path.of("data/fashion-mnist");

    @TempDir
    Path cache;

    private SliceOptions options() {
        return SliceOptions.defaults().withSettings(Settings.unset().withCacheDir(cache));
    }

    @Test
    void textModelWrongOnMammals() {
        try (DataPanel emoji = DataPanel.read(EMOJI)) {
            String[] group = emoji.stringColumn("group").values().toArray(String[]::new);
            String[] subgroup = emoji.stringColumn("subgroup").values().toArray(String[]::new);
            String[] pred = group.clone();
            boolean[] wrong = new boolean[group.length];
            for (int row = 0; row < group.length; row++) {
                if (subgroup[row].equals("animal-mammal")) {
                    pred[row] = "Food & Drink";
                    wrong[row] = true;
                }
            }
            DataPanel panel = emoji.withColumn(StringColumn.of("pred", pred));
            panel.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache).withParams(Map.of("k", 5, "seed", 1)));
            long before = EncoderStats.rowsEncoded();
            SliceBy slices = panel.explainBy("text", "group", "pred", options());
            assertEquals(0, EncoderStats.rowsEncoded() - before, "explainBy reuses clusterBy's embedding");
            assertRecovers(slices, wrong, "text labels");
            for (int s = 1; s < slices.sliceCount(); s++) assertTrue(slices.errorRate(s - 1) >= slices.errorRate(s));

            before = EncoderStats.rowsEncoded();
            DataPanel described = slices.describe();
            assertTrue(EncoderStats.rowsEncoded() - before <= 20L * slices.sliceCount(), "only name candidates are encoded");
            assertEquals("slice", described.columnNames().get(0));
            assertEquals("error", described.columnNames().get(2));
            assertFalse(described.stringColumn("name").get(0).isBlank());

            // Probabilities of a binary target: "is it an animal or plant?", confidently wrong on the mammals.
            boolean[] nature = new boolean[group.length];
            double[] prob = new double[group.length];
            for (int row = 0; row < group.length; row++) {
                nature[row] = group[row].equals("Animals & Nature");
                prob[row] = wrong[row] ? 0.15 : nature[row] ? 0.85 : 0.1;
            }
            DataPanel binary = panel.withColumn(BooleanColumn.of("nature", nature)).withColumn(DoubleColumn.of("p", prob));
            assertRecovers(binary.explainBy("text", "nature", "p", options()), wrong, "text probabilities");
        }
    }

    @Test
    void imageModelWrongOnSandals() {
        Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz"), labels = FASHION.resolve("t10k-labels-idx1-ubyte.gz");
        assertTrue(Files.isRegularFile(images), "Fashion-MNIST is missing from " + FASHION.toAbsolutePath() + "; run scripts/fetch-data.sh");
        try (DataPanel all = DataPanel.readIdx(images, labels); DataPanel panel = all.head(3000)) {
            int[] truth = panel.intColumn("label").toIntArray(-1);
            int[] pred = truth.clone();
            boolean[] wrong = new boolean[truth.length];
            for (int row = 0; row < truth.length; row++) {
                if (truth[row] == 5) { // sandals, called sneakers
                    pred[row] = 7;
                    wrong[row] = true;
                }
            }
            DataPanel withPred = panel.withColumn(IntColumn.of("pred", pred));
            SliceBy slices = withPred.explainBy("image", "label", "pred", options());
            assertRecovers(slices, wrong, "images");
            DataPanel described = slices.describe();
            assertEquals(5, described.filter(row -> described.intColumn("slice").getLong(row) >= 0).size());
        }
    }

    @Test
    void sliceByGivesSoftSlices() {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            SliceBy slices = panel.sliceBy("text", options().withSlices(4));
            assertEquals(4, slices.sliceCount());
            assertFalse(slices.hasErrors());
            assertTrue(Double.isNaN(slices.errorRate(0)));
            for (int row = 0; row < panel.size(); row++) {
                double sum = 0;
                for (int s = 0; s < 4; s++) sum += slices.scores(s).getDouble(row);
                assertEquals(1, sum, 1e-9);
            }
            assertEquals(panel.size(), Arrays.stream(slices.sizes()).sum());
            DataPanel labelled = slices.toDataPanel();
            assertTrue(labelled.columnNames().containsAll(java.util.List.of("slice", "slice_score")));
            // A soft slice: every row with a score of at least 0.5 lies in it; with a low bar rows fall in several.
            int[] lowBar = IntStream.range(0, 4).map(s -> slices.rowsOf(s, 1e-6).length).toArray();
            assertTrue(Arrays.stream(lowBar).sum() >= panel.size());
        }
    }

    @Test
    void badInputIsNamed() {
        try (DataPanel emoji = DataPanel.read(EMOJI)) {
            String[] pred = emoji.stringColumn("group").values().toArray(String[]::new);
            pred[7] = null;
            DataPanel panel = emoji.withColumn(StringColumn.of("pred", pred));
            assertMessage(() -> panel.explainBy("text", "nope", "group", options()), "nope");
            assertMessage(() -> panel.explainBy("text", "group", "pred", options()), "column 'pred' (the prediction) row 7 is missing");
            assertMessage(() -> panel.head(3).explainBy("text", "group", "group", options()), "3 rows, fewer than the 5 slices");
            assertMessage(() -> panel.sliceBy("missing-column", options()), "missing-column");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        ClusterbyException e = assertThrows(ClusterbyException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertRecovers(SliceBy slices, boolean[] wrong, String what) {
        int[] top = slices.rowsOf(0);
        long hit = Arrays.stream(top).filter(row -> wrong[row]).count();
        long bad = IntStream.range(0, wrong.length).filter(row -> wrong[row]).count();
        double precision = top.length == 0 ? 0 : (double) hit / top.length, recall = (double) hit / bad;
        assertTrue(precision >= 0.6 && recall >= 0.6, what + ": top slice precision " + precision + ", recall " + recall
                + ", error rates " + Arrays.toString(IntStream.range(0, slices.sliceCount()).mapToDouble(slices::errorRate).toArray()));
    }
}
