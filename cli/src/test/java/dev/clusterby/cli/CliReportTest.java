package dev.clusterby.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --report and --labels on cluster and demo. */
class CliReportTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path csv() throws IOException {
        StringBuilder rows = new StringBuilder("x,y,kind,score\n");
        for (int i = 0; i < 40; i++) {
            boolean left = i % 2 == 0;
            rows.append(left ? -5 + i * 0.01 : 5 + i * 0.01).append(',').append((i % 5) * 0.1).append(',')
                    .append(left ? "left" : "right").append(',').append(i).append('\n');
        }
        Path path = dir.resolve("points.csv");
        Files.writeString(path, rows, StandardCharsets.UTF_8);
        return path;
    }

    @Test
    void clusterWritesTheReportWithLabelsAndAggregates() throws IOException {
        Path input = csv(), report = dir.resolve("r.html");
        Run r = run("cluster", input.toString(), "--by", "x", "--k", "2", "--labels", "kind", "--agg", "score:mean",
                "--report", report.toString(), "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("quality against kind: ARI 1.000, NMI 1.000"), r.out());
        assertTrue(r.out().contains("report: " + report), r.out());
        String page = Files.readString(report);
        String open = "<script type=\"application/json\" id=\"clusterby-data\">";
        int start = page.indexOf(open) + open.length();
        JsonObject data = JsonParser.parseString(page.substring(start, page.indexOf("</script>", start))).getAsJsonObject();
        assertEquals(40, data.getAsJsonArray("points").size());
        assertEquals(2, data.getAsJsonArray("clusters").size());
        assertTrue(data.getAsJsonArray("clusters").get(0).getAsJsonObject().getAsJsonObject("aggregates").has("mean(score)"));
        assertTrue(data.getAsJsonArray("summary").toString().contains("ARI vs kind"));
        assertTrue(data.getAsJsonArray("summary").toString().contains("points.csv"));
    }

    @Test
    void reportInAMissingFolderIsOneErrorBeforeReading() {
        Path report = dir.resolve("nowhere").resolve("r.html");
        Run r = run("cluster", dir.resolve("not-read.csv").toString(), "--report", report.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("--report") && r.err().contains("nowhere"), r.err());
        assertFalse(r.err().contains("not-read.csv"), "the input was not looked at first: " + r.err());
    }

    @Test
    void unknownLabelsColumnNamesIt() throws IOException {
        Run r = run("cluster", csv().toString(), "--by", "x", "--labels", "truth", "--cache-dir", dir.resolve("cache").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("--labels") && r.err().contains("truth"), r.err());
    }
}
