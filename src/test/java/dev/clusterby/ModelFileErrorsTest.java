package dev.clusterby;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.internal.Hashes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** A missing, corrupt, truncated, future-version or foreign model file: one clear error naming the file, nothing else. */
class ModelFileErrorsTest {
    @TempDir
    static Path folder;
    static Path good;
    static byte[] goodBytes;

    @BeforeAll
    static void saveOne() throws IOException {
        float[][] rows = new float[200][];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[8];
            for (int j = 0; j < 8; j++) rows[i][j] = (float) (random.nextGaussian() + (i % 3) * 4);
        }
        try (DataPanel panel = DataPanel.of(TensorColumn.of("tensor", rows))) {
            good = folder.resolve("good.zip");
            ClusterModel.of(panel.clusterBy("tensor", KMeans.Options.of(3))).save(good);
        }
        goodBytes = Files.readAllBytes(good);
        assertEquals(3, ClusterModel.load(good).k());
    }

    private static ClusterbyException.BadFile badFile(Path file) {
        ClusterbyException.BadFile e = assertThrows(ClusterbyException.BadFile.class, () -> ClusterModel.load(file));
        assertTrue(e.getMessage().contains(file.toString()), "the message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void aMissingFileSaysSo() {
        assertTrue(badFile(folder.resolve("nothing.zip")).getMessage().contains("does not exist"));
    }

    @Test
    void aTruncatedFileSaysSo() throws IOException {
        for (int length : new int[] {0, 10, goodBytes.length / 2, goodBytes.length - 30}) {
            Path cut = folder.resolve("cut-" + length + ".zip");
            Files.write(cut, java.util.Arrays.copyOf(goodBytes, length));
            String message = badFile(cut).getMessage();
            assertTrue(message.contains("truncated") || message.contains("empty") || message.contains("is missing")
                    || message.contains("has no"), message);
        }
    }

    @Test
    void aChangedArrayOrManifestIsCorrupt() throws IOException {
        Map<String, byte[]> entries = entries(goodBytes);
        byte[] centroids = entries.get("state-centroids.npy").clone();
        centroids[centroids.length - 3] ^= 0x40;
        Map<String, byte[]> changed = new LinkedHashMap<>(entries);
        changed.put("state-centroids.npy", centroids);
        Path file = write("changed-array.zip", changed);
        assertTrue(badFile(file).getMessage().contains("corrupt"), badFile(file).getMessage());

        changed = new LinkedHashMap<>(entries);
        changed.put("manifest.json", new String(entries.get("manifest.json"), StandardCharsets.UTF_8)
                .replace("\"k\": 3", "\"k\": 4").getBytes(StandardCharsets.UTF_8));
        Path manifest = write("changed-manifest.zip", changed);
        assertTrue(badFile(manifest).getMessage().contains("checksum"), badFile(manifest).getMessage());
    }

    @Test
    void aNewerFormatSaysUpgrade() throws IOException {
        Map<String, byte[]> entries = entries(goodBytes);
        JsonObject manifest = JsonParser.parseString(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        manifest.addProperty("format-version", 2);
        Path file = withManifest("future.zip", entries, manifest);
        String message = badFile(file).getMessage();
        assertTrue(message.contains("format version 2") && message.contains("newer"), message);
    }

    @Test
    void anEncoderThatIsNotHereIsNamed() throws IOException {
        Map<String, byte[]> entries = entries(goodBytes);
        JsonObject manifest = JsonParser.parseString(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        manifest.getAsJsonObject("column").addProperty("modality", "text");
        manifest.getAsJsonObject("encoder").addProperty("id", "no-such-encoder");
        manifest.getAsJsonObject("encoder").addProperty("version", "abc123");
        Path file = withManifest("foreign-encoder.zip", entries, manifest);
        ClusterbyException e = assertThrows(ClusterbyException.Unavailable.class, () -> ClusterModel.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no-such-encoder")
                && e.getMessage().contains("abc123"), e.getMessage());

        manifest.getAsJsonObject("encoder").addProperty("id", "minilm");
        Path other = withManifest("other-version.zip", entries, manifest);
        ClusterbyException version = assertThrows(ClusterbyException.Unavailable.class, () -> ClusterModel.load(other));
        assertTrue(version.getMessage().contains("version abc123"), version.getMessage());
    }

    @Test
    void aFolderOfTheUnzippedFilesLoadsToo() throws IOException {
        Path dir = Files.createDirectories(folder.resolve("unzipped"));
        for (var e : entries(goodBytes).entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        assertEquals(3, ClusterModel.load(dir).k());
        Files.delete(dir.resolve("state-centroids.npy"));
        assertTrue(badFile(dir).getMessage().contains("state-centroids.npy"));
    }

    /**
     * Seeded corruptions of a valid file (flipped bytes, cut tails, spliced runs, and the same inside the manifest
     * with its checksum made to match): the reader may accept a file or refuse it, but only with a ClusterbyException.
     */
    @Test
    void hostileBytesGiveOnlyClusterbyExceptions() throws IOException {
        SplittableRandom random = new SplittableRandom(20261201);
        Map<String, byte[]> entries = entries(goodBytes);
        byte[] manifest = entries.get("manifest.json");
        Path file = folder.resolve("fuzz.zip");
        int refused = 0;
        for (int round = 0; round < 1500; round++) {
            byte[] bytes;
            if (round % 2 == 0) {
                bytes = mutate(goodBytes, random);
            } else {
                Map<String, byte[]> changed = new LinkedHashMap<>(entries);
                byte[] m = mutate(manifest, random);
                changed.put("manifest.json", m);
                changed.put("manifest.sha256", (Hashes.sha256Hex(m) + "\n").getBytes(StandardCharsets.US_ASCII));
                if (random.nextInt(4) == 0) {
                    String array = random.nextBoolean() ? "state-centroids.npy" : "manifest.sha256";
                    changed.put(array, mutate(changed.get(array), random));
                }
                bytes = zip(changed);
            }
            Files.write(file, bytes);
            try {
                ClusterModel.read(file);
            } catch (ClusterbyException expected) {
                refused++;
            } catch (Throwable other) {
                fail("round " + round + ": " + other, other);
            }
        }
        assertTrue(refused > 500, refused + " refusals");
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> { for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8)); }
            case 1 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                int at = random.nextInt(bytes.length), length = Math.min(bytes.length - at, 1 + random.nextInt(16));
                int to = random.nextInt(bytes.length - length + 1);
                System.arraycopy(original, at, bytes, to, length);
            }
            default -> { for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) bytes[random.nextInt(bytes.length)] = (byte) "{}[]\",:-9e0".charAt(random.nextInt(11)); }
        }
        return bytes;
    }

    private static Map<String, byte[]> entries(byte[] zipBytes) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(zipBytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) out.put(e.getName(), zip.readAllBytes());
        }
        return out;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static Path write(String name, Map<String, byte[]> entries) throws IOException {
        Path file = folder.resolve(name);
        Files.write(file, zip(entries));
        return file;
    }

    private static Path withManifest(String name, Map<String, byte[]> entries, JsonObject manifest) throws IOException {
        byte[] m = manifest.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> changed = new LinkedHashMap<>(entries);
        changed.put("manifest.json", m);
        changed.put("manifest.sha256", (Hashes.sha256Hex(m) + "\n").getBytes(StandardCharsets.US_ASCII));
        return write(name, changed);
    }
}
