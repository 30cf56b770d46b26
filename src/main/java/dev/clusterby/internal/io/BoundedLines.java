package dev.clusterby.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * The lines of a text file (ended by LF, CR or CR LF, as {@link java.io.BufferedReader#readLine} splits them), each
 * held to the field budget: a line past it comes back cut at the budget, with {@link #tooLong()} set, so a line of
 * gigabytes never reaches memory.
 */
final class BoundedLines implements Closeable {
    private final Reader in;
    private final long maxBytes;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder line = new StringBuilder();
    private int pos, limit;
    private long number;
    private boolean tooLong;

    BoundedLines(Path path, TextLimits limits) throws IOException {
        this.in = limits.open(path);
        this.maxBytes = limits.fieldBytes;
    }

    /** The next line without its end, or null at the end of the file. */
    String next() throws IOException {
        line.setLength(0);
        tooLong = false;
        long bytes = 0;
        boolean any = false;
        while (true) {
            if (pos == limit && !fill()) return any ? done() : null;
            any = true;
            char c = buffer[pos++];
            if (c == '\n') return done();
            if (c == '\r') {
                if (pos == limit) fill();
                if (pos < limit && buffer[pos] == '\n') pos++;
                return done();
            }
            bytes += TextLimits.utf8Bytes(c);
            if (bytes > maxBytes) {
                tooLong = true;
                number++;
                return line.toString();
            }
            line.append(c);
        }
    }

    private String done() {
        number++;
        return line.toString();
    }

    /** Whether the line last returned passed the budget (and is only its start). */
    boolean tooLong() {
        return tooLong;
    }

    /** The 1-based number of the line last returned. */
    long number() {
        return number;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
