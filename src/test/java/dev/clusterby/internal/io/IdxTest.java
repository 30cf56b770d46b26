package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IdxTest {
    @TempDir Path dir;

    /** Three 2×3 images; image i has pixels 10*i + 0..5. */
    static byte[] images() {
        ByteBuffer out = ByteBuffer.allocate(16 + 3 * 6); // big-endian, as IDX is
        out.putInt(Idx.IMAGES_MAGIC).putInt(3).putInt(2).putInt(3);
        for (int i = 0; i < 3; i++) for (int p = 0; p < 6; p++) out.put((byte) (10 * i + p));
        return out.array();
    }

    static byte[] labels(int... values) {
        ByteBuffer out = ByteBuffer.allocate(8 + values.length);
        out.putInt(Idx.LABELS_MAGIC).putInt(values.length);
        for (int v : values) out.put((byte) v);
        return out.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void gzipImagesGetTheirConventionalLabelFileAttached() throws IOException {
        Path images = Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images()));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(7, 2, 255)));
        try (DataPanel panel = DataPanel.read(images)) {
            assertEquals(List.of("image", "label"), panel.columnNames());
            assertArrayEquals(new long[] {7, 2, 255}, panel.intColumn("label").toLongArray());
            ImageColumn column = panel.imageColumn("image");
            var grey = (ImageColumn.GreySource) column.source(1);
            assertEquals("t10k-images-idx3-ubyte.gz#1", grey.label());
            assertEquals(3, grey.width());
            assertEquals(2, grey.height());
            assertArrayEquals(new byte[] {10, 11, 12, 13, 14, 15}, grey.pixels());
            assertSame(grey.buffer(), ((ImageColumn.GreySource) column.source(2)).buffer(), "rows share one buffer");
            BufferedImage image = column.image(2);
            assertEquals(3, image.getWidth());
            assertEquals(25, image.getRaster().getSample(2, 1, 0), "row 1, column 2 of image 2");
        }
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        Path packedNoSuffix = Files.write(dir.resolve("images-idx3-ubyte"), gzip(images()));
        Path plainWithGz = Files.write(dir.resolve("labels.gz"), labels(1, 2, 3));
        try (DataPanel panel = DataPanel.read(packedNoSuffix)) {
            assertEquals(List.of("image"), panel.columnNames(), "no sibling labels file under this name");
            assertEquals(3, panel.size());
        }
        try (DataPanel panel = DataPanel.read(plainWithGz)) {
            assertArrayEquals(new long[] {1, 2, 3}, panel.intColumn("label").toLongArray());
        }
    }

    @Test
    void readImagesWithLabelsPairsAnyTwoFiles() throws IOException {
        Path images = Files.write(dir.resolve("a.idx"), images());
        Path labels = Files.write(dir.resolve("b.idx"), gzip(labels(0, 1, 2)));
        try (DataPanel panel = Idx.readImagesWithLabels(images, labels)) {
            assertArrayEquals(new long[] {0, 1, 2}, panel.intColumn("label").toLongArray());
            assertEquals("a.idx#0", panel.imageColumn("image").source(0).label());
        }
        Path fewer = Files.write(dir.resolve("c.idx"), labels(0, 1));
        var error = assertThrows(ClusterbyException.BadFile.class, () -> Idx.readImagesWithLabels(images, fewer));
        assertTrue(error.getMessage().contains(fewer + " has 2 labels") && error.getMessage().contains(images + " has 3 images"),
                error.getMessage());
    }

    @Test
    void truncatedAndUnsupportedFilesAreBadFiles() throws IOException {
        byte[] whole = images();
        Path truncated = Files.write(dir.resolve("cut-idx3-ubyte"), Arrays.copyOf(whole, whole.length - 1));
        assertBad(truncated, "truncated: 3 images of 2×3 need 34 bytes, the file has 33");

        byte[] packed = gzip(whole);
        Path truncatedGzip = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(packed, packed.length - 12));
        assertBad(truncatedGzip, "truncated gzip data");

        ByteBuffer floats = ByteBuffer.allocate(12).putInt(0x00000D01).putInt(1).putFloat(1f);
        Path floatIdx = Files.write(dir.resolve("floats-idx1"), floats.array());
        assertBad(floatIdx, "unsupported IDX file: type 0x0D with 1 dimensions");

        Path notIdx = Files.write(dir.resolve("x.idx"), new byte[] {1, 2, 3, 4, 5});
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(notIdx));
        assertTrue(error.getMessage().startsWith(notIdx + ": not an IDX file"), error.getMessage());
    }

    private static void assertBad(Path file, String expected) {
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(error.getMessage().startsWith(file + ": "), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
