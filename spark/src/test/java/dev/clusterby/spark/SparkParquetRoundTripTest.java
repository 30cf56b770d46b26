package dev.clusterby.spark;

import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Parquet both ways between Spark and clusterby: a folder Spark writes is read here; a file written here is read by Spark. */
class SparkParquetRoundTripTest {
    static SparkSession spark;
    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local("clusterby-parquet-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aFolderSparkWritesIsReadHereAndAPartFileToo() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(RowFactory.create(i, "text " + i, i * 0.5, i % 2 == 0, new Timestamp(1_700_000_000_000L + i * 1000L),
                    i == 3 ? null : new float[]{i, -i, 0.25f}, Vectors.dense(i, 1, 2)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)
                .add("score", DataTypes.DoubleType).add("flag", DataTypes.BooleanType).add("at", DataTypes.TimestampType)
                .add("emb", DataTypes.createArrayType(DataTypes.FloatType)).add("features", SQLDataTypes.VectorType());
        Path folder = dir.resolve("spark-out");
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(folder.toString());

        try (DataPanel panel = DataPanel.read(folder)) {
            assertEquals(List.of("id", "text", "score", "flag", "at", "emb", "features"), panel.columnNames());
            assertEquals(50, panel.size());
            DataPanel sorted = panel.sortBy("id");
            for (int i = 0; i < 50; i++) {
                assertEquals(i, sorted.intColumn("id").getLong(i));
                assertEquals("text " + i, sorted.stringColumn("text").get(i));
                assertEquals(i * 0.5, sorted.doubleColumn("score").getDouble(i));
                assertEquals(i % 2 == 0, sorted.booleanColumn("flag").isTrue(i));
                assertEquals(1_700_000_000_000L + i * 1000L, sorted.timestampColumn("at").epochMillis(i));
                if (i == 3) assertTrue(sorted.tensorColumn("emb").isMissing(i));
                else assertArrayEquals(new float[]{i, -i, 0.25f}, sorted.tensorColumn("emb").get(i));
                assertArrayEquals(new float[]{i, 1, 2}, sorted.tensorColumn("features").get(i));
            }
        }
        Path part;
        try (Stream<Path> files = Files.list(folder)) {
            part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        try (DataPanel one = DataPanel.read(part)) {
            assertTrue(one.size() > 0 && one.size() < 50);
            assertEquals(ColumnType.TENSOR, one.column("emb").type());
        }
    }

    @Test
    void aFileWrittenHereIsReadBySparkWithTheInputColumnsBesideCluster() {
        Path file = dir.resolve("labelled.parquet");
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", "a", "b", null), IntColumn.of("cluster", 1, 0, 1),
                TensorColumn.of("emb", new float[][]{{1, 2}, {3, 4}, {5, 6}}))) {
            panel.write(file);
        }
        Dataset<Row> read = spark.read().parquet(file.toString());
        assertEquals(List.of("text", "cluster", "emb"), List.of(read.schema().fieldNames()));
        assertEquals(DataTypes.LongType, read.schema().apply("cluster").dataType());
        List<Row> rows = read.collectAsList();
        assertEquals("a", rows.get(0).getString(0));
        assertTrue(rows.get(2).isNullAt(0));
        assertEquals(0L, rows.get(1).getLong(1));
        assertEquals(List.of(5f, 6f), rows.get(2).getList(2));
    }
}
