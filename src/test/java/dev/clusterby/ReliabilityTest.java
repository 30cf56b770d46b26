package dev.clusterby;

import dev.clusterby.cluster.KMeans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per family of issue #11 that the API can show: awkward numbers (options, sums, values beyond float32),
 * hostile files (a gzip IDX that inflates past its header, an image that declares 20000×20000, two JSON objects
 * on a line), and data written back as it was read. The clusterers' numerics are in ClustererPropertiesTest.
 */
class ReliabilityTest {

    @Test
    void anOptionOutOfRangeIsABadOptionNamingIt() {
        DataPanel panel = DataPanel.of(DoubleColumn.of("x", 1, 2, 3, 10, 11, 12));
        var tooBig = assertThrows(ClusterbyException.BadOption.class,
                () -> panel.clusterBy("x", "kmeans", Map.of("k", 1L << 40)));
        assertTrue(tooBig.getMessage().contains("k"), tooBig.getMessage());
        var fraction = assertThrows(ClusterbyException.BadOption.class,
                () -> panel.clusterBy("x", "kmeans", Map.of("k", 2.5)));
        assertTrue(fraction.getMessage().contains("k"), fraction.getMessage());
        var huge = assertThrows(ClusterbyException.BadOption.class,
                () -> panel.clusterBy("x", "kmeans", Map.of("seed", 1e30)));
        assertTrue(huge.getMessage().contains("seed"), huge.getMessage());
    }

    @Test
    void notANumberIsNoOption() {
        DataPanel panel = DataPanel.of(DoubleColumn.of("x", 1, 2, 3, 10, 11, 12));
        for (Object nan : List.of(Double.NaN, "NaN", "Infinity")) {
            var e = assertThrows(ClusterbyException.BadOption.class,
                    () -> panel.clusterBy("x", "hierarchical", Map.of("distance-threshold", nan)));
            assertTrue(e.getMessage().contains("distance-threshold"), e.getMessage());
        }
    }

    @Test
    void integerSumsNeverWrap() {
        DataPanel panel = DataPanel.of(IntColumn.of("g", 0, 0, 1), IntColumn.of("v", Long.MAX_VALUE, Long.MAX_VALUE, 5));
        var e = assertThrows(ClusterbyException.InvalidData.class, () -> panel.groupBy("g").aggregate("v", Agg.SUM));
        assertTrue(e.getMessage().contains("'v'"), e.getMessage());
        // A mean of the same values goes on in double; min and max stay exact longs (2^53 + 1 survives).
        DataPanel mean = panel.groupBy("g").aggregate("v", Agg.MEAN);
        assertEquals(9.223372036854776E18, mean.doubleColumn("mean(v)").getDouble(0), 1e4);
        DataPanel exact = DataPanel.of(IntColumn.of("g", 0, 0), IntColumn.of("v", (1L << 53) + 1, 3));
        assertEquals((1L << 53) + 1, exact.groupBy("g").aggregate("v", Agg.MAX).intColumn("max(v)").getLong(0));
        DataPanel doubles = DataPanel.of(IntColumn.of("g", 0, 0), DoubleColumn.of("v", 1e308, 1e308));
        assertThrows(ClusterbyException.InvalidData.class, () -> doubles.groupBy("g").aggregate("v", Agg.SUM));
    }

    @Test
    void numbersBeyondFloat32AreClusteredNotInfinite() {
        double[] values = {1, 2, 3, 1e300, 1.1e300, 1.2e300};
        DataPanel panel = DataPanel.of(DoubleColumn.of("x", values));
        int[] labels = panel.clusterBy("x", KMeans.Options.of(2)).labels().toIntArray(-1);
        assertEquals(labels[0], labels[1]);
        assertEquals(labels[0], labels[2]);
        assertEquals(labels[3], labels[4]);
        assertTrue(labels[0] != labels[3], java.util.Arrays.toString(labels));
        // Seconds since 1970 differ by 60 where float32 steps by 128: still two clusters.
        DataPanel seconds = DataPanel.of(IntColumn.of("t", 1_700_000_000L, 1_700_000_001L, 1_700_000_060L, 1_700_000_061L));
        int[] byTime = seconds.clusterBy("t", KMeans.Options.of(2)).labels().toIntArray(-1);
        assertEquals(byTime[0], byTime[1]);
        assertTrue(byTime[1] != byTime[2], java.util.Arrays.toString(byTime));
    }

    @Test
    void aUsersOwnClusterColumnIsNeverOverwritten() {
        DataPanel panel = DataPanel.of(DoubleColumn.of("x", 1, 2, 10, 11), StringColumn.of("cluster", "mine", "a", "b", "c"));
        DataPanel labelled = panel.clusterBy("x", KMeans.Options.of(2)).toDataPanel();
        assertEquals(List.of("mine", "a", "b", "c"), labelled.stringColumn("cluster").values());
        assertEquals(4, labelled.intColumn("cluster_1").size());
    }

    @Test
    void writtenRowsKeepEveryValueAsWritten(@TempDir Path dir) throws IOException {
        String csv = """
                zip,id,when,price,cluster
                02134,12345678901234567890,2024-01-05T10:00:00.123456+02:00,1.50,own
                02135,12345678901234567891,2024-01-05T10:00:00.654321-05:00,1.60,own
                90210,00000000000000000007,2024-01-06T10:00:00Z,100.25,own
                90211,99999999999999999999,2024-01-06T10:00:00.5Z,100.30,own
                """;
        Path input = Files.writeString(dir.resolve("in.csv"), csv);
        Path out = dir.resolve("out.csv");
        try (DataPanel panel = DataPanel.read(input)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("price", KMeans.Options.of(2));
            cb.writeLabelled(input, out);
            List<String> lines = Files.readAllLines(out);
            assertEquals("zip,id,when,price,cluster,cluster_1", lines.get(0));
            String[] original = csv.strip().split("\n");
            int[] labels = cb.labels().toIntArray(-1);
            for (int row = 0; row < 4; row++) assertEquals(original[row + 1] + "," + labels[row], lines.get(row + 1));
        }

        String jsonl = """
                {"id": "007", "v": [0.1, 0.2], "meta": {"tags": ["a", {"b": null}]}, "big": 12345678901234567890}
                {"id": "008", "v": [5.0, 5.1], "meta": {}, "big": 1e400}

                {"id": "009", "v": [5.2, 5.0], "meta": {"x": 1}, "big": -0.0}
                """;
        Path jsonIn = Files.writeString(dir.resolve("in.jsonl"), jsonl);
        Path jsonOut = dir.resolve("out.jsonl");
        try (DataPanel panel = DataPanel.read(jsonIn)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("v", KMeans.Options.of(2));
            cb.writeLabelled(jsonIn, jsonOut);
            List<String> lines = Files.readAllLines(jsonOut);
            List<String> original = jsonl.lines().filter(l -> !l.isBlank()).toList();
            int[] labels = cb.labels().toIntArray(-1);
            for (int row = 0; row < 3; row++) {
                String line = original.get(row);
                assertEquals(line.substring(0, line.length() - 1) + ", \"cluster\": " + labels[row] + "}", lines.get(row));
            }
        }
    }

    @Test
    void rowsWrittenInAnotherTextFormatKeepEveryValueAsWritten(@TempDir Path dir) throws IOException {
        String csv = """
                zip,id,when,price,note
                02134,12345678901234567890,2024-01-05T10:00:00.123456+02:00,1.50,"say ""hi"", then go"
                02135,12345678901234567891,2024-01-05T10:00:00.654321-05:00,1.60,
                90210,7,2024-01-06T10:00:00Z,1e3,true
                90211,99999999999999999999,2024-01-06T10:00:00.5Z,100.30,x
                """;
        Path input = Files.writeString(dir.resolve("in.csv"), csv);
        try (DataPanel panel = DataPanel.read(input)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("price", KMeans.Options.of(2));
            int[] labels = cb.labels().toIntArray(-1);
            Path jsonl = dir.resolve("out.jsonl");
            cb.writeLabelled(input, jsonl);
            List<String> lines = Files.readAllLines(jsonl);
            // zip has a leading zero, so it is not a JSON number as written: the column stays strings
            assertEquals("{\"zip\": \"02134\", \"id\": 12345678901234567890, \"when\": \"2024-01-05T10:00:00.123456+02:00\", "
                    + "\"price\": 1.50, \"note\": \"say \\\"hi\\\", then go\", \"cluster\": " + labels[0] + "}", lines.get(0));
            assertEquals("{\"zip\": \"02135\", \"id\": 12345678901234567891, \"when\": \"2024-01-05T10:00:00.654321-05:00\", "
                    + "\"price\": 1.60, \"note\": null, \"cluster\": " + labels[1] + "}", lines.get(1));
            assertEquals("{\"zip\": \"90210\", \"id\": 7, \"when\": \"2024-01-06T10:00:00Z\", \"price\": 1e3, \"note\": \"true\", "
                    + "\"cluster\": " + labels[2] + "}", lines.get(2));
            assertEquals(4, lines.size());

            Path tsv = dir.resolve("out.tsv");
            cb.writeLabelled(input, tsv);
            List<String> rows = Files.readAllLines(tsv);
            assertEquals("zip\tid\twhen\tprice\tnote\tcluster", rows.get(0));
            assertEquals("02134\t12345678901234567890\t2024-01-05T10:00:00.123456+02:00\t1.50\t\"say \"\"hi\"\", then go\"\t" + labels[0], rows.get(1));
            assertEquals("90211\t99999999999999999999\t2024-01-06T10:00:00.5Z\t100.30\tx\t" + labels[3], rows.get(4));

            // and back: the JSON Lines copy read as input, written as CSV, gives the original cells
            try (DataPanel again = DataPanel.read(jsonl)) {
                ClusterBy<KMeans.Model> second = again.clusterBy("price", KMeans.Options.of(2));
                Path back = dir.resolve("back.csv");
                second.writeLabelled(jsonl, back);
                List<String> backRows = Files.readAllLines(back);
                assertEquals("zip,id,when,price,note,cluster,cluster_1", backRows.get(0));
                String[] original = csv.strip().split("\n");
                int[] again2 = second.labels().toIntArray(-1);
                assertEquals(original[1] + "," + labels[0] + "," + again2[0], backRows.get(1));
                assertEquals(original[2] + "," + labels[1] + "," + again2[1], backRows.get(2));
            }
        }

        String jsonl = """
                {"id": "007", "v": [0.1, 0.2], "meta": {"tags": ["a", {"b": null}]}, "big": 12345678901234567890}
                {"id": "008", "v": [5.0, 5.1], "meta": {}, "big": 1e400, "extra": "only here"}

                {"id": "009", "v": [5.2, 5.0], "meta": {"x": 1}, "big": -0.0}
                """;
        Path jsonIn = Files.writeString(dir.resolve("in.jsonl"), jsonl);
        try (DataPanel panel = DataPanel.read(jsonIn)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("v", KMeans.Options.of(2));
            int[] labels = cb.labels().toIntArray(-1);
            Path out = dir.resolve("from-json.csv");
            cb.writeLabelled(jsonIn, out);
            List<String> rows = Files.readAllLines(out);
            assertEquals("id,v,meta,big,extra,cluster", rows.get(0));
            assertEquals("007,\"[0.1,0.2]\",\"{\"\"tags\"\":[\"\"a\"\",{\"\"b\"\":null}]}\",12345678901234567890,," + labels[0], rows.get(1));
            assertEquals("008,\"[5.0,5.1]\",{},1e400,only here," + labels[1], rows.get(2));
            assertEquals("009,\"[5.2,5.0]\",\"{\"\"x\"\":1}\",-0.0,," + labels[2], rows.get(3));
        }
    }

    @Test
    void copiesAcrossFormatsFollowTheReadersRulesForNonFiniteNumbersBlanksAndAByteOrderMark(@TempDir Path dir) throws IOException {
        // a non-finite double, as Csv.write spells it, keeps its column numeric; a blank numeric cell is missing
        Path csv = Files.writeString(dir.resolve("in.csv"), "x,name\n1.5,1\nNaN,2\n  ,10\n9.25,11\n");
        try (DataPanel panel = DataPanel.read(csv)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("name", KMeans.Options.of(2));
            int[] labels = cb.labels().toIntArray(-1);
            Path jsonl = dir.resolve("out.jsonl");
            cb.writeLabelled(csv, jsonl);
            List<String> lines = Files.readAllLines(jsonl);
            assertEquals("{\"x\": 1.5, \"name\": 1, \"cluster\": " + labels[0] + "}", lines.get(0));
            assertEquals("{\"x\": \"NaN\", \"name\": 2, \"cluster\": " + labels[1] + "}", lines.get(1));
            assertEquals("{\"x\": null, \"name\": 10, \"cluster\": " + labels[2] + "}", lines.get(2));
            try (DataPanel again = DataPanel.read(jsonl)) {
                assertEquals(ColumnType.FLOAT64, again.column("x").type(), "the copy reads back as numbers");
            }
        }
        // bare NaN inside a vector, and a byte-order mark before the first object
        Path jsonl = Files.writeString(dir.resolve("in.jsonl"), "\uFEFF{\"v\": [0.5, NaN], \"n\": 1}\n{\"v\": [7.0, 7.5], \"n\": 2}\n");
        try (DataPanel panel = DataPanel.read(jsonl)) {
            ClusterBy<KMeans.Model> cb = panel.clusterBy("n", KMeans.Options.of(2));
            int[] labels = cb.labels().toIntArray(-1);
            Path out = dir.resolve("out.csv");
            cb.writeLabelled(jsonl, out);
            assertEquals(List.of("v,n,cluster", "\"[0.5,NaN]\",1," + labels[0], "\"[7.0,7.5]\",2," + labels[1]), Files.readAllLines(out));
            Path same = dir.resolve("same.jsonl");
            cb.writeLabelled(jsonl, same);
            assertEquals("{\"v\": [0.5, NaN], \"n\": 1, \"cluster\": " + labels[0] + "}", Files.readAllLines(same).get(0));
        }
    }

    @Test
    void twoObjectsOnOneLineAreAnErrorNamingTheLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("two.jsonl"), "{\"a\": 1}\n{\"a\": 2} {\"a\": 3}\n");
        var e = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aGzipIdxThatInflatesPastItsHeaderIsRefused(@TempDir Path dir) throws IOException {
        // The header says 1 image of 2×2; the stream inflates to 64 MB of zeros after it.
        ByteBuffer header = ByteBuffer.allocate(16).putInt(0x803).putInt(1).putInt(2).putInt(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(header.array());
            gzip.write(new byte[4]);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) gzip.write(zeros);
        }
        Path file = Files.write(dir.resolve("bomb-images-idx3-ubyte.gz"), bytes.toByteArray());
        long before = usedHeap();
        var e = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(e.getMessage().contains("size mismatch"), e.getMessage());
        assertTrue(usedHeap() - before < 32L << 20, "the whole stream was held");

        ByteBuffer claims = ByteBuffer.allocate(16).putInt(0x803).putInt(1 << 30).putInt(1 << 16).putInt(1 << 16);
        Path liar = Files.write(dir.resolve("liar-images-idx3-ubyte"), claims.array());
        var big = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(liar));
        assertTrue(big.getMessage().contains("declares more than"), big.getMessage());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void anImageOverThePixelBudgetFailsItsRowBeforeDecoding() throws IOException {
        byte[] png = png(20000, 20000);
        var e = assertThrows(IOException.class, () -> new ImageColumn.BytesSource("huge", png).decode());
        assertTrue(e.getMessage().contains("20000×20000") && e.getMessage().contains("budget"), e.getMessage());
        // A small image decodes; the budget can be lowered (and so raised) by the property.
        assertEquals(3, new ImageColumn.BytesSource("small", png(3, 2)).decode().getWidth());
        String before = System.getProperty("clusterby.image.maxPixels");
        System.setProperty("clusterby.image.maxPixels", "5");
        try {
            assertThrows(IOException.class, () -> new ImageColumn.BytesSource("small", png(3, 2)).decode());
        } finally {
            if (before == null) System.clearProperty("clusterby.image.maxPixels");
            else System.setProperty("clusterby.image.maxPixels", before);
        }
    }

    @Test
    void duplicateAndBlankImagesCluster() throws IOException {
        java.awt.image.BufferedImage black = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.image.BufferedImage white = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) white.setRGB(x, y, 0xffffff);
        List<ImageColumn.Source> sources = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(i < 3 ? black : white, "png", bytes);
            sources.add(new ImageColumn.BytesSource("image" + i, bytes.toByteArray()));
        }
        DataPanel panel = DataPanel.of(ImageColumn.of("image", sources));
        int[] labels = panel.clusterBy("image", KMeans.Options.of(2)).labels().toIntArray(-1);
        for (int i = 0; i < 6; i++) assertTrue(labels[i] >= 0, java.util.Arrays.toString(labels));
        assertEquals(labels[0], labels[2]);
        assertEquals(labels[3], labels[5]);
    }

    /** A grey PNG of that size whose pixel data is one row (a decoder that ignores the header size would read it all). */
    static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        byte[] raw = new byte[(width + 1) * Math.min(height, 2)];
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] compressed = new byte[raw.length + 64];
        int length = deflater.deflate(compressed);
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
