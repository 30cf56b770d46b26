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

/** The real labelled sets the quality tests use, read with plain Java into off-heap float32 matrices. */
record RealData(FloatMatrix x, int[] labels) {

    /** sklearn's digits: 1797 rows of 64 pixels (0..16) and the digit as the last column. */
    static RealData digits(Arena arena) {
        return csv(arena, "/data/digits.csv.gz", false);
    }

    /** sklearn's iris: a header line, then 150 rows of 4 measurements and the species index. */
    static RealData iris(Arena arena) {
        return csv(arena, "/data/iris.csv", true);
    }

    /** The Fashion-MNIST test set: 10,000 images of 784 pixels scaled to [0, 1], and 10 classes. */
    static RealData fashionTest(Arena arena) {
        Path images = Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
        Path labels = Path.of("data/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
            fail("Fashion-MNIST is missing (" + images + "); run scripts/fetch-data.sh first");
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(images), 1 << 16));
             DataInputStream inLabels = new DataInputStream(new GZIPInputStream(Files.newInputStream(labels)))) {
            if (in.readInt() != 0x803) fail(images + " is not an IDX image file");
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (inLabels.readInt() != 0x801 || inLabels.readInt() != n) fail(labels + " does not match " + images);
            int d = rows * cols;
            FloatMatrix x = Segments.matrix(arena, n, d);
            byte[] pixels = new byte[d];
            for (int i = 0; i < n; i++) {
                in.readFully(pixels);
                for (int j = 0; j < d; j++) x.set(i, j, (pixels[j] & 0xff) / 255f);
            }
            int[] truth = new int[n];
            for (int i = 0; i < n; i++) truth[i] = inLabels.readUnsignedByte();
            return new RealData(x, truth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RealData fashionPca50;

    /** Fashion-MNIST test pixels / 255 projected on their top 50 principal axes (computed once per test JVM). */
    static synchronized RealData fashionPca50() {
        if (fashionPca50 == null) {
            try (Arena scratch = Arena.ofConfined()) {
                RealData raw = fashionTest(scratch);
                fashionPca50 = new RealData(Pca.project(raw.x(), 50, Arena.ofAuto()), raw.labels());
            }
        }
        return fashionPca50;
    }

    private static RealData csv(Arena arena, String resource, boolean header) {
        try (InputStream raw = RealData.class.getResourceAsStream(resource)) {
            if (raw == null) fail("test resource " + resource + " is missing");
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            if (header) reader.readLine();
            List<double[]> rows = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] parts = line.split(",");
                double[] row = new double[parts.length];
                for (int j = 0; j < parts.length; j++) row[j] = Double.parseDouble(parts[j]);
                rows.add(row);
            }
            int n = rows.size(), d = rows.get(0).length - 1;
            FloatMatrix x = Segments.matrix(arena, n, d);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) x.set(i, j, (float) rows.get(i)[j]);
                labels[i] = (int) rows.get(i)[d];
            }
            return new RealData(x, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
