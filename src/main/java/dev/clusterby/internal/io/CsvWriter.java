package dev.clusterby.internal.io;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes CSV as commons-csv's default format does (which this project used before, so files come out the same):
 * a field is quoted only when it must be, that is when it holds a quote, the delimiter, CR or LF, starts with a
 * character up to {@code #}, ends in one up to a space, or is empty and first on its line (an empty line would be
 * skipped on reading); a missing value is written empty. Records end in LF.
 */
final class CsvWriter {
    private final Writer out;
    private final char delimiter;
    private boolean first = true;

    CsvWriter(Writer out, char delimiter) {
        this.out = out;
        this.delimiter = delimiter;
    }

    /** One field of the current record; {@code null} is written empty. */
    void print(String value) throws IOException {
        if (!first) out.write(delimiter);
        boolean firstOnLine = first;
        first = false;
        if (value == null) return;
        if (!needsQuotes(value, firstOnLine)) {
            out.write(value);
            return;
        }
        out.write('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '"') {
                out.write(value, start, i + 1 - start);   // the quote, then it once more below
                start = i;
            }
        }
        out.write(value, start, value.length() - start);
        out.write('"');
    }

    /** One record: its fields, then its end. */
    void printRecord(Iterable<String> fields) throws IOException {
        for (String field : fields) print(field);
        println();
    }

    /** Ends the current record. */
    void println() throws IOException {
        out.write('\n');
        first = true;
    }

    void flush() throws IOException {
        out.flush();
    }

    private boolean needsQuotes(String value, boolean firstOnLine) {
        if (value.isEmpty()) return firstOnLine;
        if (value.charAt(0) <= '#') return true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '"' || c == delimiter) return true;
        }
        return value.charAt(value.length() - 1) <= ' ';
    }
}
