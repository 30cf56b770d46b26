package dev.clusterby.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code cluster --method hdbscan}: the noise share line, noise listed as cluster -1, and noise rows kept in --out. */
class CliHdbscanTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    /** Three tight groups of 30 points and 12 scattered ones. */
    private static float[][] points() {
        float[][] rows = new float[102][];
        int id = 0;
        for (int g = 0; g < 3; g++) for (int i = 0; i < 30; i++) rows[id++] = new float[]{g * 20 + (i % 6) * 0.1f, (i / 6) * 0.1f};
        for (int i = 0; i < 12; i++) rows[id++] = new float[]{-40 + i * 7.3f, 25 + (i % 4) * 9.1f};
        return rows;
    }

    @Test
    void printsTheNoiseShareAndKeepsNoiseRowsInTheOutput() throws IOException {
        Path npy = dir.resolve("points.npy");
        CliTestFiles.npy(npy, points());
        Path out = dir.resolve("labels.csv");
        String[] result = run("cluster", npy.toString(), "--method", "hdbscan", "--param", "min-cluster-size=10", "--out", out.toString());
        assertEquals("0", result[0], result[2]);
        assertTrue(result[1].lines().anyMatch(l -> l.matches("noise: \\d+ of 102 rows \\(\\d+\\.\\d%\\), cluster -1")), result[1]);
        assertTrue(result[1].lines().anyMatch(l -> l.matches("fit: hdbscan k=3 iterations=0 seconds=\\d+\\.\\d+")), result[1]);
        assertTrue(result[1].contains("cluster -1"), result[1]);
        List<String> written = Files.readAllLines(out);
        assertEquals(103, written.size(), "a header and every row");
        assertTrue(written.stream().skip(1).anyMatch(l -> l.endsWith(",-1") || l.equals("-1")), String.join("\n", written));
    }

    @Test
    void kIsNotAnOptionOfHdbscan() throws IOException {
        Path npy = dir.resolve("few.npy");
        CliTestFiles.npy(npy, new float[][]{{0, 0}, {0, 1}, {1, 0}, {5, 5}, {5, 6}, {6, 5}});
        String[] result = run("cluster", npy.toString(), "--method", "hdbscan", "--k", "3");
        assertEquals("2", result[0]);
        assertTrue(result[2].startsWith("error: ") && result[2].contains("'k'") && result[2].lines().count() == 1, result[2]);
    }
}
