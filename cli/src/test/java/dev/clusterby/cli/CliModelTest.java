package dev.clusterby.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** cluster --save-model, predict and embed: outputs, the embedded: line, and exit 2 with one error line on bad input. */
class CliModelTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private void assertBadInput(Run result, String... fragments) {
        assertEquals(2, result.code(), result.out() + result.err());
        List<String> errors = result.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), result.err());
        for (String fragment : fragments) assertTrue(errors.get(0).contains(fragment), "'" + fragment + "' in: " + result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace without --verbose: " + result.err());
    }

    private Path texts(String name, int from, int count) throws IOException {
        String[] fruit = {"apples and pears", "fresh bananas", "ripe mangoes", "sweet cherries", "green grapes", "a bowl of plums"};
        String[] cars = {"a fast sports car", "the diesel truck engine", "electric car battery", "motorbike tyres", "a red convertible", "the bus depot"};
        StringBuilder content = new StringBuilder("text,n\n");
        for (int i = from; i < from + count; i++) {
            content.append('"').append(i % 2 == 0 ? fruit[(i / 2) % 6] : cars[(i / 2) % 6]).append(" ").append(i / 12).append("\",").append(i).append('\n');
        }
        Path path = dir.resolve(name);
        Files.writeString(path, content.toString(), StandardCharsets.UTF_8);
        return path;
    }

    @Test
    void saveModelThenPredictNewRowsEncodingOnlyThoseAndEmbed() throws IOException {
        Path cache = dir.resolve("cache");
        Path train = texts("train.csv", 0, 24);
        Path model = dir.resolve("model.zip");
        Run fit = run("cluster", train.toString(), "--by", "text", "--k", "2", "--encoder", "minilm", "--seed", "1",
                "--cache-dir", cache.toString(), "--save-model", model.toString(), "--out", dir.resolve("fit.csv").toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(Files.size(model) > 0);
        // The training rows plus 12 new ones: only the new ones are computed.
        Path more = texts("more.csv", 0, 36);
        Path out = dir.resolve("labels.csv");
        Run predict = run("predict", model.toString(), more.toString(), "--out", out.toString(), "--cache-dir", cache.toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().lines().toList().contains("embedded: 12 computed, 24 cached"), predict.out());
        // The describe names that cluster printed were saved with the model, and predict prints them again.
        String firstName = fit.out().lines().filter(l -> l.startsWith("  cluster 0 ")).findFirst().orElseThrow();
        assertTrue(firstName.contains("name="), fit.out());
        String name = firstName.substring(firstName.indexOf("name=")).split("  ")[0];
        assertTrue(predict.out().lines().anyMatch(l -> l.startsWith("  cluster 0 ") && l.contains(name)), name + " in " + predict.out());
        List<String> written = Files.readAllLines(out);
        assertEquals("text,n,cluster", written.get(0));
        assertEquals(37, written.size());
        List<String> fitted = Files.readAllLines(dir.resolve("fit.csv"));
        for (int i = 1; i <= 24; i++) assertEquals(fitted.get(i), written.get(i), "training row " + i);

        Path npy = dir.resolve("vectors.npy");
        Run embed = run("embed", more.toString(), "--by", "text", "--encoder", "minilm", "--out", npy.toString(),
                "--cache-dir", cache.toString());
        assertEquals(0, embed.code(), embed.err());
        assertTrue(embed.out().lines().toList().contains("embedded: 0 computed, 36 cached"), embed.out());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        String header = new String(Files.readAllBytes(npy), 10, bytes.getShort(8), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("(36, 384)"), header);
    }

    @Test
    void badModelsAndColumnsGiveOneErrorLine() throws IOException {
        Path cache = dir.resolve("cache");
        Path train = texts("train.csv", 0, 12);
        Path model = dir.resolve("model.zip");
        assertEquals(0, run("cluster", train.toString(), "--by", "text", "--k", "2", "--encoder", "minilm",
                "--cache-dir", cache.toString(), "--save-model", model.toString()).code());
        assertBadInput(run("predict", dir.resolve("absent.zip").toString(), train.toString()), "absent.zip", "does not exist");
        byte[] bytes = Files.readAllBytes(model);
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertBadInput(run("predict", cut.toString(), train.toString()), "cut.zip", "truncated");
        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a model");
        assertBadInput(run("predict", garbage.toString(), train.toString()), "garbage.zip");
        // A text model asked to label a number column, and a column that is not there.
        assertBadInput(run("predict", model.toString(), train.toString(), "--by", "n", "--cache-dir", cache.toString()),
                "'n'", "text");
        assertBadInput(run("predict", model.toString(), train.toString(), "--by", "nope"), "nope");
        // A tensor model for a text file: another modality.
        Path points = dir.resolve("points.csv");
        Files.writeString(points, "x\n1\n2\n10\n11\n");
        Path numeric = dir.resolve("numeric.zip");
        assertEquals(0, run("cluster", points.toString(), "--by", "x", "--k", "2", "--save-model", numeric.toString()).code());
        assertBadInput(run("predict", numeric.toString(), train.toString(), "--by", "text"), "'text'", "numeric");
        assertBadInput(run("embed", train.toString(), "--by", "n"), "'n'");
        assertBadInput(run("embed", train.toString(), "--by", "text", "--out", dir.resolve("v.csv").toString()), "--out");
        assertBadInput(run("cluster", train.toString(), "--by", "text", "--save-model", dir.resolve("no/such/m.zip").toString()),
                "--save-model");
    }
}
