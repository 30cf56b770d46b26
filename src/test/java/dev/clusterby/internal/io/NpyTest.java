package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;

class NpyTest {
    @TempDir Path dir;

    /** Exactly what {@code np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))} writes, NumPy 1.x/2.x. */
    static byte[] numpyArange2x3() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0x00});
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        out.writeBytes((dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) data.putFloat(i);
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    @Test
    void readsTheFileNumpyWrites() throws IOException {
        byte[] bytes = numpyArange2x3();
        assertEquals(128 + 24, bytes.length, "NumPy pads the header to 128 bytes");
        Path file = Files.write(dir.resolve("x.npy"), bytes);
        try (DataPanel panel = DataPanel.read(file)) {
            TensorColumn tensor = panel.tensorColumn("tensor");
            assertEquals(2, tensor.size());
            assertEquals(3, tensor.dim());
            assertArrayEquals(new float[] {0, 1, 2}, tensor.get(0));
            assertArrayEquals(new float[] {3, 4, 5}, tensor.get(1));
        }
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        Path file = dir.resolve("w.npy");
        try (TensorColumn column = TensorColumn.of("t", new float[][] {{0, 1, 2}, {3, 4, 5}})) {
            Npy.write(file, column.matrix());
        }
        assertArrayEquals(numpyArange2x3(), Files.readAllBytes(file));
    }

    @Test
    void convertsFloat64AndIntegerTypesAndBothByteOrders() throws IOException {
        Path f8 = file("f8.npy", "<f8", "(2, 2)", ByteOrder.LITTLE_ENDIAN, b -> b.putDouble(0.5).putDouble(-1e10).putDouble(3).putDouble(Math.PI));
        try (DataPanel panel = DataPanel.read(f8)) {
            assertArrayEquals(new float[] {0.5f, -1e10f}, panel.tensorColumn("tensor").get(0));
            assertArrayEquals(new float[] {3f, (float) Math.PI}, panel.tensorColumn("tensor").get(1));
        }
        Path bigF4 = file("bf4.npy", ">f4", "(1, 3)", ByteOrder.BIG_ENDIAN, b -> b.putFloat(1.5f).putFloat(-2).putFloat(1e-3f));
        try (DataPanel panel = DataPanel.read(bigF4)) {
            assertArrayEquals(new float[] {1.5f, -2, 1e-3f}, panel.tensorColumn("tensor").get(0));
        }
        Path bytes = file("u1.npy", "|u1", "(2, 2, 2)", ByteOrder.LITTLE_ENDIAN, b -> b.put(new byte[] {0, 1, 2, 3, 4, 5, 6, (byte) 255}));
        try (DataPanel panel = DataPanel.read(bytes)) {
            TensorColumn tensor = panel.tensorColumn("tensor");
            assertEquals(4, tensor.dim(), "trailing dimensions flatten into one row");
            assertArrayEquals(new float[] {4, 5, 6, 255}, tensor.get(1));
        }
    }

    @Test
    void oneDimensionalArraysBecomeLabelOrValueColumns() throws IOException {
        Path i8 = file("i8.npy", "<i8", "(3,)", ByteOrder.LITTLE_ENDIAN, b -> b.putLong(2).putLong(-1).putLong(Long.MAX_VALUE));
        try (DataPanel panel = DataPanel.read(i8)) {
            assertArrayEquals(new long[] {2, -1, Long.MAX_VALUE}, panel.intColumn("label").toLongArray());
        }
        Path i4 = file("i4.npy", ">i4", "(2,)", ByteOrder.BIG_ENDIAN, b -> b.putInt(-7).putInt(70000));
        try (DataPanel panel = DataPanel.read(i4)) {
            assertArrayEquals(new long[] {-7, 70000}, panel.intColumn("label").toLongArray());
        }
        Path u1 = file("u1.npy", "|u1", "(2,)", ByteOrder.LITTLE_ENDIAN, b -> b.put((byte) 200).put((byte) 9));
        try (DataPanel panel = DataPanel.read(u1)) {
            assertArrayEquals(new long[] {200, 9}, panel.intColumn("label").toLongArray());
        }
        Path f4 = file("f4.npy", "<f4", "(2,)", ByteOrder.LITTLE_ENDIAN, b -> b.putFloat(0.25f).putFloat(Float.NaN));
        try (DataPanel panel = DataPanel.read(f4)) {
            assertEquals(0.25, panel.doubleColumn("value").getDouble(0));
            assertTrue(Double.isNaN(panel.doubleColumn("value").getDouble(1)));
        }
    }

    @Test
    void fortranOrderIsTransposed() throws IOException {
        // The 2×3 matrix [[0, 1, 2], [3, 4, 5]] stored column by column.
        Path file = file("f.npy", "<f4", "(2, 3)", true, ByteOrder.LITTLE_ENDIAN, 2,
                b -> { for (float v : new float[] {0, 3, 1, 4, 2, 5}) b.putFloat(v); });
        try (DataPanel panel = DataPanel.read(file)) {
            assertArrayEquals(new float[] {0, 1, 2}, panel.tensorColumn("tensor").get(0));
            assertArrayEquals(new float[] {3, 4, 5}, panel.tensorColumn("tensor").get(1));
        }
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        for (int version : new int[] {2, 3}) {
            Path file = file("v" + version + ".npy", "<i8", "(2,)", false, ByteOrder.LITTLE_ENDIAN, version, b -> b.putLong(4).putLong(5));
            try (DataPanel panel = DataPanel.read(file)) {
                assertArrayEquals(new long[] {4, 5}, panel.intColumn("label").toLongArray(), "version " + version);
            }
        }
    }

    @Test
    void writersRoundTripTensorsLabelsAndValues() throws IOException {
        Path tensorFile = dir.resolve("t.npy");
        BitSet missing = new BitSet();
        missing.set(2);
        try (DataPanel panel = DataPanel.of(JsonLinesTest.tensorOfTen(missing), StringColumn.of("s", new String[10]))) {
            panel.write(tensorFile);
            try (DataPanel back = DataPanel.read(tensorFile)) {
                TensorColumn tensor = back.tensorColumn("tensor");
                assertArrayEquals(panel.tensorColumn("vec").get(9), tensor.get(9));
                assertTrue(Float.isNaN(tensor.get(2, 0)), "a missing row is written as NaN");
            }
        }
        Path labels = dir.resolve("labels.npy");
        try (DataPanel panel = DataPanel.of(IntColumn.of("id", 9, 9), IntColumn.of("cluster", 0, 3), DoubleColumn.of("x", 1, 2))) {
            panel.write(labels);
        }
        try (DataPanel back = DataPanel.read(labels)) {
            assertArrayEquals(new long[] {0, 3}, back.intColumn("label").toLongArray());
        }
        Path ints = dir.resolve("ints.npy");
        Npy.writeInts(ints, new long[] {5, -6});
        assertArrayEquals(new long[] {5, -6}, Npy.read(ints).intColumn("label").toLongArray());
        Path values = dir.resolve("values.npy");
        try (DataPanel panel = DataPanel.of(DoubleColumn.of("x", 0.1, -2))) {
            panel.write(values);
        }
        assertArrayEquals(new double[] {0.1, -2}, Npy.read(values).doubleColumn("value").toDoubleArray());
    }

    @Test
    void writerExplainsWhichColumnsItCanWrite() {
        Path file = dir.resolve("many.npy");
        try (DataPanel panel = DataPanel.of(IntColumn.of("a", 1), IntColumn.of("b", 2))) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> panel.write(file));
            assertTrue(error.getMessage().contains(file.toString()) && error.getMessage().contains("one array"), error.getMessage());
        }
        try (DataPanel panel = DataPanel.of(IntColumn.wrap("cluster", new long[] {1, 2}, BitSet.valueOf(new long[] {2})))) {
            var error = assertThrows(ClusterbyException.InvalidData.class, () -> panel.write(file));
            assertTrue(error.getMessage().contains("row 1 is missing"), error.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void largeMatrixRoundTripsInChunks() throws IOException {
        int rows = 70_000, cols = 5; // 1.4 MB: more than one copy chunk
        Path file = dir.resolve("big.npy");
        try (TensorColumn column = TensorColumn.allocate("t", rows, cols)) {
            FloatMatrix matrix = column.matrix();
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) matrix.set(r, c, r * 10 + c);
            Npy.write(file, matrix);
        }
        try (DataPanel back = Npy.read(file)) {
            TensorColumn t = back.tensorColumn("tensor");
            assertEquals(rows, t.size());
            assertEquals(699_994f, t.get(69_999, 4));
            assertEquals(123_452f, t.get(12_345, 2));
        }
    }

    @Test
    void corruptFilesNameThePathAndTheProblem() throws IOException {
        Path magic = Files.write(dir.resolve("magic.npy"), "not numpy at all".getBytes(StandardCharsets.US_ASCII));
        assertBad(magic, "bad magic");

        byte[] whole = numpyArange2x3();
        Path truncated = Files.write(dir.resolve("short.npy"), Arrays.copyOf(whole, whole.length - 5));
        assertBad(truncated, "truncated: shape (2, 3) of <f4 needs 24 bytes of data, the file has 19");
        Path extra = Files.write(dir.resolve("long.npy"), Arrays.copyOf(whole, whole.length + 4));
        assertBad(extra, "size mismatch");
        Path headerCut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(whole, 40));
        assertBad(headerCut, "truncated header");

        assertBad(file("c8.npy", "<c8", "(1,)", ByteOrder.LITTLE_ENDIAN, b -> b.putLong(0)), "unsupported dtype '<c8'");
        assertBad(file("obj.npy", "|O", "(1,)", ByteOrder.LITTLE_ENDIAN, b -> b.putLong(0)), "unsupported dtype '|O'");
        assertBad(file("scalar.npy", "<f8", "()", ByteOrder.LITTLE_ENDIAN, b -> b.putDouble(1)), "0-d");
        assertBad(file("bad-shape.npy", "<f8", "(a, 2)", ByteOrder.LITTLE_ENDIAN, b -> {}), "bad shape");
    }

    private static void assertBad(Path file, String expected) {
        var error = assertThrows(ClusterbyException.BadFile.class, () -> Npy.read(file).close());
        assertTrue(error.getMessage().startsWith(file + ": "), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    private Path file(String name, String descr, String shape, ByteOrder order, java.util.function.Consumer<ByteBuffer> data) throws IOException {
        return file(name, descr, shape, false, order, 1, data);
    }

    /** A .npy file with a hand-written header of the given version, padded the way NumPy pads it. */
    private Path file(String name, String descr, String shape, boolean fortran, ByteOrder order, int version,
                      java.util.function.Consumer<ByteBuffer> data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int preamble = version == 1 ? 10 : 12;
        int total = (preamble + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - preamble - dict.length() - 1) + "\n";
        ByteBuffer body = ByteBuffer.allocate(4096).order(order);
        data.accept(body);
        ByteBuffer out = ByteBuffer.allocate(total + body.position()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(Npy.MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) out.putShort((short) header.length());
        else out.putInt(header.length());
        out.put(header.getBytes(StandardCharsets.UTF_8)).put(body.array(), 0, body.position());
        return Files.write(dir.resolve(name), out.array());
    }
}
