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
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CSV and TSV (the same, with a tab delimiter): a header row, then one record per row; types are inferred. */
final class Csv {
    private Csv() {}

    static DataPanel read(Path path, char delimiter) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).build();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.parse(reader, format)) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!hasNext(records, parser, path)) throw new ClusterbyException.BadFile(path + ": empty file, expected a header row");
            String[] header = header(next(records, parser, path), path);
            List<List<String>> cells = new ArrayList<>();
            for (int c = 0; c < header.length; c++) cells.add(new ArrayList<>());
            while (hasNext(records, parser, path)) {
                CSVRecord record = next(records, parser, path);
                if (record.size() != header.length) {
                    throw new ClusterbyException.BadFile(path + " line " + parser.getCurrentLineNumber() + " (record "
                            + record.getRecordNumber() + "): has " + record.size() + " fields, the header has " + header.length);
                }
                for (int c = 0; c < header.length; c++) cells.get(c).add(record.get(c));
            }
            List<Column> columns = new ArrayList<>(header.length);
            for (int c = 0; c < header.length; c++) columns.add(Inference.fromText(header[c], cells.get(c).toArray(String[]::new)));
            return DataPanel.of(columns);
        } catch (CharacterCodingException e) {
            throw new ClusterbyException.BadFile(path + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static String[] header(CSVRecord record, Path path) {
        String[] names = record.values();
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
        return names;
    }

    // Commons CSV reports malformed input (an unclosed quote, text after a closing quote) as an unchecked exception.
    private static boolean hasNext(Iterator<CSVRecord> records, CSVParser parser, Path path) {
        try {
            return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw malformed(path, parser, e);
        }
    }

    private static CSVRecord next(Iterator<CSVRecord> records, CSVParser parser, Path path) {
        try {
            return records.next();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw malformed(path, parser, e);
        }
    }

    private static final Pattern START_LINE = Pattern.compile("\\((?:startline|line) (\\d+)\\)\\s*");
    private static final Pattern AT_LINE = Pattern.compile(" at line: (\\d+), position: (\\d+)");

    private static ClusterbyException.BadFile malformed(Path path, CSVParser parser, RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof CharacterCodingException) return new ClusterbyException.BadFile(path + ": not valid UTF-8 text", e);
        String message = String.valueOf(cause.getMessage());
        // Commons CSV puts the line where the bad field starts into its message; that line is the one to fix.
        long line = parser.getCurrentLineNumber() + 1;
        Matcher start = START_LINE.matcher(message);
        if (start.find()) {
            line = Long.parseLong(start.group(1));
            message = start.replaceFirst("");
        }
        Matcher at = AT_LINE.matcher(message);
        if (at.find()) {
            line = Long.parseLong(at.group(1));
            message = at.replaceFirst(" (character " + at.group(2) + ")");
        }
        if (message.startsWith("EOF reached before encapsulated token finished")) {
            message = "a quoted field is never closed (a missing \" or a stray one)";
        }
        return new ClusterbyException.BadFile(path + " line " + line + ": malformed CSV: " + message, e);
    }

    static void write(DataPanel panel, Path path, char delimiter) {
        List<Column> columns = panel.columns();
        for (Column column : columns) {
            if (column instanceof TensorColumn) {
                throw new ClusterbyException.BadFile("cannot write " + path + ": column '" + column.name()
                        + "' is a tensor, which CSV cannot hold; write it to a .npy file, or drop the column first");
            }
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setRecordSeparator('\n').build();
        AtomicFiles.write(path, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(writer, format);
            printer.printRecord(columns.stream().map(Column::name).toList());
            Object[] row = new Object[columns.size()];
            for (int r = 0; r < panel.size(); r++) {
                for (int c = 0; c < row.length; c++) row[c] = cell(columns.get(c), r);
                // A lone missing value would be an empty line, which readers skip; an empty string prints as "".
                if (row.length == 1 && row[0] == null) row[0] = "";
                printer.printRecord(row);
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
