package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * CSV (RFC 4180, as commons-csv's default format reads it) one field at a time, so that memory holds one field,
 * never a record or the file: {@code "} quotes a field that starts with it and {@code ""} is a quote inside it;
 * white space may follow a closing quote; lines end in LF, CR or CR LF; empty lines are skipped. A field is held to
 * the field budget and the file to the file budget ({@link TextLimits}); errors name the line, row and column.
 */
final class CsvScanner implements Closeable {
    private static final int EOF = -1;

    private final Path path;
    private final Reader in;
    private final char delimiter;
    private final TextLimits limits;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder field = new StringBuilder();
    private int pos, limit;
    private int last = EOF;
    private long line = 1, position, records;
    private boolean inRecord;
    private int fieldIndex;
    private long recordLine;
    private String[] names;

    CsvScanner(Path path, char delimiter, TextLimits limits) throws IOException {
        this.path = path;
        this.delimiter = delimiter;
        this.limits = limits;
        this.in = limits.open(path);
    }

    /** The column names, once the header is read, for messages. */
    void names(String[] header) {
        this.names = header;
    }

    /** Moves to the next record, skipping empty lines; false at the end of the file. */
    boolean nextRecord() throws IOException {
        while (inRecord) nextField();   // the rest of an unfinished record
        while (true) {
            int c = peek();
            if (c == EOF) return false;
            if (c != '\n' && c != '\r') break;
            endOfLine(read());
        }
        inRecord = true;
        fieldIndex = 0;
        recordLine = line;
        records++;
        return true;
    }

    /** The line the current record starts on. */
    long recordLine() {
        return recordLine;
    }

    /** The current record's number, the header being 1. */
    long recordNumber() {
        return records;
    }

    /** The next field of the current record, or null when the record has ended. */
    String nextField() throws IOException {
        if (!inRecord) return null;
        field.setLength(0);
        long bytes = 0;
        int c = read();
        if (c == '"') {
            long startLine = line;
            while (true) {
                c = read();
                if (c == EOF) throw malformed(startLine, "a quoted field is never closed (a missing \" or a stray one)");
                if (c == '"') {
                    if (peek() != '"') return afterClosingQuote();
                    read();
                }
                bytes += TextLimits.utf8Bytes((char) c);
                if (bytes > limits.fieldBytes) throw tooBig(startLine);
                field.append((char) c);
            }
        }
        while (true) {
            if (c == EOF) return endRecord();
            if (c == delimiter) return endField();
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                return endRecord();
            }
            bytes += TextLimits.utf8Bytes((char) c);
            if (bytes > limits.fieldBytes) throw tooBig(line);
            field.append((char) c);
            c = read();
        }
    }

    private String afterClosingQuote() throws IOException {
        while (true) {
            int c = read();
            if (c == EOF) return endRecord();
            if (c == delimiter) return endField();
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                return endRecord();
            }
            if (!Character.isWhitespace((char) c)) {
                throw malformed(line, "Invalid char between encapsulated token and delimiter (character " + position + ")");
            }
        }
    }

    private String endField() {
        fieldIndex++;
        return field.toString();
    }

    private String endRecord() {
        inRecord = false;
        return endField();
    }

    private void endOfLine(int c) throws IOException {
        if (c == '\r' && peek() == '\n') read();
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) return EOF;
        return buffer[pos];
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) return EOF;
        char c = buffer[pos++];
        position++;
        if (c == '\r' || (c == '\n' && last != '\r')) line++;
        last = c;
        return c;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }

    private ClusterbyException.BadFile malformed(long at, String message) {
        return new ClusterbyException.BadFile(path + " line " + at + ": malformed CSV: " + message);
    }

    private ClusterbyException.BadFile tooBig(long at) {
        String column = names != null && fieldIndex < names.length ? "column '" + names[fieldIndex] + "'"
                : "column " + (fieldIndex + 1);
        String row = records <= 1 ? "the header" : "row " + (records - 1);
        return limits.fieldTooBig(path, "line " + at + " (" + row + "), " + column, "a field");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
