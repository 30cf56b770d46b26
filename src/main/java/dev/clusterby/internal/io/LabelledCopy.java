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
import java.util.List;
import java.util.Locale;

/**
 * The rows of a CSV, TSV or JSON Lines file copied with new columns appended, every input value exactly as the file
 * wrote it: the zip {@code 02134}, a 20-digit id, a timestamp with microseconds and an offset, a nested object or a
 * vector. Typed reading would turn those into numbers, instants and tensors and write them back differently, so
 * the copy re-reads the source text instead of the panel. Rows are the reader's rows (CSV records after the header;
 * non-blank JSON lines), so they line up with the panel's.
 */
public final class LabelledCopy {
    private LabelledCopy() {}

    /** Whether source and out are the same text format, so that a copy as written is possible. */
    public static boolean sameFormat(Path source, Path out) {
        String a = kind(source), b = kind(out);
        return a != null && a.equals(b);
    }

    private static String kind(Path path) {
        if (path.getFileName() == null) return null;
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return "csv";
        if (name.endsWith(".tsv") || name.endsWith(".tab")) return "tsv";
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
        return null;
    }

    /** Copies source to out with the columns appended (one value per source row). */
    public static void write(Path source, Path out, List<? extends Column> added) {
        if (!sameFormat(source, out)) throw new IllegalArgumentException(source + " and " + out + " are not the same format");
        int rows = added.isEmpty() ? 0 : added.get(0).size();
        int copied = switch (kind(source)) {
            case "jsonl" -> jsonLines(source, out, added);
            case "tsv" -> csv(source, out, added, '\t');
            default -> csv(source, out, added, ',');
        };
        if (copied != rows) {
            throw new ClusterbyException.BadFile(source + " changed while clustering: it now has " + copied
                    + " rows, the clustering had " + rows + "; " + out + " was not written");
        }
    }

    private static int csv(Path source, Path out, List<? extends Column> added, char delimiter) {
        TextLimits limits = TextLimits.current();
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            CsvWriter printer = new CsvWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)), delimiter);
            // Field by field, as the reader reads them: a record is never held whole.
            try (CsvScanner scanner = new CsvScanner(source, delimiter, limits)) {
                boolean header = true;
                while (scanner.nextRecord()) {
                    String cell = scanner.nextField();
                    if (header && cell.startsWith("\uFEFF")) cell = cell.substring(1);
                    for (; cell != null; cell = scanner.nextField()) printer.print(cell);
                    int row = header ? -1 : copied[0]++;
                    for (Column column : added) printer.print(header ? column.name() : row < column.size() ? text(column, row) : "");
                    printer.println();
                    header = false;
                }
            }
            printer.flush();
        });
        return copied[0];
    }

    private static int jsonLines(Path source, Path out, List<? extends Column> added) {
        TextLimits limits = TextLimits.current();
        int[] copied = {0};
        AtomicFiles.write(out, stream -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (BoundedLines lines = new BoundedLines(source, limits)) {
                String line;
                while ((line = lines.next()) != null) {
                    if (line.isBlank()) continue;
                    String object = line.strip();
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
