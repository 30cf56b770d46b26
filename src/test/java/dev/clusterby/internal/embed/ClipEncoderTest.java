package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.ImageInput;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.*;

/** The CLIP path on a tiny CLIP-shaped ONNX export built by the test (no trained CLIP is in reach). */
class ClipEncoderTest {
    @TempDir
    static Path tmp;
    static ClipEncoder clip;

    @BeforeAll
    static void load() throws IOException {
        clip = ClipEncoder.load(TinyClip.write(tmp.resolve("tiny"), "\"batch_size\": 4"));
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    static ImageInput input(String label, BufferedImage image) {
        return new ImageInput() {
            public String label() { return label; }
            public BufferedImage decode() { return image; }
        };
    }

    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, rgb);
        return image;
    }

    static float[][] encode(Encoder encoder, List<ImageInput> images, SortedMap<Integer, String>[] failures) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) images.size() * encoder.dimension() * 4, 64), images.size(), encoder.dimension());
            SortedMap<Integer, String> failed = encoder.encodeImages(images, out, null);
            if (failures != null) failures[0] = failed;
            float[][] rows = new float[images.size()][];
            for (int r = 0; r < rows.length; r++) rows[r] = out.row(r).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            return rows;
        }
    }

    static float[][] encodeTexts(Encoder encoder, List<String> texts) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * encoder.dimension() * 4, 64), texts.size(), encoder.dimension());
            encoder.encodeTexts(texts, out, null);
            float[][] rows = new float[texts.size()][];
            for (int r = 0; r < rows.length; r++) rows[r] = out.row(r).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            return rows;
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static float[] unit(float[] v) {
        float[] out = v.clone();
        ClassicImageEncoder.normalise(out, 0, out.length);
        return out;
    }

    @Test
    void loadsTheExportAndChecksItsSignature() {
        assertEquals(TinyClip.DIM, clip.dimension());
        assertEquals(Encoder.Modality.IMAGE, clip.modality());
        assertTrue(clip.provider().startsWith("CPU"), clip.provider());
        assertEquals(Encoder.Modality.TEXT, clip.textEncoderForInstructions().modality());
        assertEquals(clip.dimension(), clip.textEncoderForInstructions().dimension());
    }

    @Test
    void preprocessingMatchesAPlainJavaReference() {
        // 32×32 (the model size, so no resize): every pixel different, so a wrong plane, row or column order shows.
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                rgb[y * 32 + x] = (x * 8) << 16 | (y * 8) << 8 | ((x * 3 + y * 5) & 0xff);
                image.setRGB(x, y, rgb[y * 32 + x]);
            }
        }
        float[] expected = unit(TinyClip.expectedImageEmbedding(rgb));
        float[] got = encode(clip, List.of(input("gradient", image)), null)[0];
        assertArrayEquals(expected, got, 1e-5f);
        assertEquals(1.0, dot(got, got), 1e-5);
    }

    @Test
    void resizesShorterSideAndCropsTheCentre() {
        // 64×128 portrait: red top quarter, green middle half, blue bottom quarter. The centre square is all green.
        BufferedImage tall = new BufferedImage(64, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) for (int x = 0; x < 64; x++) tall.setRGB(x, y, y < 32 ? 0xff0000 : y < 96 ? 0x00ff00 : 0x0000ff);
        float[][] got = encode(clip, List.of(input("tall", tall), input("green", solid(32, 32, 0x00ff00))), null);
        assertArrayEquals(got[1], got[0], 1e-4f);
    }

    @Test
    void batchesGiveTheSameVectorsAsOneByOneAndKeepOrder() {
        List<ImageInput> images = new ArrayList<>();
        for (int i = 0; i < 10; i++) images.add(input("img" + i, solid(40 + i, 33 + 2 * i, (i * 25) << 16 | (255 - i * 20) << 8 | i * 7)));
        float[][] batched = encode(clip, images, null); // batch_size 4: batches of 4, 4, 2
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(encode(clip, List.of(images.get(i)), null)[0], batched[i], 1e-5f, "row " + i);
        }
    }

    @Test
    void aBrokenImageFailsItsRowOnly() {
        List<ImageInput> images = new ArrayList<>();
        images.add(input("red", solid(32, 32, 0xff0000)));
        images.add(new ImageInput() {
            public String label() { return "broken.png"; }
            public BufferedImage decode() throws IOException { throw new IOException("not a readable image format"); }
        });
        images.add(input("blue", solid(32, 32, 0x0000ff)));
        @SuppressWarnings("unchecked") SortedMap<Integer, String>[] failures = new SortedMap[1];
        float[][] got = encode(clip, images, failures);
        assertEquals(java.util.Set.of(1), failures[0].keySet());
        assertTrue(failures[0].get(1).contains("not a readable image format"));
        assertEquals(1.0, dot(got[0], got[0]), 1e-5);
        assertEquals(1.0, dot(got[2], got[2]), 1e-5);
    }

    @Test
    void textTowerSharesTheImageSpaceAndIgnoresPadding() {
        Encoder text = clip.textEncoderForInstructions();
        List<String> prompts = List.of("a photo of a red thing", "a photo of a green thing", "a photo of a blue thing");
        float[][] t = encodeTexts(text, prompts);
        float[][] im = encode(clip, List.of(input("r", solid(32, 32, 0xff0000)), input("g", solid(32, 32, 0x00ff00)),
                input("b", solid(32, 32, 0x0000ff))), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, dot(t[i], t[i]), 1e-5);
            for (int j = 0; j < 3; j++) {
                if (i != j) assertTrue(dot(im[i], t[i]) > dot(im[i], t[j]), "image " + i + " is closest to its own colour's prompt");
            }
        }
        // A short prompt padded next to a long one gives what it gives alone: the mask reaches the model.
        float[] alone = encodeTexts(text, List.of("red"))[0];
        float[] padded = encodeTexts(text, List.of("a photo of a blue thing", "red"))[1];
        assertArrayEquals(alone, padded, 1e-6f);
    }

    @Test
    void encodeTextsOnTheImageEncoderIsAClearError() {
        var e = assertThrows(ClusterbyException.BadOption.class, () -> encodeTexts(clip, List.of("x")));
        assertTrue(e.getMessage().contains("text tower"), e.getMessage());
    }

    @Test
    void aWrongInputNameIsReportedWithTheFile() throws IOException {
        Path dir = TinyClip.write(tmp.resolve("renamed"), "");
        Files.write(dir.resolve("image.onnx"), TinyClip.imageTower("images"));
        var e = assertThrows(ClusterbyException.BadFile.class, () -> ClipEncoder.load(dir).close());
        assertTrue(e.getMessage().contains("image.onnx") && e.getMessage().contains("pixel_values") && e.getMessage().contains("images"),
                e.getMessage());
        // Naming the input in clip.json fixes it.
        Files.writeString(dir.resolve("clip.json"), "{\"image_size\": 32, \"image_input\": \"images\", \"pad_id\": 0}");
        try (ClipEncoder renamed = ClipEncoder.load(dir)) {
            assertEquals(TinyClip.DIM, renamed.dimension());
        }
    }

    @Test
    void aSizeMismatchAndUnknownKeysAreReported() throws IOException {
        Path dir = TinyClip.write(tmp.resolve("size"), "");
        Files.writeString(dir.resolve("clip.json"), "{\"image_size\": 224}");
        var e = assertThrows(ClusterbyException.BadFile.class, () -> ClipEncoder.load(dir).close());
        assertTrue(e.getMessage().contains("[N, 3, 224, 224]"), e.getMessage());
        Files.writeString(dir.resolve("clip.json"), "{\"image_sise\": 32}");
        e = assertThrows(ClusterbyException.BadFile.class, () -> ClipEncoder.load(dir).close());
        assertTrue(e.getMessage().contains("image_sise"), e.getMessage());
    }

    @Test
    void withoutTextTowerImagesWorkAndInstructionsSaySo() throws IOException {
        Path dir = TinyClip.write(tmp.resolve("vision-only"), "");
        Files.delete(dir.resolve("text.onnx"));
        try (ClipEncoder vision = ClipEncoder.load(dir)) {
            assertEquals(1, encode(vision, List.of(input("r", solid(32, 32, 0xff0000))), null).length);
            var e = assertThrows(ClusterbyException.Unavailable.class, vision::textEncoderForInstructions);
            assertTrue(e.getMessage().contains("text tower"), e.getMessage());
        }
    }

    @Test
    void cudaAskedForWithoutCudaIsAClearError() {
        String before = System.getProperty("clusterby.device");
        System.setProperty("clusterby.device", "cuda");
        try {
            var e = assertThrows(ClusterbyException.Unavailable.class, () -> ClipEncoder.load(tmp.resolve("tiny")).close());
            assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
        } finally {
            if (before == null) System.clearProperty("clusterby.device");
            else System.setProperty("clusterby.device", before);
        }
    }

    @Test
    void closeTwiceIsSafeAndUseAfterCloseFails() throws IOException {
        ClipEncoder own = ClipEncoder.load(tmp.resolve("tiny"));
        own.close();
        own.close();
        assertThrows(IllegalStateException.class, () -> encode(own, List.of(input("r", solid(32, 32, 0xff0000))), null));
    }

    @Test
    void theRegistryHandsOutOneInstancePerFolder() {
        Encoder a = Encoders.clip(tmp.resolve("tiny"));
        Encoder b = Encoders.resolve("clip:" + tmp.resolve("tiny").resolve("."), Encoder.Modality.IMAGE);
        assertSame(a, b);
        assertEquals("clip", a.id());
        assertEquals(Encoder.Modality.TEXT, a.textEncoderForInstructions().modality());
        var e = assertThrows(ClusterbyException.BadFile.class, () -> Encoders.clip(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }
}
