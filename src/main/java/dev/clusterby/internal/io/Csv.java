package dev.clusterby.internal.io;

import dev.clusterby.BooleanColumn;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.ImageColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.TimestampColumn;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CSV and TSV (the same, with a tab delimiter): a header row, then one record per row; types are inferred. */
final class Csv {
    private Csv() {}

    /**
     * Two passes over the file, one field in memory at a time: the first decides each column's type and counts the
     * rows, the second fills columns allocated for exactly those rows and types (after checking they fit the heap).
     */
    static DataPanel read(Path path, char delimiter) {
        TextLimits limits = TextLimits.current();
        try {
            String[] header;
            Inference.Streamed[] columns;
            int rows = 0;
            try (CsvScanner scanner = new CsvScanner(path, delimiter, limits)) {
                if (!scanner.nextRecord()) throw new ClusterbyException.BadFile(path + ": empty file, expected a header row");
                header = header(scanner, path);
                columns = new Inference.Streamed[header.length];
                for (int c = 0; c < header.length; c++) columns[c] = Inference.Streamed.inferred(header[c]);
                while (scanner.nextRecord()) {
                    if (rows == MAX_ROWS) throw new ClusterbyException.BadFile(path + ": more than " + MAX_ROWS + " rows, more than a panel holds");
                    String value;
                    for (int c = 0; (value = fieldOf(scanner, c, header.length, path)) != null; c++) columns[c].observe(value);
                    rows++;
                }
            }
            long bytes = 0;
            for (Inference.Streamed column : columns) bytes += column.bytes(rows);
            TextLimits.checkHeap(path, rows, header.length, bytes);
            for (Inference.Streamed column : columns) column.start(rows);
            try (CsvScanner scanner = new CsvScanner(path, delimiter, limits)) {
                scanner.names(header);
                scanner.nextRecord();
                while (scanner.nextField() != null) {
                    // the header, read on the first pass
                }
                int row = 0;
                for (; scanner.nextRecord(); row++) {
                    if (row == rows) throw TextLimits.changed(path);
                    String value;
                    for (int c = 0; (value = fieldOf(scanner, c, header.length, path)) != null; c++) columns[c].set(row, value);
                }
                if (row != rows) throw TextLimits.changed(path);
            } catch (IllegalArgumentException e) {
                throw TextLimits.changed(path);
            }
            List<Column> out = new ArrayList<>(header.length);
            for (Inference.Streamed column : columns) out.add(column.column());
            return DataPanel.of(out);
        } catch (CharacterCodingException e) {
            throw new ClusterbyException.BadFile(path + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The most rows a panel holds: a Java array's length. */
    private static final int MAX_ROWS = Integer.MAX_VALUE - 8;

    /** Field c of the current record, or null at its end; a record with more or fewer fields than the header is an error. */
    private static String fieldOf(CsvScanner scanner, int c, int width, Path path) throws IOException {
        String value = scanner.nextField();
        if ((value == null) == (c == width)) return value;
        int fields = c;
        if (value != null) {
            fields++;
            while (scanner.nextField() != null) fields++;
        }
        throw new ClusterbyException.BadFile(path + " line " + scanner.recordLine() + " (record " + scanner.recordNumber()
                + "): has " + fields + " fields, the header has " + width);
    }

    private static String[] header(CsvScanner scanner, Path path) throws IOException {
        List<String> list = new ArrayList<>();
        long bytes = 0;
        for (String name; (name = scanner.nextField()) != null; ) {
            bytes += TextLimits.stringBytes(name) + 256;   // the name, and its column's state on the first pass
            if (Integer.bitCount(list.size()) == 1 && list.size() >= 1024) TextLimits.checkHeap(path, 0, list.size(), bytes);
            list.add(name);
        }
        String[] names = list.toArray(String[]::new);
        // Excel and Windows tools often start UTF-8 files with a byte-order mark; it is not part of the name.
        if (names.length > 0 && names[0].startsWith("\uFEFF")) names[0] = names[0].substring(1);
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < names.length; c++) {
            if (names[c].isBlank()) {
                throw new ClusterbyException.BadFile(path + " line 1: header column " + (c + 1) + " has no name");
            }
            Integer earlier = seen.putIfAbsent(names[c], c);
            if (earlier != null) {
                throw new ClusterbyException.BadFile(path + " line 1: duplicate column name '" + names[c] + "' (columns "
                        + (earlier + 1) + " and " + (c + 1) + ")");
            }
        }
        scanner.names(names);
        return names;
    }

    static void write(DataPanel panel, Path path, char delimiter) {
        List<Column> columns = panel.columns();
        for (Column column : columns) {
            if (column instanceof TensorColumn) {
                throw new ClusterbyException.BadFile("cannot write " + path + ": column '" + column.name()
                        + "' is a tensor, which CSV cannot hold; write it to a .npy file, or drop the column first");
            }
        }
        AtomicFiles.write(path, out -> {
            CsvWriter printer = new CsvWriter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), delimiter);
            for (Column column : columns) printer.print(column.name());
            printer.println();
            for (int r = 0; r < panel.size(); r++) {
                for (Column column : columns) {
                    String cell = cell(column, r);
                    // A lone missing value would be an empty line, which readers skip; an empty string prints as "".
                    printer.print(cell == null && columns.size() == 1 ? "" : cell);
                }
                printer.println();
            }
            printer.flush();
        });
    }

    /** A cell as text, so that reading it back infers the same type; {@code null} (written empty) when missing. */
    private static String cell(Column column, int row) {
        if (column.isMissing(row)) return null;
        return switch (column) {
            case IntColumn c -> Long.toString(c.getLong(row));
            case DoubleColumn c -> Double.toString(c.getDouble(row));
            case BooleanColumn c -> Boolean.toString(c.isTrue(row));
            case TimestampColumn c -> Instant.ofEpochMilli(c.epochMillis(row)).toString();
            case StringColumn c -> c.get(row);
            case ImageColumn c -> c.source(row).label();
            case TensorColumn c -> throw new IllegalStateException("tensor column " + c.name() + " reached the CSV writer");
        };
    }
}
