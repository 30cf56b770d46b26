package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.IntColumn;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The rows of a CSV, TSV or JSON Lines file copied, into any of those three formats, with new columns appended and
 * every input value exactly as the file wrote it: the zip {@code 02134}, a 20-digit id, a timestamp with
 * microseconds and an offset, a nested object or a vector. Typed reading would turn those into numbers, instants and
 * tensors and write them back differently, so the copy re-reads the source text instead of the panel. Rows are the
 * reader's rows (CSV records after the header; non-blank JSON lines), so they line up with the panel's. The source
 * is streamed as the readers stream it (one record or line at a time, within the same budgets).
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
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            CsvWriter printer = writer(stream, to);
            try (CsvScanner scanner = scanner(source, from)) {
                for (List<String> cells; (cells = record(scanner, source)) != null; ) {
                    if (scanner.recordNumber() == 1) {
                        for (Column column : added) cells.add(column.name());
                    } else {
                        int row = copied[0]++;
                        for (Column column : added) cells.add(row < column.size() ? text(column, row) : "");
                    }
                    printer.printRecord(cells);
                }
            }
            printer.flush();
        });
        return copied[0];
    }

    private static int jsonLines(Path source, Path out, List<? extends Column> added) {
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (BoundedLines lines = lines(source)) {
                String line;
                while ((line = next(lines, source)) != null) {
                    if (line.isBlank()) continue;
                    String object = line.strip();
                    if (object.startsWith("\uFEFF")) object = object.substring(1).strip();   // the reader skips it too
                    if (lines.tooLong() || !object.startsWith("{") || !object.endsWith("}")) {
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

    private enum JsonKind { NONE, NUMBER, BOOLEAN, STRING }

    private static JsonKind kindOf(String cell) {
        if (cell.equals("true") || cell.equals("false")) return JsonKind.BOOLEAN;
        return JSON_NUMBER.matcher(cell).matches() || nonFinite(cell) ? JsonKind.NUMBER : JsonKind.STRING;
    }

    /** How {@link Csv#write} spells a non-finite double; JSON has no literal for it, and the reader takes it quoted. */
    private static boolean nonFinite(String cell) {
        return cell.equals("NaN") || cell.equals("Infinity") || cell.equals("-Infinity");
    }

    /** The next record's cells, the header's without its byte-order mark; null at the end of the file. */
    /**
     * The next record's cells, or null at the end. A read that fails names the source: inside {@link AtomicFiles#write}
     * an IOException would otherwise be reported as the output's.
     */
    private static List<String> record(CsvScanner scanner, Path source) {
        try {
            if (!scanner.nextRecord()) return null;
            List<String> cells = new ArrayList<>();
            for (String cell; (cell = scanner.nextField()) != null; ) cells.add(cell);
            if (scanner.recordNumber() == 1 && cells.get(0).startsWith("\uFEFF")) cells.set(0, cells.get(0).substring(1));
            return cells;
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static CsvScanner scanner(Path source, char delimiter) {
        try {
            return new CsvScanner(source, delimiter, TextLimits.current());
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static BoundedLines lines(Path source) {
        try {
            return new BoundedLines(source, TextLimits.current());
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static String next(BoundedLines lines, Path source) {
        try {
            return lines.next();
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static CsvWriter writer(java.io.OutputStream stream, char delimiter) {
        return new CsvWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)), delimiter);
    }

    private static ClusterbyException.BadFile unreadable(Path source, Exception e) {
        return new ClusterbyException.BadFile("cannot re-read " + source + ": " + e.getMessage(), e);
    }

    private static int csvToJsonLines(Path source, Path out, List<? extends Column> added, char delimiter) {
        // First pass: each column's JSON kind, from every filled cell as written.
        List<String> header = new ArrayList<>();
        List<JsonKind> kinds = new ArrayList<>();
        try (CsvScanner scanner = scanner(source, delimiter)) {
            for (List<String> cells; (cells = record(scanner, source)) != null; ) {
                if (scanner.recordNumber() == 1) {
                    header.addAll(cells);
                    for (int i = 0; i < cells.size(); i++) kinds.add(JsonKind.NONE);
                    continue;
                }
                for (int i = 0; i < Math.min(cells.size(), header.size()); i++) {
                    String cell = cells.get(i);
                    if (cell.isBlank()) continue;   // missing in a typed column; kept as text only in a string one
                    JsonKind kind = kindOf(cell), seen = kinds.get(i);
                    kinds.set(i, seen == JsonKind.NONE || seen == kind ? kind : JsonKind.STRING);
                }
            }
        } catch (IOException e) {
            throw unreadable(source, e);
        }
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (CsvScanner scanner = scanner(source, delimiter)) {
                for (List<String> cells; (cells = record(scanner, source)) != null; ) {
                    if (scanner.recordNumber() == 1) continue;
                    int row = copied[0]++;
                    StringBuilder line = new StringBuilder("{");
                    for (int i = 0; i < header.size(); i++) {
                        String cell = i < cells.size() ? cells.get(i) : "";
                        if (i > 0) line.append(", ");
                        line.append(json(header.get(i))).append(": ");
                        JsonKind kind = kinds.get(i);
                        if (cell.isEmpty() || (kind != JsonKind.STRING && cell.isBlank())) line.append("null");
                        else if (kind == JsonKind.STRING || nonFinite(cell)) line.append(json(cell));
                        else line.append(cell);
                    }
                    for (Column column : added) {
                        if (row >= column.size()) continue;
                        if (line.length() > 1) line.append(", ");
                        line.append(json(column.name())).append(": ").append(jsonValue(column, row));
                    }
                    writer.write(line.append("}\n").toString());
                }
            }
            writer.flush();
        });
        return copied[0];
    }

    /** A source line's cells, by the reader's own JSON rules; a line that no longer reads as one object is an error. */
    private static Map<String, String> object(Path source, BoundedLines lines, String line) {
        Map<String, String> cells = lines.tooLong() ? null : JsonLines.cellTexts(line.strip());
        if (cells == null) throw new ClusterbyException.BadFile(source + " changed while clustering: a line is no longer one object");
        return cells;
    }

    private static int jsonLinesToCsv(Path source, Path out, List<? extends Column> added, char delimiter) {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        try (BoundedLines lines = lines(source)) {
            for (String line; (line = next(lines, source)) != null; ) if (!line.isBlank()) keys.addAll(object(source, lines, line).keySet());
        } catch (IOException e) {
            throw unreadable(source, e);
        }
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            CsvWriter printer = writer(stream, delimiter);
            List<String> header = new ArrayList<>(keys);
            for (Column column : added) header.add(column.name());
            printer.printRecord(header);
            try (BoundedLines lines = lines(source)) {
                for (String line; (line = next(lines, source)) != null; ) {
                    if (line.isBlank()) continue;
                    Map<String, String> object = object(source, lines, line);
                    int row = copied[0]++;
                    List<String> cells = new ArrayList<>(header.size());
                    for (String key : keys) cells.add(object.getOrDefault(key, ""));
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
