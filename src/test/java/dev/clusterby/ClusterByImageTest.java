package dev.clusterby;

import dev.clusterby.cluster.Clusterer;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.Encoders;
import dev.clusterby.internal.embed.TinyClip;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Image columns end to end: folders, corrupt files, caching, crops, the CLI, on the tiny CLIP export and on hog-pca. */
class ClusterByImageTest {
    @TempDir
    static Path tmp;
    static Path clipDir, folder, cache;
    static final int[] COLOURS = {0xff0000, 0x00ff00, 0x0000ff};

    @BeforeAll
    static void setUp() throws IOException {
        clipDir = TinyClip.write(tmp.resolve("clip"), "\"batch_size\": 5");
        cache = tmp.resolve("cache");
        // 3 colours × 4 images in label subfolders, of varied sizes, in PNG, JPEG and BMP; plus a broken PNG and a cut JPEG.
        folder = tmp.resolve("images");
        String[] names = {"red", "green", "blue"};
        String[] formats = {"png", "jpg", "bmp", "png"};
        for (int c = 0; c < 3; c++) {
            Path sub = Files.createDirectories(folder.resolve(names[c]));
            for (int i = 0; i < 4; i++) {
                BufferedImage image = halves(40 + 8 * i, 36 + 4 * i, COLOURS[c], 0x808080 + i * 0x050505);
                ImageIO.write(image, formats[i], sub.resolve("img" + i + "." + formats[i]).toFile());
            }
        }
        Files.write(folder.resolve("blue").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        byte[] jpeg = Files.readAllBytes(folder.resolve("red").resolve("img1.jpg"));
        Files.write(folder.resolve("green").resolve("cut.jpg"), Arrays.copyOf(jpeg, 40));
    }

    /** Left half one colour, right half another. */
    static BufferedImage halves(int w, int h, int left, int right) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, x < w / 2 ? left : right);
        return image;
    }

    static ClusterSpec<Clusterer.Fitted> clip(int k) {
        return ClusterSpec.defaults().withEncoder("clip:" + clipDir).withParams(Map.of("k", k, "seed", 3)).withCacheDir(cache);
    }

    @Test
    void corruptImagesGetNoClusterAndTheRunGoesOn() {
        try (DataPanel panel = DataPanel.read(folder)) {
            ClusterBy<?> cb = panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.fractions(0, 0, 0.5, 1))));
            int[] labels = cb.labels().toIntArray(-2);
            StringColumn paths = panel.stringColumn("path");
            Set<Integer> bad = cb.errors().keySet();
            assertEquals(2, bad.size(), cb.errors().toString());
            for (int row = 0; row < panel.size(); row++) {
                boolean broken = paths.get(row).endsWith("broken.png") || paths.get(row).endsWith("cut.jpg");
                assertEquals(broken, bad.contains(row), paths.get(row));
                assertEquals(broken, labels[row] == -1, paths.get(row));
            }
            // The colour groups are exactly the clusters.
            StringColumn truth = panel.stringColumn("label");
            for (int a = 0; a < panel.size(); a++) {
                for (int b = 0; b < panel.size(); b++) {
                    if (labels[a] < 0 || labels[b] < 0) continue;
                    assertEquals(truth.get(a).equals(truth.get(b)), labels[a] == labels[b], paths.get(a) + " vs " + paths.get(b));
                }
            }
            try (DataPanel out = cb.toDataPanel()) {
                StringColumn errors = out.stringColumn("cluster_error");
                for (int row = 0; row < panel.size(); row++) {
                    assertEquals(bad.contains(row), !errors.isMissing(row));
                }
                assertTrue(errors.get(bad.iterator().next()).startsWith("cannot decode image"), errors.get(bad.iterator().next()));
            }
            assertEquals(panel.size() - 2, cb.result().embeddedComputed());

            // Again on the same panel: the hidden column serves it, and the errors are still told.
            ClusterBy<?> again = panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.fractions(0, 0, 0.5, 1))));
            assertEquals(0, again.result().embeddedComputed());
            assertEquals(bad, again.errors().keySet());
            assertArrayEquals(labels, again.labels().toIntArray(-2));
        }
        // A fresh panel: the disk cache serves it (failed rows are NaN there), errors found again.
        try (DataPanel panel = DataPanel.read(folder)) {
            ClusterBy<?> cb = panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.fractions(0, 0, 0.5, 1))));
            assertEquals(0, cb.result().embeddedComputed());
            assertEquals(panel.size(), cb.result().embeddedCached());
            assertEquals(2, cb.errors().size());
            assertTrue(cb.errors().values().stream().allMatch(r -> r.startsWith("cannot decode image")), cb.errors().toString());
        }
    }

    @Test
    void cropsChangeWhatIsEmbeddedAndTheCacheKey() {
        try (DataPanel panel = DataPanel.read(folder)) {
            // Without a crop the grey right half weighs in; with the left half only, vectors are the pure colours.
            Path own = tmp.resolve("cache-crops");
            ClusterBy<?> whole = panel.clusterBy("image", clip(3).withCacheDir(own));
            ClusterBy<?> left = panel.clusterBy("image", clip(3).withCacheDir(own).withInstruction(Instruction.crop(Crop.fractions(0, 0, 0.5, 1))));
            assertNotEquals(whole.embeddingColumn(), left.embeddingColumn());
            assertEquals(panel.size() - 2, left.result().embeddedComputed(), "a crop is a new key, not a cache hit");
            TensorColumn wholeVectors = panel.tensorColumn(whole.embeddingColumn());
            TensorColumn leftVectors = panel.tensorColumn(left.embeddingColumn());
            int row = firstGood(left);
            assertFalse(Arrays.equals(wholeVectors.get(row), leftVectors.get(row)));

            // Pixels: the first 10×10 of every image is inside the left half.
            ClusterBy<?> pixels = panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.pixels(0, 0, 10, 10))));
            assertEquals(2, pixels.errors().size());
        }
    }

    private static int firstGood(ClusterBy<?> cb) {
        int[] labels = cb.labels().toIntArray(-1);
        for (int i = 0; i < labels.length; i++) if (labels[i] >= 0) return i;
        throw new AssertionError("no good row");
    }

    @Test
    void aCropOutsideAnImageNamesTheRowPathAndSize() {
        try (DataPanel panel = DataPanel.read(folder)) {
            var e = assertThrows(ClusterbyException.BadOption.class,
                    () -> panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.pixels(0, 0, 45, 30)))));
            assertTrue(e.getMessage().matches("(?s).*row \\d+ \\(.*\\.(png|jpg|bmp)\\).*which is 40x\\d+ pixels.*"), e.getMessage());
        }
    }

    @Test
    void aTemplateThroughTheTextTowerFindsItsCluster() {
        try (DataPanel panel = DataPanel.read(folder)) {
            ClusterBy<?> cb = panel.clusterBy("image", clip(3).withInstruction(Instruction.crop(Crop.fractions(0, 0, 0.5, 1))));
            Encoder text = Encoders.clip(clipDir).textEncoderForInstructions();
            TensorColumn vectors = panel.tensorColumn(cb.embeddingColumn());
            StringColumn truth = panel.stringColumn("label");
            try (Arena arena = Arena.ofConfined()) {
                List<String> prompts = List.of("a photo of a red thing", "a photo of a green thing", "a photo of a blue thing");
                FloatMatrix t = new FloatMatrix(arena.allocate(3L * text.dimension() * 4, 64), 3, text.dimension());
                text.encodeTexts(prompts, t, null);
                for (int row = 0; row < panel.size(); row++) {
                    if (cb.labels().toIntArray(-1)[row] < 0) continue;
                    float[] v = vectors.get(row);
                    int best = 0;
                    double bestScore = -2;
                    for (int p = 0; p < 3; p++) {
                        double s = 0;
                        for (int d = 0; d < v.length; d++) s += v[d] * t.get(p, d);
                        if (s > bestScore) {
                            bestScore = s;
                            best = p;
                        }
                    }
                    assertEquals(truth.get(row), List.of("red", "green", "blue").get(best), "row " + row);
                }
            }
        }
    }

    @Test
    void instructionsOnImagesGoThroughTheTextTower() {
        try (DataPanel panel = DataPanel.read(folder)) {
            StringColumn truth = panel.stringColumn("label");
            // Subspace of the three colour prompts, on the left halves: the clusters are the colours.
            Instruction byColour = Instruction.template("a photo of a {} thing", "red", "green", "blue")
                    .withCrop(Crop.fractions(0, 0, 0.5, 1));
            ClusterBy<?> cb = panel.clusterBy("image", clip(3).withInstruction(byColour));
            assertEquals("subspace", cb.result().instructionReport().method().name().toLowerCase());
            assertTrue(cb.result().instructionReport().width() >= 2, cb.result().instructionReport().summary());
            assertSameGroups(truth, cb.labels().toIntArray(-1));
            assertEquals(2, cb.errors().size(), "bad images stay out of the instruction view too");

            // A mask of the 3 dimensions the text "red" leans on most.
            Instruction mask = Instruction.text("red").withMethod("mask").withTopK(3).withCrop(Crop.fractions(0, 0, 0.5, 1));
            ClusterBy<?> masked = panel.clusterBy("image", clip(3).withInstruction(mask));
            assertEquals(3, masked.result().instructionReport().dims().size());
            assertSameGroups(truth, masked.labels().toIntArray(-1));
        }
        // The classical encoder has no text tower, and says so.
        try (DataPanel panel = DataPanel.read(folder)) {
            var e = assertThrows(ClusterbyException.Unavailable.class, () -> panel.clusterBy("image", ClusterSpec.defaults()
                    .withCacheDir(cache).withParam("k", 3).withInstruction(Instruction.text("group by colour"))));
            assertTrue(e.getMessage().contains("hog-pca") && e.getMessage().contains("CLIP"), e.getMessage());
        }
    }

    private static void assertSameGroups(StringColumn truth, int[] labels) {
        for (int a = 0; a < labels.length; a++) {
            for (int b = 0; b < labels.length; b++) {
                if (labels[a] < 0 || labels[b] < 0) continue;
                assertEquals(truth.get(a).equals(truth.get(b)), labels[a] == labels[b], "rows " + a + ", " + b);
            }
        }
    }

    @Test
    void describeNamesImageClustersWithPhrasesOfTheJointEncoder() {
        try (DataPanel panel = DataPanel.read(folder)) {
            ClusterBy<?> cb = panel.clusterBy("image", clip(3));
            DataPanel described = cb.describe(DescribeOptions.defaults().withVocabulary(List.of("red", "green", "blue", "thing")));
            // The two images that cannot be decoded are rows of cluster -1, shown, not dropped.
            assertEquals(-1, described.intColumn("cluster").getLong(0));
            assertEquals(2, described.intColumn("size").getLong(0));
            ImageColumn images = panel.imageColumn("image");
            for (int i = 1; i < described.size(); i++) {
                int cluster = (int) described.intColumn("cluster").getLong(i);
                java.util.Map<String, Integer> folders = new java.util.HashMap<>();
                for (int row : cb.rowsOf(cluster)) {
                    folders.merge(((ImageColumn.FileSource) images.source(row)).path().getParent().getFileName().toString(), 1, Integer::sum);
                }
                String majority = java.util.Collections.max(folders.entrySet(), java.util.Map.Entry.comparingByValue()).getKey();
                String phrases = described.stringColumn("phrases").get(i);
                assertEquals(majority, phrases.split(";")[0], "Domino phrase of cluster " + cluster + ": " + phrases);
                assertEquals(majority, described.stringColumn("name").get(i));
                assertTrue(described.stringColumn("exemplar_values").get(i).contains(majority), described.stringColumn("exemplar_values").get(i));
            }
        }
    }
}
