package dev.clusterby.cluster;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.fail;

/** The real labelled sets the quality tests read, as float32 matrices with their true labels. */
record LabeledSets(FloatMatrix data, int[] labels) {

    /** scikit-learn's digits: 1797×64 pixels (0..16) + label. */
    static LabeledSets digits(Arena arena) {
        return csv(arena, "/data/digits.csv.gz", false);
    }

    /** scikit-learn's iris: a header line, then 150×4 features + label. */
    static LabeledSets iris(Arena arena) {
        return csv(arena, "/data/iris.csv", true);
    }

    /** The first {@code count} Fashion-MNIST test images, pixels / 255. Fails (never skips) when the data is missing. */
    static LabeledSets fashion(Arena arena, int count) {
        Path dir = Path.of("data/fashion-mnist");
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz"), labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
            fail("Fashion-MNIST is missing under " + dir.toAbsolutePath() + "; run scripts/fetch-data.sh");
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(images)));
             DataInputStream lin = new DataInputStream(new GZIPInputStream(Files.newInputStream(labels)))) {
            if (in.readInt() != 0x803) throw new IOException("not an IDX image file: " + images);
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (lin.readInt() != 0x801 || lin.readInt() != n) throw new IOException("labels do not match: " + labels);
            int take = Math.min(count, n), d = rows * cols;
            FloatMatrix data = Segments.matrix(arena, take, d);
            byte[] pixels = new byte[d];
            int[] truth = new int[take];
            for (int i = 0; i < take; i++) {
                in.readFully(pixels);
                for (int j = 0; j < d; j++) data.set(i, j, (pixels[j] & 0xff) / 255f);
                truth[i] = lin.readUnsignedByte();
            }
            return new LabeledSets(data, truth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LabeledSets csv(Arena arena, String resource, boolean header) {
        List<float[]> rows = new ArrayList<>();
        try (InputStream raw = LabeledSets.class.getResourceAsStream(resource)) {
            if (raw == null) throw new IOException("missing test resource " + resource);
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            if (header) reader.readLine();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] parts = line.split(",");
                float[] row = new float[parts.length];
                for (int j = 0; j < parts.length; j++) row[j] = Float.parseFloat(parts[j].trim());
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = rows.size(), d = rows.getFirst().length - 1;
        FloatMatrix data = Segments.matrix(arena, n, d);
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) data.set(i, j, rows.get(i)[j]);
            truth[i] = (int) rows.get(i)[d];
        }
        return new LabeledSets(data, truth);
    }
}
