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

import static org.junit.jupiter.api.Assertions.*;

/** The CLI contract: the two summary lines, --out, and exit code 2 with one clear line on bad input. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path csv(String name, String content) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    /** A real .npy v1.0 file of float32 rows. */
    private Path npy(String name, float[][] rows) throws IOException {
        Path path = dir.resolve(name);
        CliTestFiles.npy(path, rows);
        return path;
    }

    private static float[][] twoBlobs(int n) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = new float[]{(i % 2 == 0 ? 5 : -5) + (i % 7) * 0.1f, (i % 3) * 0.1f, 1};
        return rows;
    }

    @Test
    void clustersANpyFileAndPrintsTheTwoSummaryLines() throws IOException {
        Path input = npy("points.npy", twoBlobs(50));
        Path labels = dir.resolve("labels.npy");
        Run result = run("cluster", input.toString(), "--k", "2", "--seed", "3", "--out", labels.toString());
        assertEquals(0, result.code(), result.err());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.contains("embedded: 0 computed, 0 cached"), result.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("fit: kmeans k=2 iterations=\\d+ seconds=\\d+\\.\\d+")), result.out());
        assertTrue(Files.size(labels) > 50 * 8, "labels were written");
    }

    @Test
    void theFitLineSaysWhenASampleWasUsed() throws IOException {
        Path input = npy("sampled.npy", twoBlobs(400));
        Run result = run("cluster", input.toString(), "--k", "2", "--param", "sample=100");
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().lines().anyMatch(l -> l.matches("fit: kmeans k=2 iterations=\\d+ seconds=\\d+\\.\\d+ sample=100 of 400 rows")),
                result.out());
    }

    @Test
    void aJobThatCannotFitFailsUpFrontWithOneLine() throws IOException {
        Path input = npy("big.npy", twoBlobs(400));
        String before = System.getProperty("clusterby.memoryAvailable");
        System.setProperty("clusterby.memoryAvailable", "100000");
        try {
            Run result = run("cluster", input.toString(), "--k", "2", "--method", "hierarchical", "--param", "linkage=average");
            assertEquals(2, result.code(), result.out());
            List<String> lines = result.err().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), result.err());
            assertTrue(lines.getFirst().startsWith("error: hierarchical on 400 rows × 3 dimensions (k=2) needs about"), lines.getFirst());
            assertTrue(lines.getFirst().contains("is available"), lines.getFirst());
            assertTrue(result.out().isEmpty(), result.out());
        } finally {
            if (before == null) System.clearProperty("clusterby.memoryAvailable");
            else System.setProperty("clusterby.memoryAvailable", before);
        }
    }

    @Test
    void seedIsAcceptedByEveryMethod() throws IOException {
        // Scripts pass the same flags to every method; a deterministic one (hierarchical) ignores the seed.
        Path input = npy("seeded.npy", twoBlobs(50));
        for (String method : List.of("hierarchical", "spectral", "gmm", "kmeans", "minibatch-kmeans")) {
            Run result = run("cluster", input.toString(), "--method", method, "--k", "2", "--seed", "1");
            assertEquals(0, result.code(), method + ": " + result.err());
            assertTrue(result.out().lines().anyMatch(l -> l.startsWith("fit: ") && l.contains(" k=2 ")), method + ": " + result.out());
        }
    }

    @Test
    void textCsvWithAggregatesAndCsvOutput() throws IOException {
        StringBuilder content = new StringBuilder("text,rating\n");
        String[] fruit = {"apples and pears", "fresh bananas", "ripe mangoes", "sweet cherries"};
        String[] cars = {"a fast sports car", "the diesel truck engine", "electric car battery", "motorbike tyres"};
        for (int i = 0; i < 8; i++) {
            content.append('"').append(fruit[i % 4]).append("\",").append(4 + i % 2).append('\n');
            content.append('"').append(cars[i % 4]).append("\",").append(1 + i % 2).append('\n');
        }
        Path input = csv("items.csv", content.toString());
        Path out = dir.resolve("out.csv");
        Run result = run("cluster", input.toString(), "--by", "text", "--k", "2", "--encoder", "minilm",
                "--agg", "rating:mean", "--out", out.toString(), "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("mean(rating)"), result.out());
        assertTrue(result.out().contains("embedded: 16 computed, 0 cached"), result.out());
        List<String> written = Files.readAllLines(out);
        assertEquals("text,rating,cluster", written.get(0));
        assertEquals(17, written.size());
        Run again = run("cluster", input.toString(), "--by", "text", "--k", "3", "--encoder", "minilm",
                "--cache-dir", dir.resolve("cache").toString());
        assertTrue(again.out().contains("embedded: 0 computed, 16 cached"), again.out());
    }

    @Test
    void maxTokensIsAMissNotAStaleHitAndABadValueNamesTheOption() throws IOException {
        Path input = csv("long.csv", "text\n\"" + "oil prices rose again as the cartel cut output ".repeat(40) + "\"\n\"a short note\"\n\"fresh bananas\"\n");
        String cache = dir.resolve("cache").toString();
        Run full = run("cluster", input.toString(), "--by", "text", "--k", "2", "--encoder", "minilm", "--cache-dir", cache);
        assertEquals(0, full.code(), full.err());
        Run cut = run("cluster", input.toString(), "--by", "text", "--k", "2", "--encoder", "minilm", "--cache-dir", cache, "--max-tokens", "16");
        assertEquals(0, cut.code(), cut.err());
        assertTrue(cut.out().contains("embedded: 3 computed, 0 cached"), "another max-tokens is another key: " + cut.out());
        Run again = run("cluster", input.toString(), "--by", "text", "--k", "2", "--encoder", "minilm", "--cache-dir", cache, "--max-tokens", "16");
        assertTrue(again.out().contains("embedded: 0 computed, 3 cached"), again.out());
        assertBadInput(run("cluster", input.toString(), "--by", "text", "--max-tokens", "0"), "--max-tokens", "512");
        assertBadInput(run("cluster", input.toString(), "--by", "text", "--max-tokens", "9000"), "--max-tokens");
    }

    private void assertBadInput(Run result, String... fragments) {
        assertEquals(2, result.code(), result.out() + result.err());
        String firstLine = result.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        for (String fragment : fragments) assertTrue(firstLine.contains(fragment), "'" + fragment + "' in: " + result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace without --verbose: " + result.err());
    }

    @Test
    void missingFile() {
        assertBadInput(run("cluster", dir.resolve("absent.csv").toString(), "--by", "text"), "absent.csv");
    }

    @Test
    void unknownFormat() throws IOException {
        Path odd = dir.resolve("data.xyz");
        Files.write(odd, new byte[]{1, 2, 3, 4, 5});
        assertBadInput(run("cluster", odd.toString(), "--by", "text"), "data.xyz");
    }

    @Test
    void unknownColumnAndMethod() throws IOException {
        Path input = csv("t.csv", "text\na\nb\nc\n");
        assertBadInput(run("cluster", input.toString(), "--by", "body"), "'body'", "text");
        assertBadInput(run("cluster", input.toString(), "--by", "text", "--method", "dbscan"), "'dbscan'", "kmeans");
    }

    @Test
    void kLargerThanTheRows() throws IOException {
        Path input = csv("t.csv", "text\na\nb\nc\n");
        assertBadInput(run("cluster", input.toString(), "--by", "text", "--k", "5"), "k=5", "3 rows");
    }

    @Test
    void nanInVectors() throws IOException {
        float[][] rows = twoBlobs(10);
        rows[4][1] = Float.NaN;
        assertBadInput(run("cluster", npy("nan.npy", rows).toString(), "--k", "2"), "row 4", "NaN");
    }

    @Test
    void emptyInput() throws IOException {
        assertBadInput(run("cluster", csv("empty.csv", "text,rating\n").toString(), "--by", "text"), "no rows");
    }

    @Test
    void missingValueInTheByColumn() throws IOException {
        Path input = csv("gap.csv", "text,n\nhello,1\n,2\nworld,3\n");
        assertBadInput(run("cluster", input.toString(), "--by", "text", "--k", "2"), "row 1", "'text'");
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path input = csv("t.csv", "text\na\nb\n");
        Run result = run("cluster", input.toString(), "--by", "nope", "--verbose");
        assertEquals(2, result.code());
        assertTrue(result.err().contains("\tat "), result.err());
    }
}
