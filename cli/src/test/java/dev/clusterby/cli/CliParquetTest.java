package dev.clusterby.cli;

import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The CLI reads Parquet and writes --out FILE.parquet with the input columns beside cluster. */
class CliParquetTest {
    @TempDir Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void clustersAParquetFileAndWritesParquet() {
        int n = 40;
        float[][] points = new float[n][];
        long[] ids = new long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            points[i] = new float[]{(i % 2 == 0 ? 4 : -4) + (i % 5) * 0.1f, (i % 3) * 0.1f};
            ids[i] = 100 + i;
            names[i] = "row " + i;
        }
        Path input = dir.resolve("points.parquet");
        try (DataPanel panel = DataPanel.of(IntColumn.of("id", ids), StringColumn.of("name", names), TensorColumn.of("emb", points))) {
            panel.write(input);
        }
        Path output = dir.resolve("labeled.parquet");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "cluster", input.toString(), "--by", "emb", "--k", "2", "--seed", "1", "--out", output.toString());
        assertEquals(0, code, err.toString());
        try (DataPanel labeled = DataPanel.read(output)) {
            assertEquals(List.of("id", "name", "emb", "cluster"), labeled.columnNames());
            assertArrayEquals(ids, labeled.intColumn("id").toLongArray());
            IntColumn cluster = labeled.intColumn("cluster");
            for (int i = 0; i < n; i++) {
                assertEquals(cluster.getLong(i % 2), cluster.getLong(i), "row " + i + " is with its blob");
                assertArrayEquals(points[i], labeled.tensorColumn("emb").get(i));
            }
            assertNotEquals(cluster.getLong(0), cluster.getLong(1));
        }
    }

    @Test
    void aDamagedParquetFileIsOneErrorLine() throws Exception {
        Path input = Files.write(dir.resolve("broken.parquet"), "PAR1 not really PAR1".getBytes());
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "cluster", input.toString(), "--k", "2");
        assertEquals(2, code);
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.getFirst().startsWith("error: " + input + ": not a readable Parquet file"), err.toString());
    }
}
