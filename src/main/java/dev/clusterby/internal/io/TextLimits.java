package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The budgets that keep a text file (CSV, TSV, JSON Lines) from taking the machine: at most {@link #fieldBytes} in
 * one field (in JSON Lines, one line, which is read whole), at most {@link #fileBytes} in one file, and a panel
 * whose columns would not fit in the heap is refused after the first pass, before its arrays are allocated. Each
 * budget is raised or lowered by a system property, else an environment variable, as the image pixel budget is.
 */
final class TextLimits {
    /** 64 MiB: a whole book is a few MB; a field past this is a stray quote running on, or not text at all. */
    static final long DEFAULT_FIELD_BYTES = 64L << 20;
    /** 16 GiB: as text in the heap, more than a 24 GB machine holds; bigger data goes through .npy or Parquet. */
    static final long DEFAULT_FILE_BYTES = 16L << 30;

    static final String FIELD_PROPERTY = "clusterby.read.maxFieldBytes", FIELD_VARIABLE = "CLUSTERBY_READ_MAX_FIELD_BYTES";
    static final String FILE_PROPERTY = "clusterby.read.maxFileBytes", FILE_VARIABLE = "CLUSTERBY_READ_MAX_FILE_BYTES";

    final long fieldBytes;
    final long fileBytes;

    private TextLimits(long fieldBytes, long fileBytes) {
        this.fieldBytes = fieldBytes;
        this.fileBytes = fileBytes;
    }

    /** The budgets in force now. */
    static TextLimits current() {
        return new TextLimits(positive(FIELD_PROPERTY, FIELD_VARIABLE, DEFAULT_FIELD_BYTES, "bytes"),
                positive(FILE_PROPERTY, FILE_VARIABLE, DEFAULT_FILE_BYTES, "bytes"));
    }

    /** The property, else the variable, else the default; a value that is not a positive whole number is an error naming it. */
    static long positive(String property, String variable, long fallback, String unit) {
        String text = System.getProperty(property);
        if (text == null || text.isBlank()) text = System.getenv(variable);
        if (text == null || text.isBlank()) return fallback;
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ClusterbyException.BadOption(property, "expected a positive whole number of " + unit + ", got '" + text + "'");
    }

    /** The text of a file as UTF-8 (malformed bytes are an error), refused up front or as it passes the file budget. */
    Reader open(Path path) throws IOException {
        if (Files.isRegularFile(path) && Files.size(path) > fileBytes) throw fileTooBig(path, Files.size(path) + " bytes");
        InputStream counted = new FilterInputStream(Files.newInputStream(path)) {
            private long read;

            @Override public int read() throws IOException {
                int b = super.read();
                if (b >= 0) count(1);
                return b;
            }

            @Override public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) count(n);
                return n;
            }

            private void count(long n) {
                read += n;
                // A file that grows while it is read, or a pipe, is caught here.
                if (read > fileBytes) throw fileTooBig(path, "more than " + fileBytes + " bytes");
            }
        };
        return new InputStreamReader(counted, StandardCharsets.UTF_8.newDecoder());
    }

    private ClusterbyException.BadFile fileTooBig(Path path, String size) {
        return new ClusterbyException.BadFile(path + ": the file holds " + size + ", over the budget of " + fileBytes
                + " bytes per text file (raise it with -D" + FILE_PROPERTY + "=N or " + FILE_VARIABLE + "=N)");
    }

    /** The error for a field (or JSON line) over the budget; {@code where} names the line, row and column. */
    ClusterbyException.BadFile fieldTooBig(Path path, String where, String what) {
        return new ClusterbyException.BadFile(path + " " + where + ": " + what + " of more than " + fieldBytes
                + " bytes, over the budget of " + fieldBytes + " per field (raise it with -D" + FIELD_PROPERTY + "=N or "
                + FIELD_VARIABLE + "=N)");
    }

    /** The UTF-8 length of a char, counting each half of a surrogate pair as 2 of the pair's 4. */
    static int utf8Bytes(char c) {
        return c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }

    /** The heap a String of this text takes, with its reference: compact (Latin-1) or two bytes a char. */
    static long stringBytes(String text) {
        int wide = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                wide = 2;
                break;
            }
        }
        return 48L + (long) wide * text.length();
    }

    /**
     * Fails with one error when the columns about to be allocated (estimated at {@code bytes}) do not fit in the heap
     * the JVM has left, instead of an OutOfMemoryError part way through.
     */
    /** The second pass of a two-pass reader met other bytes than the first. */
    static ClusterbyException.BadFile changed(Path path) {
        return new ClusterbyException.BadFile(path + " changed while it was read; read it again once it is complete");
    }

    static void checkHeap(Path path, long rows, int columns, long bytes) {
        Runtime runtime = Runtime.getRuntime();
        long room = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (bytes <= room) return;
        System.gc();   // what is used may be garbage; asked once, only when the estimate does not fit
        room = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (bytes <= room) return;
        throw new ClusterbyException.BadFile(String.format(Locale.ROOT,
                "%s: its %d rows × %d columns need about %.1f MB of memory, but the JVM has %.1f MB left of its %.1f MB heap;"
                        + " give it more (java -Xmx…; for the command line CLUSTERBY_JAVA_OPTS=-Xmx…), or read fewer rows",
                path, rows, columns, bytes / 1e6, Math.max(0, room) / 1e6, runtime.maxMemory() / 1e6));
    }
}
