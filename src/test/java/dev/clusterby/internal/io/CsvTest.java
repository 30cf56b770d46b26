package dev.clusterby.internal.io;

import dev.clusterby.BooleanColumn;
import dev.clusterby.ClusterbyException;
import dev.clusterby.ColumnType;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CsvTest {
    @TempDir Path dir;

    static final String[] TRICKY = {"plain", "comma, inside", "quote \"here\"", "two\nlines", "crlf\r\nline", "ünïcødé 日本 🙂",
            null, "  padded  ", "'single'", "#hash"};

    static DataPanel everyType() {
        BitSet intMissing = new BitSet();
        intMissing.set(2);
        BitSet doubleMissing = new BitSet();
        doubleMissing.set(9);
        BitSet boolMissing = new BitSet();
        boolMissing.set(5);
        BitSet trues = new BitSet();
        trues.set(0);
        trues.set(3);
        long day = 86_400_000L;
        BitSet timeMissing = new BitSet();
        timeMissing.set(1);
        return DataPanel.of(
                StringColumn.of("text", TRICKY),
                IntColumn.wrap("count", new long[] {1, -2, 0, Long.MAX_VALUE, Long.MIN_VALUE, 7, 8, 9, 10, 11}, intMissing),
                DoubleColumn.wrap("score", new double[] {0.1, 1e-300, -2.5, Double.NaN, 1e300, 3.0, Math.PI,
                        Double.POSITIVE_INFINITY, -0.0, 0}, doubleMissing),
                BooleanColumn.wrap("flag", trues, boolMissing, 10),
                TimestampColumn.wrap("when", new long[] {0, 0, day, 1_704_448_800_123L, -day, 5, 6, 7, 8, 9}, timeMissing));
    }

    @Test
    void roundTripKeepsTypesValuesAndTrickyText() {
        Path file = dir.resolve("all.csv");
        try (DataPanel panel = everyType()) {
            panel.write(file);
            try (DataPanel back = DataPanel.read(file)) {
                assertEquals(List.of("text", "count", "score", "flag", "when"), back.columnNames());
                assertEquals(10, back.size());
                assertEquals(Arrays.asList(TRICKY), back.stringColumn("text").values());
                assertIntsEqual(panel.intColumn("count"), back.intColumn("count"));
                DoubleColumn score = back.doubleColumn("score");
                for (int r = 0; r < 10; r++) {
                    assertEquals(panel.doubleColumn("score").isMissing(r), score.isMissing(r), "row " + r);
                    if (!score.isMissing(r)) assertEquals(panel.doubleColumn("score").getDouble(r), score.getDouble(r), "row " + r);
                }
                BooleanColumn flag = back.booleanColumn("flag");
                for (int r = 0; r < 10; r++) assertEquals(panel.column("flag").get(r), flag.get(r), "row " + r);
                TimestampColumn when = back.timestampColumn("when");
                for (int r = 0; r < 10; r++) assertEquals(panel.column("when").get(r), when.get(r), "row " + r);
            }
        }
    }

    @Test
    void tsvRoundTripUsesTabs() throws IOException {
        Path file = dir.resolve("t.tsv");
        try (DataPanel panel = DataPanel.of(StringColumn.of("a", "x\ty", "z"), IntColumn.of("b", 1, 2))) {
            panel.write(file);
        }
        assertTrue(Files.readString(file).startsWith("a\tb\n"));
        try (DataPanel back = DataPanel.read(file)) {
            assertEquals(List.of("x\ty", "z"), back.stringColumn("a").values());
            assertEquals(2L, back.intColumn("b").getLong(1));
        }
    }

    @Test
    void infersEachTypeFromText() throws IOException {
        Path file = write("types.csv", """
                id,ratio,ok,day,stamp,local,code,name,blank
                1,0.5,TRUE,2024-01-05,2024-01-05T10:00:00Z,2024-01-05 10:00:00,7f,Ann,
                2,NaN,false,2024-01-06,2024-01-05T12:00:00+02:00,2024-01-05T10:30,8d,,
                ,3,True,,,,,Bob,
                """);
        try (DataPanel panel = DataPanel.read(file)) {
            assertEquals(ColumnType.INT64, panel.column("id").type());
            assertEquals(ColumnType.FLOAT64, panel.column("ratio").type());
            assertEquals(ColumnType.BOOLEAN, panel.column("ok").type());
            assertEquals(ColumnType.TIMESTAMP, panel.column("day").type());
            assertEquals(ColumnType.TIMESTAMP, panel.column("stamp").type());
            assertEquals(ColumnType.TIMESTAMP, panel.column("local").type());
            assertEquals(ColumnType.STRING, panel.column("code").type(), "7f and 8d are codes, not Java float literals");
            assertEquals(ColumnType.STRING, panel.column("blank").type());

            assertTrue(panel.intColumn("id").isMissing(2));
            assertEquals(2L, panel.intColumn("id").getLong(1));
            assertTrue(Double.isNaN(panel.doubleColumn("ratio").getDouble(1)));
            assertEquals(3.0, panel.doubleColumn("ratio").getDouble(2));
            assertEquals(List.of(true, false, true), List.of(panel.column("ok").get(0), panel.column("ok").get(1), panel.column("ok").get(2)));
            assertEquals(Instant.parse("2024-01-05T00:00:00Z"), panel.timestampColumn("day").get(0));
            assertEquals(Instant.parse("2024-01-05T10:00:00Z"), panel.timestampColumn("stamp").get(0));
            assertEquals(Instant.parse("2024-01-05T10:00:00Z"), panel.timestampColumn("stamp").get(1));
            assertEquals(Instant.parse("2024-01-05T10:00:00Z"), panel.timestampColumn("local").get(0));
            assertEquals(Instant.parse("2024-01-05T10:30:00Z"), panel.timestampColumn("local").get(1));
            assertTrue(panel.timestampColumn("local").isMissing(2));
            assertEquals(Arrays.asList("Ann", null, "Bob"), panel.stringColumn("name").values());
            assertEquals(3, panel.column("blank").missingCount());
        }
    }

    @Test
    void singleColumnKeepsRowsWithMissingValues() throws IOException {
        Path file = dir.resolve("one.csv");
        try (DataPanel panel = DataPanel.of(StringColumn.of("s", "x", null, "y"))) {
            panel.write(file);
        }
        assertEquals("s\nx\n\"\"\ny\n", Files.readString(file), "a bare empty line would be skipped on reading");
        try (DataPanel back = DataPanel.read(file)) {
            assertEquals(Arrays.asList("x", null, "y"), back.stringColumn("s").values());
        }
    }

    @Test
    void headerOnlyGivesZeroRows() throws IOException {
        try (DataPanel panel = DataPanel.read(write("h.csv", "a,b\n"))) {
            assertEquals(0, panel.size());
            assertEquals(List.of("a", "b"), panel.columnNames());
        }
    }

    @Test
    void byteOrderMarkIsNotPartOfTheFirstName() throws IOException {
        try (DataPanel panel = DataPanel.read(write("bom.csv", "\uFEFFid,x\n1,2\n"))) {
            assertEquals(List.of("id", "x"), panel.columnNames());
        }
    }

    @Test
    void raggedRowNamesFileAndLine() throws IOException {
        Path file = write("ragged.csv", "a,b\n1,2\n3\n4,5\n");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("line 3"), error.getMessage());
        assertTrue(error.getMessage().contains("1 fields"), error.getMessage());
    }

    @Test
    void unclosedQuoteNamesFileAndLine() throws IOException {
        Path file = write("quote.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("line 3: malformed CSV"), error.getMessage());
        assertTrue(error.getMessage().contains("never closed"), error.getMessage());

        Path stray = write("stray.csv", "a,b\n1,\"x\"y\n");
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(stray));
        assertTrue(error.getMessage().startsWith(stray + " line 2: malformed CSV"), error.getMessage());
    }

    @Test
    void duplicateAndEmptyHeaderNamesAreRejected() throws IOException {
        Path duplicate = write("dup.csv", "a,b,a\n1,2,3\n");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(duplicate));
        assertTrue(error.getMessage().contains(duplicate.toString()) && error.getMessage().contains("duplicate column name 'a'"),
                error.getMessage());
        Path empty = write("empty-name.csv", "a,,c\n1,2,3\n");
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(empty));
        assertTrue(error.getMessage().contains(empty.toString()) && error.getMessage().contains("column 2 has no name"),
                error.getMessage());
    }

    @Test
    void tensorColumnsAreRefusedWithAHint() {
        Path file = dir.resolve("t.csv");
        try (DataPanel panel = DataPanel.of(TensorColumn.of("emb", new float[][] {{1, 2}}))) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> panel.write(file));
            assertTrue(error.getMessage().contains("'emb'") && error.getMessage().contains(".npy"), error.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void imageColumnsWriteTheirSourceLabel() throws IOException {
        Path file = dir.resolve("images.csv");
        ImageColumn images = ImageColumn.of("image", List.of(new ImageColumn.FileSource(Path.of("pics/cat.png")),
                new ImageColumn.BytesSource("blob#1", new byte[] {1})));
        try (DataPanel panel = DataPanel.of(images)) {
            panel.write(file);
        }
        assertEquals("image\npics/cat.png\nblob#1\n", Files.readString(file));
    }

    static void assertIntsEqual(IntColumn expected, IntColumn actual) {
        assertEquals(expected.size(), actual.size());
        for (int r = 0; r < expected.size(); r++) assertEquals(expected.get(r), actual.get(r), "row " + r);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
