package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The text readers' budgets on hostile files, and the streaming CSV scanner and writer against commons-csv (test scope) on random text. */
class TextLimitsTest {
    @TempDir Path dir;

    @AfterEach
    void clearBudgets() {
        System.clearProperty(TextLimits.FIELD_PROPERTY);
        System.clearProperty(TextLimits.FILE_PROPERTY);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String message(Path file) {
        return assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(file)).getMessage();
    }

    @Test
    void aFieldFarBeyondTheBudgetNamesFileLineRowAndColumn() throws IOException {
        System.setProperty(TextLimits.FIELD_PROPERTY, "1000");
        Path file = write("big-field.csv", "id,text\n1,short\n2," + "x".repeat(200_000) + "\n3,short\n");
        String error = message(file);
        assertTrue(error.startsWith(file + " line 3 (row 2), column 'text': a field of more than 1000 bytes"), error);
        assertTrue(error.contains("-D" + TextLimits.FIELD_PROPERTY + "=N") && error.contains(TextLimits.FIELD_VARIABLE), error);

        // Raised, the same file reads, and the field is whole.
        System.setProperty(TextLimits.FIELD_PROPERTY, "300000");
        try (DataPanel panel = DataPanel.read(file)) {
            assertEquals(200_000, panel.stringColumn("text").get(1).length());
        }
    }

    @Test
    void theBudgetCountsUtf8BytesNotChars() throws IOException {
        System.setProperty(TextLimits.FIELD_PROPERTY, "10");
        // Four chars of three bytes each: 12 bytes, over 10 though only 4 chars.
        assertTrue(message(write("wide.csv", "a\n日本語日\n")).contains("column 'a'"));
        try (DataPanel panel = DataPanel.read(write("narrow.csv", "a\n日本語\n"))) {
            assertEquals("日本語", panel.stringColumn("a").get(0));
        }
    }

    @Test
    void aFileBeyondTheBudgetIsRefusedBeforeReading() throws IOException {
        System.setProperty(TextLimits.FILE_PROPERTY, "4096");
        Path csv = write("big.csv", "n\n" + "1\n".repeat(5000));
        String error = message(csv);
        assertTrue(error.startsWith(csv + ": the file holds 10002 bytes, over the budget of 4096 bytes per text file"), error);
        assertTrue(error.contains("-D" + TextLimits.FILE_PROPERTY + "=N") && error.contains(TextLimits.FILE_VARIABLE), error);
        Path jsonl = write("big.jsonl", "{\"n\": 1}\n".repeat(1000));
        assertTrue(message(jsonl).startsWith(jsonl + ": the file holds 9000 bytes, over the budget of 4096"), message(jsonl));
        System.setProperty(TextLimits.FILE_PROPERTY, "20000");
        try (DataPanel panel = DataPanel.read(csv)) {
            assertEquals(5000, panel.size());
        }
    }

    @Test
    void anUnterminatedQuoteRunningToTheEndNamesWhereItStarts() throws IOException {
        Path file = write("open.csv", "a,b\n1,2\n3,\"runs on\n" + "4,5\n".repeat(10_000));
        String error = message(file);
        assertTrue(error.startsWith(file + " line 3: malformed CSV: a quoted field is never closed"), error);

        // With a field budget smaller than the rest of the file, the budget stops it first, naming the same place.
        System.setProperty(TextLimits.FIELD_PROPERTY, "1024");
        error = message(file);
        assertTrue(error.startsWith(file + " line 3 (row 2), column 'b': a field of more than 1024 bytes"), error);
    }

    @Test
    void aJsonLineOfGigabytesIsStoppedAtTheBudgetNamingLineAndColumn() throws IOException {
        System.setProperty(TextLimits.FIELD_PROPERTY, "4096");
        Path file = write("long-line.jsonl", "{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \""
                + "y".repeat(1 << 20) + "\"}\n");
        String error = message(file);
        assertTrue(error.startsWith(file + " line 2, column 'text': a line (JSON Lines are read a line at a time) of more than 4096 bytes"),
                error);
        // A line with no object at its start still names its line.
        Path array = write("array.jsonl", "[" + "1,".repeat(5000) + "1]\n");
        assertTrue(message(array).startsWith(array + " line 1: a line"), message(array));
    }

    @Test
    void aMalformedBudgetIsAnErrorNamingTheProperty() throws IOException {
        Path file = write("ok.csv", "a\n1\n");
        System.setProperty(TextLimits.FIELD_PROPERTY, "lots");
        var error = assertThrows(ClusterbyException.BadOption.class, () -> DataPanel.read(file));
        assertTrue(error.getMessage().contains(TextLimits.FIELD_PROPERTY) && error.getMessage().contains("'lots'"), error.getMessage());
    }

    @Test
    void columnsThatWouldNotFitTheHeapAreRefusedBeforeAllocating() {
        Path file = dir.resolve("huge.csv");
        var error = assertThrows(ClusterbyException.BadFile.class,
                () -> TextLimits.checkHeap(file, 3_000_000_000L, 4, Runtime.getRuntime().maxMemory() * 2));
        assertTrue(error.getMessage().startsWith(file + ": its 3000000000 rows × 4 columns need about"), error.getMessage());
        assertTrue(error.getMessage().contains("-Xmx"), error.getMessage());
        TextLimits.checkHeap(file, 10, 1, 1024);   // what fits goes on
    }

    @Test
    void streamingKeepsValuesAcrossBufferBoundariesAndLineEnds() throws IOException {
        // Past the 64 KB buffer many times, CR LF, bare CR, empty lines, quoted line breaks and quotes.
        StringBuilder csv = new StringBuilder("\r\nzip,text,n\r\n");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String text = i % 3 == 0 ? "line\nbreak \"" + i + "\"" : "plain " + i;
            texts.add(text);
            csv.append(String.format("%05d", i)).append(',').append('"').append(text.replace("\"", "\"\"")).append("\",").append(i)
                    .append(i % 2 == 0 ? "\r\n" : i % 5 == 0 ? "\r" : "\n\n");
        }
        Path file = write("many.csv", csv.toString());
        try (DataPanel panel = DataPanel.read(file)) {
            assertEquals(20_000, panel.size());
            assertEquals(ColumnType.INT64, panel.column("zip").type());
            assertEquals(texts, panel.stringColumn("text").values());
            IntColumn n = panel.intColumn("n");
            for (int i = 0; i < 20_000; i++) assertEquals(i, n.getLong(i));
        }
    }

    /** The scanner reads what commons-csv (which the library used to read with) reads, or both refuse it. */
    @Test
    void scannerAgreesWithCommonsCsvOnRandomText() throws IOException {
        Random random = new Random(11);
        String[] pieces = {"a", "b", "1", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "é", "日", "x\"y", "\"q\"", ",,"};
        Path file = dir.resolve("random.csv");
        int agreedOnErrors = 0;
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) text.append(pieces[random.nextInt(pieces.length)]);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            List<List<String>> expected = commons(text.toString());
            List<List<String>> actual = scanned(file);
            if (expected == null) {
                assertNull(actual, "commons-csv refuses " + Arrays.toString(text.toString().toCharArray()) + ", the scanner read " + actual);
                agreedOnErrors++;
            } else {
                assertEquals(expected, actual, "input " + text.toString().replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
        assertTrue(agreedOnErrors > 50, "the random inputs must include malformed ones: " + agreedOnErrors);
    }

    /** The writer writes what commons-csv's printer (which it replaced) wrote, byte for byte. */
    @Test
    void writerAgreesWithCommonsCsvOnRandomValues() throws IOException {
        Random random = new Random(5);
        String[] pieces = {"a", "1", ",", "\t", "\"", "\n", "\r", " ", "#", "!", "é", "日", "-", "~"};
        for (char delimiter : new char[] {',', '\t'}) {
            for (int trial = 0; trial < 2000; trial++) {
                java.io.StringWriter ours = new java.io.StringWriter(), theirs = new java.io.StringWriter();
                CsvWriter writer = new CsvWriter(ours, delimiter);
                var printer = new org.apache.commons.csv.CSVPrinter(theirs,
                        CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setRecordSeparator('\n').build());
                for (int record = 0; record < 3; record++) {
                    int fields = 1 + random.nextInt(3);
                    for (int f = 0; f < fields; f++) {
                        String value = null;
                        if (random.nextInt(8) > 0) {
                            StringBuilder text = new StringBuilder();
                            for (int i = random.nextInt(4); i > 0; i--) text.append(pieces[random.nextInt(pieces.length)]);
                            value = text.toString();
                        }
                        writer.print(value);
                        printer.print(value);
                    }
                    writer.println();
                    printer.println();
                }
                printer.flush();
                assertEquals(theirs.toString(), ours.toString());
            }
        }
    }

    private static List<List<String>> commons(String text) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(text), CSVFormat.DEFAULT)) {
            List<List<String>> records = new ArrayList<>();
            for (CSVRecord record : parser) records.add(List.of(record.values()));
            return records;
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    private static List<List<String>> scanned(Path file) throws IOException {
        try (CsvScanner scanner = new CsvScanner(file, ',', TextLimits.current())) {
            List<List<String>> records = new ArrayList<>();
            while (scanner.nextRecord()) {
                List<String> record = new ArrayList<>();
                for (String field; (field = scanner.nextField()) != null; ) record.add(field);
                records.add(record);
            }
            return records;
        } catch (ClusterbyException.BadFile e) {
            assertTrue(e.getMessage().contains("malformed CSV"), e.getMessage());
            return null;
        }
    }
}
