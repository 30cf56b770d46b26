package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JsonLinesTest {
    @TempDir Path dir;

    @Test
    void readsTypesFromJsonAndTheUnionOfKeys() throws IOException {
        Path file = Files.writeString(dir.resolve("rows.jsonl"), """
                {"id": 1, "x": 0.5, "ok": true, "when": "2024-01-05T10:00:00Z", "text": "hi", "emb": [1, 2.5], "meta": {"a": [1]}}
                {"id": 2, "x": 2, "ok": null, "when": "2024-01-06", "text": "123", "emb": [3, 4]}

                {"id": null, "late": "only here", "x": NaN, "emb": null, "meta": 5, "text": "2024-01-05"}
                """);
        try (DataPanel panel = DataPanel.read(file)) {
            assertEquals(List.of("id", "x", "ok", "when", "text", "emb", "meta", "late"), panel.columnNames());
            assertEquals(3, panel.size());
            assertEquals(ColumnType.INT64, panel.column("id").type());
            assertEquals(ColumnType.FLOAT64, panel.column("x").type());
            assertEquals(ColumnType.BOOLEAN, panel.column("ok").type());
            assertEquals(ColumnType.TIMESTAMP, panel.column("when").type());
            assertEquals(ColumnType.STRING, panel.column("text").type(), "a JSON string stays text even if it looks like a number");
            assertEquals(ColumnType.TENSOR, panel.column("emb").type());
            assertEquals(ColumnType.STRING, panel.column("meta").type());

            assertEquals(Arrays.asList(1L, 2L, null), Arrays.asList(panel.column("id").get(0), panel.column("id").get(1), panel.column("id").get(2)));
            assertEquals(2.0, panel.doubleColumn("x").getDouble(1));
            assertTrue(Double.isNaN(panel.doubleColumn("x").getDouble(2)));
            assertEquals(true, panel.column("ok").get(0));
            assertTrue(panel.column("ok").isMissing(1) && panel.column("ok").isMissing(2));
            assertEquals(Instant.parse("2024-01-06T00:00:00Z"), panel.timestampColumn("when").get(1));
            assertEquals(Arrays.asList("hi", "123", "2024-01-05"), panel.stringColumn("text").values());
            TensorColumn emb = panel.tensorColumn("emb");
            assertEquals(2, emb.dim());
            assertArrayEquals(new float[] {3, 4}, emb.get(1));
            assertTrue(emb.isMissing(2));
            assertEquals(Arrays.asList("{\"a\":[1]}", null, "5"), panel.stringColumn("meta").values());
            assertEquals(Arrays.asList(null, null, "only here"), panel.stringColumn("late").values());
        }
    }

    @Test
    void roundTripKeepsEveryTypeIncludingTensorsAndNaN() {
        Path file = dir.resolve("all.ndjson");
        BitSet missing = new BitSet();
        missing.set(1);
        try (DataPanel base = CsvTest.everyType();
             DataPanel panel = base.withColumn(tensorOfTen(missing))) {
            panel.write(file);
            try (DataPanel back = DataPanel.read(file)) {
                assertEquals(panel.columnNames(), back.columnNames());
                assertEquals(Arrays.asList(CsvTest.TRICKY), back.stringColumn("text").values());
                CsvTest.assertIntsEqual(panel.intColumn("count"), back.intColumn("count"));
                DoubleColumn score = back.doubleColumn("score");
                for (int r = 0; r < 10; r++) {
                    assertEquals(panel.column("score").get(r), score.get(r), "row " + r);
                    assertEquals(panel.column("flag").get(r), back.column("flag").get(r), "row " + r);
                    assertEquals(panel.column("when").get(r), back.column("when").get(r), "row " + r);
                    assertArrayEquals(panel.tensorColumn("vec").get(r), back.tensorColumn("vec").get(r), "row " + r);
                }
            }
        }
    }

    @Test
    void mixedTypesAndRaggedArraysBecomeText() throws IOException {
        Path file = Files.writeString(dir.resolve("mixed.jsonl"), """
                {"a": 1, "b": [1, 2]}
                {"a": "two", "b": [1]}
                """);
        try (DataPanel panel = DataPanel.read(file)) {
            assertEquals(Arrays.asList("1", "two"), panel.stringColumn("a").values());
            assertEquals(Arrays.asList("[1,2]", "[1]"), panel.stringColumn("b").values());
        }
    }

    @Test
    void badLineNamesFileAndLineNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"a\": 1}\n\n{\"a\": 2,}\n");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file));
        assertTrue(error.getMessage().startsWith(file + " line 3: invalid JSON"), error.getMessage());

        Path array = Files.writeString(dir.resolve("array.jsonl"), "{\"a\": 1}\n[1, 2]\n");
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(array));
        assertTrue(error.getMessage().startsWith(array + " line 2: expected a JSON object, found array"), error.getMessage());

        Path duplicate = Files.writeString(dir.resolve("dup.jsonl"), "{\"a\": 1, \"a\": 2}\n");
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(duplicate));
        assertTrue(error.getMessage().startsWith(duplicate + " line 1: invalid JSON") && error.getMessage().contains("'a'"),
                error.getMessage());
    }

    @Test
    void writesOneObjectPerLineWithNullForMissing() throws IOException {
        Path file = dir.resolve("out.jsonl");
        try (DataPanel panel = DataPanel.of(StringColumn.of("s", "a\"b", null), DoubleColumn.of("d", 0.1, Double.NaN))) {
            panel.write(file);
        }
        assertEquals("{\"s\":\"a\\\"b\",\"d\":0.1}\n{\"s\":null,\"d\":NaN}\n", Files.readString(file));
    }

    static TensorColumn tensorOfTen(BitSet missing) {
        float[][] rows = new float[10][];
        for (int r = 0; r < 10; r++) rows[r] = new float[] {r * 0.1f, -r, Float.MIN_VALUE, 1e30f};
        TensorColumn tensor = TensorColumn.of("vec", rows);
        return missing.isEmpty() ? tensor : tensor.withMissing(missing);
    }
}
