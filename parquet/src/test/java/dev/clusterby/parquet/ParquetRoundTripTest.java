package dev.clusterby.parquet;

import dev.clusterby.BooleanColumn;
import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.ImageColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.TimestampColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ParquetRoundTripTest {
    @TempDir Path dir;

    static DataPanel everyType() {
        BitSet missingRow1 = new BitSet();
        missingRow1.set(1);
        return DataPanel.of(
                StringColumn.of("text", "héllo wörld", null, "third"),
                IntColumn.wrap("count", new long[]{Long.MIN_VALUE, 0, 42}, missingRow1),
                DoubleColumn.wrap("score", new double[]{-0.5, 0, Double.NaN}, missingRow1),
                BooleanColumn.wrap("flag", bits(0), missingRow1, 3),
                TimestampColumn.of("when", Instant.parse("1969-12-31T23:59:59.999Z"), null, Instant.parse("2026-12-01T12:00:00Z")),
                TensorColumn.of("emb", new float[][]{{1f, -2f, 3.5f}, {0f, 0f, 0f}, {Float.MIN_VALUE, 1e30f, -0f}}).withMissing(missingRow1));
    }

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) b.set(i);
        return b;
    }

    @Test
    void everyColumnTypeAndMissingValueRoundTrips() {
        Path file = dir.resolve("rows.parquet");
        try (DataPanel written = everyType()) {
            written.write(file);
            try (DataPanel read = DataPanel.read(file)) {
                assertEquals(written.columnNames(), read.columnNames());
                assertEquals(3, read.size());
                for (String name : written.columnNames()) {
                    assertEquals(written.column(name).type(), read.column(name).type(), name);
                    for (int r = 0; r < 3; r++) {
                        assertEquals(written.column(name).isMissing(r), read.column(name).isMissing(r), name + " row " + r);
                        if (written.column(name).isMissing(r)) continue;
                        Object expected = written.column(name).get(r), actual = read.column(name).get(r);
                        if (expected instanceof float[] f) assertArrayEquals(f, (float[]) actual, name);
                        else assertEquals(expected, actual, name + " row " + r);
                    }
                }
                assertEquals(3, read.tensorColumn("emb").dim());
            }
        }
    }

    @Test
    void aMissingVectorBeforeTheFirstOneKeepsItsRow() {
        Path file = dir.resolve("gaps.parquet");
        try (DataPanel written = DataPanel.of(TensorColumn.of("v", new float[][]{{0, 0}, {1, 2}, {0, 0}, {3, 4}}).withMissing(bits(0, 2)))) {
            written.write(file);
        }
        try (DataPanel read = DataPanel.read(file)) {
            TensorColumn v = read.tensorColumn("v");
            assertTrue(v.isMissing(0) && v.isMissing(2));
            assertArrayEquals(new float[]{1, 2}, v.get(1));
            assertArrayEquals(new float[]{3, 4}, v.get(3));
        }
    }

    @Test
    void aFolderOfPartFilesIsOnePanel() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("out.parquet"));
        try (DataPanel a = DataPanel.of(IntColumn.of("id", 1, 2), StringColumn.of("s", "a", "b"));
             DataPanel b = DataPanel.of(IntColumn.of("id", 3), StringColumn.of("s", "c"))) {
            a.write(folder.resolve("part-00000-x.snappy.parquet"));
            b.write(folder.resolve("part-00001-x.snappy.parquet"));
        }
        Files.write(folder.resolve("_SUCCESS"), new byte[0]);
        Files.write(folder.resolve(".part-00000-x.snappy.parquet.crc"), new byte[]{1, 2, 3});
        try (DataPanel read = DataPanel.read(folder)) {
            assertArrayEquals(new long[]{1, 2, 3}, read.intColumn("id").toLongArray());
            assertEquals(List.of("a", "b", "c"), read.stringColumn("s").values());
        }
    }

    @Test
    void columnsParquetCannotHoldAreNamed() {
        Path file = dir.resolve("images.parquet");
        try (DataPanel panel = DataPanel.of(ImageColumn.ofFiles("image", List.of(dir.resolve("a.png"))))) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> panel.write(file));
            assertTrue(error.getMessage().startsWith("cannot write " + file + ": column 'image' is image"), error.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void damagedAndHostileFilesAreBadFilesNamingTheFile() throws IOException {
        Path good = dir.resolve("good.parquet");
        try (DataPanel panel = everyType()) {
            panel.write(good);
        }
        byte[] bytes = Files.readAllBytes(good);
        Random random = new Random(16);
        int tried = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = bytes.clone();
            switch (trial % 3) {
                case 0 -> bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));   // truncated
                case 1 -> { for (int f = 0; f < 1 + random.nextInt(8); f++) bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255)); }
                default -> { byte[] noise = new byte[random.nextInt(200)]; random.nextBytes(noise); bad = noise; }
            }
            Path file = Files.write(dir.resolve("bad" + trial + ".parquet"), bad);
            try (DataPanel read = DataPanel.read(file)) {
                assertEquals(3, read.size(), "a file that still decodes gives the rows it holds");   // flipped bits in data pages can survive
            } catch (ClusterbyException e) {
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
                tried++;
            }
        }
        assertTrue(tried > 200, "most damaged files must be refused, " + tried + " were");
    }
}
