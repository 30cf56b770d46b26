package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** What the Gson-based reader accepts beyond strict JSON (NaN, Infinity) and nothing more; numbers as written. */
class JsonLinesStrictTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void nonFiniteLiteralsAreNumbersButTheQuotedOnesAreText() throws IOException {
        try (DataPanel panel = DataPanel.read(write("nan.jsonl", """
                {"x": NaN, "y": "NaN", "v": [Infinity, -Infinity], "s": "a NaN, [NaN"}
                {"x": -Infinity, "y": "x", "v": [1, NaN], "s": "b"}
                """))) {
            assertEquals(ColumnType.FLOAT64, panel.column("x").type());
            assertEquals(Double.NEGATIVE_INFINITY, panel.doubleColumn("x").getDouble(1));
            assertEquals(ColumnType.STRING, panel.column("y").type());
            assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, panel.tensorColumn("v").get(0));
            assertTrue(Float.isNaN(panel.tensorColumn("v").get(1)[1]));
            assertEquals(Arrays.asList("a NaN, [NaN", "b"), panel.stringColumn("s").values());
        }
    }

    @Test
    void numbersThatBecomeTextKeepTheirDigits() throws IOException {
        try (DataPanel panel = DataPanel.read(write("big.jsonl", """
                {"a": 123456789012345678901234567890, "b": {"p": 1.10, "q": 1e5, "r": -0.0}}
                {"a": "two", "b": [true, null, "x\\"y"]}
                {"a": 9223372036854775807}
                """))) {
            assertEquals(Arrays.asList("123456789012345678901234567890", "two", "9223372036854775807"), panel.stringColumn("a").values());
            assertEquals(Arrays.asList("{\"p\":1.10,\"q\":1e5,\"r\":-0.0}", "[true,null,\"x\\\"y\"]", null), panel.stringColumn("b").values());
        }
        try (DataPanel panel = DataPanel.read(write("ints.jsonl", "{\"a\": 9223372036854775807}\n{\"a\": 9223372036854775808}\n"))) {
            assertEquals(ColumnType.FLOAT64, panel.column("a").type(), "beyond int64 is a float column");
        }
    }

    @Test
    void anythingLenientIsRejectedWithFileAndLine() throws IOException {
        String[] bad = {"{a: 1}", "{'a': 1}", "{\"a\": 'x'}", "{\"a\": x}", "{\"a\": 1} // c", "{\"a\": 1} {\"b\": 2}",
                "{\"a\" = 1}", "{\"a\": [1;2]}", "{\"a\": [1,,2]}", "{NaN: 1}", "{\"a\": NaNa}", "{\"a\": nan}",
                "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": \"tab\there\"}", "{\"a\": \"\\'\"}", "{\"a\": {\"b\": 1, \"b\": 2}}"};
        for (String line : bad) {
            Path file = write("bad.jsonl", "{\"a\": 0}\n" + line + "\n");
            var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file).close(), line);
            assertTrue(error.getMessage().startsWith(file + " line 2: invalid JSON: "), error.getMessage());
            assertFalse(error.getMessage().contains("Strictness") || error.getMessage().contains("https://"), error.getMessage());
        }
    }

    @Test
    void paddingKeepsColumnsAndCountsNumbers() {
        Map<Integer, String> found = new HashMap<>();
        assertEquals("{\"a\": 1, \"b\": [0  , -2, 0        ], \"c\": \"NaN\"}",
                JsonLines.padNonFinite("{\"a\": 1, \"b\": [NaN, -2, -Infinity], \"c\": \"NaN\"}", found));
        assertEquals(Map.of(1, "NaN", 3, "-Infinity"), found);
    }
}
