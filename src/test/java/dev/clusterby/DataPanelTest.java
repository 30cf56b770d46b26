package dev.clusterby;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataPanelTest {

    private static DataPanel sample() {
        return DataPanel.of(
                IntColumn.of("id", 1, 2, 3, 4),
                StringColumn.of("name", "delta", "alpha", null, "charlie"),
                DoubleColumn.of("score", 2.5, -1.0, 7.25, 0.0),
                BooleanColumn.of("ok", true, false, true, true),
                TimestampColumn.of("at", Instant.parse("2024-01-02T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"),
                        null, Instant.parse("2024-01-03T00:00:00Z")));
    }

    @Test
    void selectHeadTakeFilterKeepValuesAndOrder() {
        try (DataPanel panel = sample()) {
            assertEquals(4, panel.size());
            assertEquals(List.of("score", "id"), panel.select("score", "id").columnNames());
            assertEquals(2, panel.head(2).size());
            assertEquals(List.of(4L, 1L, 1L), List.of(panel.take(new int[]{3, 0, 0}).intColumn("id").getLong(0),
                    panel.take(new int[]{3, 0, 0}).intColumn("id").getLong(1), panel.take(new int[]{3, 0, 0}).intColumn("id").getLong(2)));
            DataPanel ok = panel.filter(panel.booleanColumn("ok"));
            assertEquals(3, ok.size());
            assertEquals(7.25, ok.doubleColumn("score").getDouble(1));
            assertTrue(ok.stringColumn("name").isMissing(1));
        }
    }

    @Test
    void takeRejectsRowsOutsideThePanel() {
        try (DataPanel panel = sample()) {
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class, () -> panel.take(new int[]{0, 9}));
            assertTrue(e.getMessage().contains("row index 9"), e.getMessage());
        }
    }

    @Test
    void withColumnRenameConcatSort() {
        try (DataPanel panel = sample()) {
            DataPanel added = panel.withColumn(IntColumn.of("rank", 4, 3, 2, 1));
            assertEquals(List.of("id", "name", "score", "ok", "at", "rank"), added.columnNames());
            DataPanel replaced = added.withColumn(IntColumn.of("id", 10, 20, 30, 40));
            assertEquals(30L, replaced.intColumn("id").getLong(2));
            assertEquals(6, replaced.columnCount());
            assertEquals(List.of("key", "name", "score", "ok", "at"), panel.rename("id", "key").columnNames());
            DataPanel twice = panel.concat(panel);
            assertEquals(8, twice.size());
            assertEquals(4L, twice.intColumn("id").getLong(7));
            DataPanel byName = panel.sortBy("name");
            assertEquals("alpha", byName.stringColumn("name").get(0));
            assertEquals("delta", byName.stringColumn("name").get(2));
            assertNull(byName.stringColumn("name").get(3), "missing sorts last");
            DataPanel byScoreDesc = panel.sortBy("score", false);
            assertEquals(3L, byScoreDesc.intColumn("id").getLong(0));
            assertEquals(2L, byScoreDesc.intColumn("id").getLong(3));
        }
    }

    @Test
    void unknownColumnListsKnownOnes() {
        try (DataPanel panel = sample()) {
            ClusterbyException e = assertThrows(ClusterbyException.UnknownName.class, () -> panel.column("nope"));
            assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("score"), e.getMessage());
        }
    }

    @Test
    void mismatchedColumnLengthsAreRejected() {
        ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class,
                () -> DataPanel.of(IntColumn.of("a", 1, 2), IntColumn.of("b", 1)));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void toStringPrintsAReadableTable() {
        try (DataPanel panel = sample()) {
            String text = panel.toString();
            assertTrue(text.startsWith("DataPanel: 4 rows × 5 columns"), text);
            assertTrue(text.contains("charlie") && text.contains("2024-01-03T00:00:00Z") && text.contains("7.25"), text);
            assertTrue(text.lines().anyMatch(l -> l.contains("null")), "missing values are shown");
        }
    }

    @Test
    void hiddenColumnsAreListedOnlyWhenAsked() {
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", "a", "b"))) {
            TensorColumn embedding = TensorColumn.of("enc(text)", new float[][]{{1, 0}, {0, 1}});
            String derivation = "enc@1";
            panel.putHidden("enc(text)", embedding, "text", derivation, EmbeddingKeys.fingerprint(panel.column("text"), derivation));
            assertEquals(List.of("text"), panel.columnNames());
            assertEquals(List.of("text", "enc(text)"), panel.columnNames(true));
            assertSame(embedding, panel.column("enc(text)"));
            // A derived panel carries the fresh cache along with its rows.
            DataPanel reversed = panel.take(new int[]{1, 0});
            assertEquals(List.of("text", "enc(text)"), reversed.columnNames(true));
            assertEquals(1f, reversed.tensorColumn("enc(text)").get(0, 1));
            reversed.close();
        }
    }

    @Test
    void closingThePanelFreesTensorsNoOtherPanelHolds() {
        TensorColumn tensor = TensorColumn.of("v", new float[][]{{1, 2}, {3, 4}});
        DataPanel first = DataPanel.of(tensor);
        DataPanel second = first.select("v");
        first.close();
        assertEquals(4f, second.tensorColumn("v").get(1, 1), "still held by the second panel");
        second.close();
        assertTrue(tensor.isClosed());
        assertThrows(ClusterbyException.class, tensor::segment);
        first.close(); // twice is fine
    }

    @Test
    void tensorTakeAndConcatCopyRows() {
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", new float[][]{{1, 2, 3}, {4, 5, 6}}))) {
            DataPanel both = panel.concat(panel.take(new int[]{1}));
            assertEquals(3, both.size());
            assertArrayEquals(new float[]{4, 5, 6}, both.tensorColumn("v").get(2));
            both.close();
        }
    }
}
