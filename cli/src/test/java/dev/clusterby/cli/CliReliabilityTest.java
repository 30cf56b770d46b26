package dev.clusterby.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11's CLI families: every bad input is exit 2 with exactly one line starting {@code error:} that names the
 * flag, file or column, checked before any work; nothing of the input is lost or rewritten by {@code --out}.
 */
class CliReliabilityTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        /** The one error line, after checking there is exactly one and that it starts a line. */
        String errorLine() {
            List<String> errors = err.lines().filter(l -> l.contains("error:")).toList();
            assertEquals(1, errors.size(), "one error line expected in:\n" + err);
            assertTrue(errors.get(0).startsWith("error: "), "the error must start its line: " + errors.get(0));
            assertTrue(!err.contains("Usage:") && !err.contains("\tat "), "no usage page, no stack trace:\n" + err);
            return errors.get(0);
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path prices() throws IOException {
        StringBuilder csv = new StringBuilder("zip,price,rating,cluster\n");
        for (int i = 0; i < 40; i++) {
            csv.append(String.format("%05d,%s,%d,mine%n", 2134 + i, (i < 20 ? 100000 : 100010) + (i % 5) * 0.25, i % 5));
        }
        return Files.writeString(dir.resolve("prices.csv"), csv.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void parserErrorsAreOneLineWithExitTwo() throws IOException {
        Path input = prices();
        for (String[] args : List.of(new String[] {"cluster", input.toString(), "--by", "price", "--seed", "abc"},
                new String[] {"cluster", input.toString(), "--by", "price", "--param", "foo"},
                new String[] {"clusterr", input.toString()},
                new String[] {"cluster", input.toString(), "--by", "price", "--no-such-flag"})) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            r.errorLine();
        }
    }

    @Test
    void conflictingAndNonFiniteOptionsAreRefused() throws IOException {
        Path input = prices();
        Run conflict = run("cluster", input.toString(), "--by", "price", "--param", "k=3", "--k", "2");
        assertEquals(2, conflict.code(), conflict.err());
        assertTrue(conflict.errorLine().contains("--k") && conflict.errorLine().contains("k=3"), conflict.err());

        Run nan = run("cluster", input.toString(), "--by", "price", "--method", "hierarchical", "--param", "distance-threshold=NaN");
        assertEquals(2, nan.code(), nan.err());
        assertTrue(nan.errorLine().contains("distance-threshold"), nan.err());
    }

    @Test
    void outAndAggregatesAreCheckedBeforeAnyWork() throws IOException {
        Path input = prices();
        Run same = run("cluster", input.toString(), "--by", "price", "--k", "2", "--out", input.toString());
        assertEquals(2, same.code(), same.err());
        assertTrue(same.errorLine().contains("--out") && same.errorLine().contains("input"), same.err());
        assertTrue(Files.readString(input).startsWith("zip,price,rating,cluster\n02134,"), "the input is untouched");

        Run noFolder = run("cluster", input.toString(), "--by", "price", "--out", dir.resolve("missing/out.csv").toString());
        assertEquals(2, noFolder.code(), noFolder.err());
        assertTrue(noFolder.errorLine().contains("--out"), noFolder.err());
        assertTrue(noFolder.out().isEmpty(), "nothing was clustered: " + noFolder.out());

        Run textAgg = run("cluster", input.toString(), "--by", "price", "--k", "2", "--agg", "cluster:mean");
        assertEquals(2, textAgg.code(), textAgg.err());
        assertTrue(textAgg.errorLine().contains("--agg") && textAgg.errorLine().contains("cluster"), textAgg.err());
        assertTrue(textAgg.out().isEmpty(), "nothing was clustered: " + textAgg.out());
    }

    @Test
    void bothAggregatesOfOneColumnAreKept() throws IOException {
        Run r = run("cluster", prices().toString(), "--by", "price", "--k", "2", "--agg", "rating:mean", "--agg", "rating:max");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mean(rating)") && r.out().contains("max(rating)"), r.out());
    }

    @Test
    void pricesFarFromTheOriginSplitAndOutKeepsEveryValue() throws IOException {
        Path input = prices();
        Path out = dir.resolve("labelled.csv");
        Run r = run("cluster", input.toString(), "--by", "price", "--k", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> in = Files.readAllLines(input), written = Files.readAllLines(out);
        assertEquals("zip,price,rating,cluster,cluster_1", written.get(0));
        String firstLabel = written.get(1).substring(written.get(1).lastIndexOf(',') + 1);
        for (int row = 1; row <= 40; row++) {
            String line = written.get(row);
            assertEquals(in.get(row), line.substring(0, line.lastIndexOf(',')), "row " + row + " as written");
            String label = line.substring(line.lastIndexOf(',') + 1);
            assertEquals(row <= 20, label.equals(firstLabel), "100000 and 100010 are two clusters: " + written);
        }
        assertTrue(r.err().contains("cluster_1"), "the renaming is said: " + r.err());
    }

    /** The text readers' budgets (lowered here to simulate gigabytes): exit 2, one error line naming file, row and column. */
    @Test
    void hostileTextFilesAreOneErrorLineNamingRowAndColumn() throws IOException {
        Path field = Files.writeString(dir.resolve("field.csv"), "id,text\n1,a\n2," + "x".repeat(50_000) + "\n");
        Path quote = Files.writeString(dir.resolve("quote.csv"), "id,text\n1,\"never closed\n" + "2,b\n".repeat(5000));
        Path line = Files.writeString(dir.resolve("line.jsonl"), "{\"id\": 1, \"text\": \"" + "y".repeat(50_000) + "\"}\n");
        System.setProperty("clusterby.read.maxFieldBytes", "4096");
        try {
            Run r = run("cluster", field.toString(), "--by", "text");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.errorLine().startsWith("error: " + field + " line 3 (row 2), column 'text': a field of more than 4096 bytes"), r.err());
            r = run("cluster", quote.toString(), "--by", "text");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.errorLine().startsWith("error: " + quote + " line 2 (row 1), column 'text'"), r.err());
            r = run("cluster", line.toString(), "--by", "text");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.errorLine().startsWith("error: " + line + " line 1, column 'text'"), r.err());
        } finally {
            System.clearProperty("clusterby.read.maxFieldBytes");
        }
        System.setProperty("clusterby.read.maxFileBytes", "1000");
        try {
            Run r = run("cluster", quote.toString(), "--by", "text");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.errorLine().contains("over the budget of 1000 bytes per text file"), r.err());
        } finally {
            System.clearProperty("clusterby.read.maxFileBytes");
        }
    }
}
