package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.IntColumn;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of a CSV, TSV or JSON Lines file copied, into any of those three formats, with new columns appended and
 * every input value exactly as the file wrote it: the zip {@code 02134}, a 20-digit id, a timestamp with
 * microseconds and an offset, a nested object or a vector. Typed reading would turn those into numbers, instants and
 * tensors and write them back differently, so the copy re-reads the source text instead of the panel. Rows are the
 * reader's rows (CSV records after the header; non-blank JSON lines), so they line up with the panel's.
 *
 * <p>Across formats the text stays the text: a CSV cell goes to JSON as a number literal when every filled cell of
 * its column is a valid JSON number as written ({@code 1.50} stays {@code 1.50}), as {@code true}/{@code false}
 * when every one is, else as a string ({@code "02134"}); an empty cell is {@code null}. A JSON value goes to CSV as
 * its text: a string's characters, a number's literal, a nested object or array as compact JSON, {@code null} empty.
 */
public final class LabelledCopy {
    private static final java.util.regex.Pattern JSON_NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private LabelledCopy() {}

    /** Whether source and out are both CSV, TSV or JSON Lines files, so that a copy as written is possible. */
    public static boolean copyable(Path source, Path out) {
        return kind(source) != null && kind(out) != null;
    }

    private static String kind(Path path) {
        if (path.getFileName() == null) return null;
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return "csv";
        if (name.endsWith(".tsv") || name.endsWith(".tab")) return "tsv";
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
        return null;
    }

    private static char delimiter(String kind) {
        return kind.equals("tsv") ? '\t' : ',';
    }

    /** Copies source to out with the columns appended (one value per source row). */
    public static void write(Path source, Path out, List<? extends Column> added) {
        if (!copyable(source, out)) throw new IllegalArgumentException(source + " and " + out + " are not both CSV, TSV or JSON Lines");
        int rows = added.isEmpty() ? 0 : added.get(0).size();
        String from = kind(source), to = kind(out);
        boolean jsonIn = from.equals("jsonl"), jsonOut = to.equals("jsonl");
        int copied;
        if (jsonIn && jsonOut) copied = jsonLines(source, out, added);
        else if (jsonIn) copied = jsonLinesToCsv(source, out, added, delimiter(to));
        else if (jsonOut) copied = csvToJsonLines(source, out, added, delimiter(from));
        else copied = csv(source, out, added, delimiter(from), delimiter(to));
        if (copied != rows) {
            throw new ClusterbyException.BadFile(source + " changed while clustering: it now has " + copied
                    + " rows, the clustering had " + rows + "; " + out + " was not written");
        }
    }

    private static int csv(Path source, Path out, List<? extends Column> added, char from, char to) {
        CSVFormat write = CSVFormat.DEFAULT.builder().setDelimiter(to).setRecordSeparator('\n').build();
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            CSVPrinter printer = new CSVPrinter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), write);
            try (CSVParser parser = parse(source, from)) {
                for (CSVRecord record : parser) {
                    List<String> cells = cells(record);
                    if (record.getRecordNumber() == 1) {
                        for (Column column : added) cells.add(column.name());
                    } else {
                        int row = copied[0]++;
                        for (Column column : added) cells.add(row < column.size() ? text(column, row) : "");
                    }
                    printer.printRecord(cells);
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                throw unreadable(source, e);
            }
            printer.flush();
        });
        return copied[0];
    }

    private static int jsonLines(Path source, Path out, List<? extends Column> added) {
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (BufferedReader reader = Files.newBufferedReader(source, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) continue;
                    String object = line.strip();
                    if (!object.startsWith("{") || !object.endsWith("}")) {
                        throw new ClusterbyException.BadFile(source + " changed while clustering: a line is no longer one object");
                    }
                    int row = copied[0]++;
                    String body = object.substring(1, object.length() - 1);
                    StringBuilder fields = new StringBuilder();
                    for (Column column : added) {
                        if (row >= column.size()) continue;
                        if (!fields.isEmpty() || !body.isBlank()) fields.append(", ");
                        fields.append(json(column.name())).append(": ").append(jsonValue(column, row));
                    }
                    writer.write(object, 0, object.length() - 1);
                    writer.write(fields.toString());
                    writer.write("}\n");
                }
            }
            writer.flush();
        });
        return copied[0];
    }

    private static CSVFormat csvFormat(char delimiter) {
        return CSVFormat.DEFAULT.builder().setDelimiter(delimiter).build();
    }

    private enum JsonKind { NONE, NUMBER, BOOLEAN, STRING }

    private static JsonKind kindOf(String cell) {
        if (cell.equals("true") || cell.equals("false")) return JsonKind.BOOLEAN;
        return JSON_NUMBER.matcher(cell).matches() ? JsonKind.NUMBER : JsonKind.STRING;
    }

    /** A CSV or TSV file's records as cell lists, the header first with its byte-order mark removed. */
    private static CSVParser parse(Path source, char delimiter) throws IOException {
        return CSVParser.parse(Files.newBufferedReader(source, StandardCharsets.UTF_8), csvFormat(delimiter));
    }

    private static List<String> cells(CSVRecord record) {
        List<String> cells = new ArrayList<>(List.of(record.values()));
        if (record.getRecordNumber() == 1 && !cells.isEmpty() && cells.get(0).startsWith("\uFEFF")) {
            cells.set(0, cells.get(0).substring(1));
        }
        return cells;
    }

    private static ClusterbyException.BadFile unreadable(Path source, Exception e) {
        return new ClusterbyException.BadFile("cannot re-read " + source + ": " + e.getMessage(), e);
    }

    private static int csvToJsonLines(Path source, Path out, List<? extends Column> added, char delimiter) {
        // First pass: each column's JSON kind, from every filled cell as written.
        List<String> header = new ArrayList<>();
        List<JsonKind> kinds = new ArrayList<>();
        try (CSVParser parser = parse(source, delimiter)) {
            for (CSVRecord record : parser) {
                List<String> cells = cells(record);
                if (record.getRecordNumber() == 1) {
                    header.addAll(cells);
                    for (int i = 0; i < cells.size(); i++) kinds.add(JsonKind.NONE);
                    continue;
                }
                for (int i = 0; i < Math.min(cells.size(), header.size()); i++) {
                    String cell = cells.get(i);
                    if (cell.isEmpty()) continue;
                    JsonKind kind = kindOf(cell), seen = kinds.get(i);
                    kinds.set(i, seen == JsonKind.NONE || seen == kind ? kind : JsonKind.STRING);
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw unreadable(source, e);
        }
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (CSVParser parser = parse(source, delimiter)) {
                for (CSVRecord record : parser) {
                    if (record.getRecordNumber() == 1) continue;
                    List<String> cells = cells(record);
                    int row = copied[0]++;
                    StringBuilder line = new StringBuilder("{");
                    for (int i = 0; i < header.size(); i++) {
                        String cell = i < cells.size() ? cells.get(i) : "";
                        if (i > 0) line.append(", ");
                        line.append(json(header.get(i))).append(": ");
                        if (cell.isEmpty()) line.append("null");
                        else if (kinds.get(i) == JsonKind.STRING) line.append(json(cell));
                        else line.append(cell);
                    }
                    for (Column column : added) {
                        if (row >= column.size()) continue;
                        if (line.length() > 1) line.append(", ");
                        line.append(json(column.name())).append(": ").append(jsonValue(column, row));
                    }
                    writer.write(line.append("}\n").toString());
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                throw unreadable(source, e);
            }
            writer.flush();
        });
        return copied[0];
    }

    private static com.google.gson.JsonObject object(Path source, String line) {
        String text = line.strip();
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        try {
            com.google.gson.JsonElement element = com.google.gson.JsonParser.parseString(text);
            if (element.isJsonObject()) return element.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            // reported below
        }
        throw new ClusterbyException.BadFile(source + " changed while clustering: a line is no longer one object");
    }

    /** A JSON value as the text a CSV cell holds: Gson keeps a number's literal, so {@code 1e400} stays as written. */
    private static String cellText(com.google.gson.JsonElement value) {
        if (value == null || value.isJsonNull()) return "";
        if (value.isJsonPrimitive()) return value.getAsString();
        return value.toString();
    }

    private static int jsonLinesToCsv(Path source, Path out, List<? extends Column> added, char delimiter) {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(source, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) if (!line.isBlank()) keys.addAll(object(source, line).keySet());
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(source, e);
        }
        CSVFormat write = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setRecordSeparator('\n').build();
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            CSVPrinter printer = new CSVPrinter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), write);
            List<String> header = new ArrayList<>(keys);
            for (Column column : added) header.add(column.name());
            printer.printRecord(header);
            try (BufferedReader reader = Files.newBufferedReader(source, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) continue;
                    com.google.gson.JsonObject object = object(source, line);
                    int row = copied[0]++;
                    List<String> cells = new ArrayList<>(header.size());
                    for (String key : keys) cells.add(cellText(object.get(key)));
                    for (Column column : added) cells.add(row < column.size() ? text(column, row) : "");
                    printer.printRecord(cells);
                }
            }
            printer.flush();
        });
        return copied[0];
    }

    private static String text(Column column, int row) {
        return column.isMissing(row) ? "" : column.format(row);
    }

    private static String jsonValue(Column column, int row) {
        if (column.isMissing(row)) return "null";
        if (column instanceof IntColumn c) return Long.toString(c.getLong(row));
        return json(column.format(row));
    }

    private static String json(String text) {
        return new com.google.gson.JsonPrimitive(text).toString();
    }
}
