package dev.clusterby;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GroupByTest {

    private static DataPanel ratings() {
        return DataPanel.of(
                StringColumn.of("shop", "a", "b", "a", "b", "a", null),
                IntColumn.wrap("stars", new long[]{5, 3, 4, 1, 0, 2}, bits(4)),
                DoubleColumn.of("price", 10.0, 20.0, 30.0, 40.0, 50.0, 60.0),
                TimestampColumn.of("date", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-02-01T00:00:00Z"),
                        Instant.parse("2024-01-03T00:00:00Z"), Instant.parse("2024-02-05T00:00:00Z"),
                        Instant.parse("2024-01-05T00:00:00Z"), Instant.parse("2024-03-01T00:00:00Z")));
    }

    private static java.util.BitSet bits(int... set) {
        java.util.BitSet b = new java.util.BitSet();
        for (int i : set) b.set(i);
        return b;
    }

    @Test
    void groupsFollowFirstAppearanceAndSkipMissingKeys() {
        try (DataPanel panel = ratings()) {
            GroupBy byShop = panel.groupBy("shop");
            assertEquals(2, byShop.groupCount());
            assertEquals("a", byShop.keys().get(0));
            assertArrayEquals(new int[]{3, 2}, byShop.sizes());
            assertArrayEquals(new int[]{0, 2, 4}, byShop.rowsOf(0));
            assertEquals(-1, byShop.labels().toIntArray(99)[5]);
            assertEquals(2, byShop.group(1).size());
        }
    }

    @Test
    void aggregatesMatchHandComputedValues() {
        try (DataPanel panel = ratings()) {
            GroupBy byShop = panel.groupBy("shop");
            // shop a: price 10, 30, 50; stars 5, 4, (missing)
            DoubleColumn mean = (DoubleColumn) byShop.column("price").mean();
            assertEquals(30.0, mean.getDouble(0), 1e-12);
            assertEquals(30.0, mean.getDouble(1), 1e-12);
            assertEquals(90.0, ((DoubleColumn) byShop.column("price").sum()).getDouble(0), 1e-12);
            assertEquals(20.0, ((DoubleColumn) byShop.column("price").std()).getDouble(0), 1e-12);
            assertEquals(Math.sqrt(200), ((DoubleColumn) byShop.column("price").std()).getDouble(1), 1e-12);
            assertEquals(30.0, ((DoubleColumn) byShop.column("price").median()).getDouble(0), 1e-12);
            assertEquals(30.0, ((DoubleColumn) byShop.column("price").median()).getDouble(1), 1e-12);
            assertEquals(2L, ((IntColumn) byShop.column("stars").count()).getLong(0), "missing stars are not counted");
            assertEquals(9L, ((IntColumn) byShop.column("stars").sum()).getLong(0));
            assertEquals(4.5, ((DoubleColumn) byShop.column("stars").mean()).getDouble(0), 1e-12);
            assertEquals(4L, ((IntColumn) byShop.column("stars").min()).getLong(0));
            assertEquals(3L, ((IntColumn) byShop.column("stars").max()).getLong(1));
            assertEquals(10.0, ((DoubleColumn) byShop.column("price").first()).getDouble(0));
            assertEquals(Instant.parse("2024-01-05T00:00:00Z"), byShop.column("date").max().get(0));
            assertEquals(Instant.parse("2024-01-03T00:00:00Z"), byShop.column("date").mean().get(0));
            assertEquals(Instant.parse("2024-02-01T00:00:00Z"), byShop.column("date").min().get(1));
        }
    }

    @Test
    void aggregateBuildsOnePanelWithKeySizeAndNamedColumns() {
        try (DataPanel panel = ratings()) {
            Map<String, Agg> spec = new LinkedHashMap<>();
            spec.put("date", Agg.MAX);
            spec.put("price", Agg.MEAN);
            DataPanel table = panel.groupBy("shop").aggregate(spec);
            assertEquals(List.of("shop", "size", "mean(price)", "max(date)"), table.columnNames());
            assertEquals(2, table.size());
            assertEquals(3L, table.intColumn("size").getLong(0));
            DataPanel several = panel.groupBy("shop").aggregate("price", Agg.MIN, Agg.MAX, Agg.COUNT);
            assertEquals(List.of("shop", "size", "min(price)", "max(price)", "count(price)"), several.columnNames());
            assertEquals(50.0, several.doubleColumn("max(price)").getDouble(0));
        }
    }

    @Test
    void unsupportedAggregatesSayWhy() {
        try (DataPanel panel = ratings()) {
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class,
                    () -> panel.groupBy("shop").column("shop").mean());
            assertTrue(e.getMessage().contains("mean") && e.getMessage().contains("'shop'"), e.getMessage());
            assertEquals(Agg.MEDIAN, Agg.parse("Median"));
            assertThrows(ClusterbyException.UnknownName.class, () -> Agg.parse("mode"));
        }
    }

    @Test
    void toDataPanelAddsTheGroupColumn() {
        try (DataPanel panel = ratings()) {
            DataPanel labelled = panel.groupBy("shop").toDataPanel();
            assertEquals(6, labelled.size());
            assertEquals(1L, labelled.intColumn("group").getLong(3));
        }
    }

    @Test
    void tensorMeanIsTheCentroid() {
        try (DataPanel panel = DataPanel.of(StringColumn.of("g", "x", "y", "x"),
                TensorColumn.of("v", new float[][]{{1, 2}, {5, 5}, {3, 4}}))) {
            TensorColumn mean = (TensorColumn) panel.groupBy("g").column("v").mean();
            assertArrayEquals(new float[]{2, 3}, mean.get(0));
            assertArrayEquals(new float[]{5, 5}, mean.get(1));
            mean.close();
        }
    }
}
