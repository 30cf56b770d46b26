package dev.clusterby.cli;

import dev.clusterby.DataPanel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** {@code cluster --describe FILE.csv}, names in the summary, and {@code explain} on the demo's real emoji. */
class CliDescribeExplainTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** The demo emoji plus a "model" that calls every mammal a food (and a probability column for "is it nature?"). */
    private Path emojiWithPredictions() throws IOException {
        Path plain = dir.resolve("emoji.csv");
        try (InputStream in = CliDescribeExplainTest.class.getResourceAsStream(DemoCommand.RESOURCE)) {
            Files.copy(in, plain);
        }
        Path out = dir.resolve("emoji-pred.csv");
        try (DataPanel panel = DataPanel.read(plain)) {
            List<String> group = panel.stringColumn("group").values(), subgroup = panel.stringColumn("subgroup").values();
            String[] pred = new String[panel.size()];
            for (int row = 0; row < pred.length; row++) pred[row] = subgroup.get(row).equals("animal-mammal") ? "Food & Drink" : group.get(row);
            panel.withColumn(dev.clusterby.StringColumn.of("pred", pred)).write(out);
        }
        return out;
    }

    @Test
    void clusterWritesTheDescribeTableAndPrintsNames() throws IOException {
        Path input = emojiWithPredictions(), table = dir.resolve("clusters.csv");
        Run r = run("cluster", input.toString(), "--by", "text", "--k", "5", "--seed", "42", "--describe", table.toString(),
                "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("name=") && r.out().contains("keywords="), r.out());
        List<String> lines = Files.readAllLines(table);
        assertTrue(lines.getFirst().startsWith("cluster,size,name,keywords,exemplars,"), lines.getFirst());
        assertEquals(6, lines.size());
        try (DataPanel described = DataPanel.read(table)) {
            assertTrue(described.stringColumn("keywords").get(0).contains(";"));
        }
        Run bad = run("cluster", input.toString(), "--by", "text", "--k", "5", "--text-column", "nope",
                "--cache-dir", dir.resolve("cache").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error:") && bad.err().contains("nope") && bad.err().strip().lines().count() == 1, bad.err());
        Run notText = run("cluster", input.toString(), "--by", "text", "--k", "5", "--text-column", "group",
                "--describe", dir.resolve("x.json").toString());
        assertEquals(2, notText.code());
        assertTrue(notText.err().contains("--describe"), notText.err());
    }

    @Test
    void explainFindsTheMammalsAndWritesSlices() throws IOException {
        Path input = emojiWithPredictions(), out = dir.resolve("slices.csv");
        Run r = run("explain", input.toString(), "--by", "text", "--target", "group", "--pred", "pred", "--slices", "3",
                "--out", out.toString(), "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, r.code(), r.err());
        Matcher first = Pattern.compile("slice 0: rows=(\\d+) error=([0-9.]+) name=(.+)").matcher(r.out());
        assertTrue(first.find(), r.out());
        assertEquals(45, Integer.parseInt(first.group(1)), r.out());
        assertEquals(1.0, Double.parseDouble(first.group(2)), 1e-3);
        assertTrue(r.out().contains("slice 2: rows="), r.out());
        try (DataPanel written = DataPanel.read(out)) {
            assertTrue(written.columnNames().containsAll(List.of("text", "group", "pred", "slice", "slice_score")));
            List<String> subgroup = written.stringColumn("subgroup").values();
            for (int row = 0; row < written.size(); row++) {
                boolean inTop = written.intColumn("slice").getLong(row) == 0;
                assertEquals(subgroup.get(row).equals("animal-mammal"), inTop, "row " + row);
            }
        }
        Run missing = run("explain", input.toString(), "--by", "text", "--target", "group", "--pred", "nope");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error:") && missing.err().contains("nope"), missing.err());
        Run tooMany = run("explain", input.toString(), "--by", "text", "--target", "group", "--pred", "pred", "--slices", "0");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("--slices"), tooMany.err());
    }
}
