package dev.clusterby.internal.io;

import dev.clusterby.BooleanColumn;
import dev.clusterby.Column;
import dev.clusterby.DoubleColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TimestampColumn;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.BitSet;

/**
 * Infers a column's type from its text values, for formats without types (CSV, and strings in JSON Lines).
 * The narrowest type that every non-blank value parses as wins: int64, float64, boolean, timestamp, else string.
 */
final class Inference {
    private Inference() {}

    /**
     * One column's values streamed through twice: {@link #observe} on a first pass decides the type (the narrowest
     * that every non-blank value parses as; blank values are missing in a typed column, and a column of blanks is
     * strings), without keeping the values; {@link #start} then allocates exactly that type for the rows, and {@link #set} on a
     * second pass fills it, so memory holds the parsed columns and never the file's text.
     */
    static final class Streamed {
        private enum Kind { LONG, DOUBLE, BOOLEAN, TIMESTAMP, STRING }

        final String name;
        private boolean longs, doubles, booleans, timestamps = true, any;
        private long textBytes;
        private Kind kind;
        private long[] longValues;
        private double[] doubleValues;
        private String[] strings;
        private BitSet trues, missing;
        private int rows;

        private Streamed(String name, boolean numbersAndBooleans) {
            this.name = name;
            longs = doubles = booleans = numbersAndBooleans;
        }

        /** Text whose type is inferred among int64, float64, boolean, timestamp and string. */
        static Streamed inferred(String name) {
            return new Streamed(name, true);
        }

        /** Text that is timestamps if all are, else strings (JSON strings). */
        static Streamed timestampsOrStrings(String name) {
            return new Streamed(name, false);
        }

        /** First pass: one value ({@code null} or blank is missing). */
        void observe(String value) {
            if (value == null) return;
            if (!value.isEmpty()) textBytes += TextLimits.stringBytes(value);
            if (value.isBlank()) return;
            any = true;
            String v = value.strip();
            if (longs) {
                try {
                    Long.parseLong(v);
                    // a whole number is also a double, and never a boolean or a timestamp: no other parse needed
                    booleans = false;
                    timestamps = false;
                    return;
                } catch (NumberFormatException e) {
                    longs = false;
                }
            }
            if (doubles && parseDouble(v) == null) doubles = false;
            if (booleans && !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) booleans = false;
            if (timestamps && parseTimestamp(v) == null) timestamps = false;
        }

        private Kind kind() {
            if (!any) return Kind.STRING;
            return longs ? Kind.LONG : doubles ? Kind.DOUBLE : booleans ? Kind.BOOLEAN : timestamps ? Kind.TIMESTAMP : Kind.STRING;
        }

        /** The heap the column will take on {@code rows} rows, once observed. */
        long bytes(long rows) {
            return switch (kind()) {
                case LONG, DOUBLE, TIMESTAMP -> rows * 8 + rows / 8;
                case BOOLEAN -> rows / 4;
                case STRING -> rows * 16 + textBytes;   // the references twice: StringColumn.of copies its array
            };
        }

        /** Allocates the column for {@code rows} rows, once every value is observed. */
        void start(int rows) {
            this.rows = rows;
            kind = kind();
            missing = new BitSet();
            switch (kind) {
                case LONG, TIMESTAMP -> longValues = new long[rows];
                case DOUBLE -> doubleValues = new double[rows];
                case BOOLEAN -> trues = new BitSet();
                case STRING -> strings = new String[rows];
            }
        }

        private static <T> T changedUnless(T parsed) {
            if (parsed == null) throw new IllegalArgumentException("a value no longer parses as on the first pass");
            return parsed;
        }

        /** Second pass: the value of a row, as observed on the first; IllegalArgumentException if it no longer parses. */
        void set(int row, String value) {
            if (kind == Kind.STRING) {
                strings[row] = value == null || value.isEmpty() ? null : value;
                return;
            }
            if (isBlank(value)) {
                missing.set(row);
                return;
            }
            String v = value.strip();
            switch (kind) {
                case LONG -> longValues[row] = Long.parseLong(v);
                case DOUBLE -> doubleValues[row] = changedUnless(parseDouble(v));
                case BOOLEAN -> {
                    if (v.equalsIgnoreCase("true")) trues.set(row);
                    else if (!v.equalsIgnoreCase("false")) changedUnless(null);
                }
                case TIMESTAMP -> longValues[row] = changedUnless(parseTimestamp(v)).toEpochMilli();
                case STRING -> throw new IllegalStateException();
            }
        }

        /** Marks a row missing (a JSON null, or a key a line does not have). */
        void setMissing(int row) {
            if (kind != Kind.STRING) missing.set(row);
        }

        /** The filled column. */
        Column column() {
            return switch (kind) {
                case LONG -> IntColumn.wrap(name, longValues, missing);
                case DOUBLE -> DoubleColumn.wrap(name, doubleValues, missing);
                case BOOLEAN -> BooleanColumn.wrap(name, trues, missing, rows);
                case TIMESTAMP -> TimestampColumn.wrap(name, longValues, missing);
                case STRING -> StringColumn.of(name, strings);
            };
        }
    }

    /**
     * A decimal number, or NaN / Infinity / inf in any case; {@code null} otherwise. Stricter than
     * {@link Double#parseDouble}, which would also take "1d", "2f" and hex floats, so codes like "7f" stay text.
     */
    static Double parseDouble(String text) {
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> { return Double.NaN; }
            case "inf", "+inf", "infinity", "+infinity" -> { return Double.POSITIVE_INFINITY; }
            case "-inf", "-infinity" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        boolean digit = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') digit = true;
            else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') return null;
        }
        if (!digit) return null;
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * An ISO-8601 date ({@code 2024-01-05}), date-time with offset or zone ({@code 2024-01-05T10:00:00Z}), or
     * local date-time with 'T' or a space ({@code 2024-01-05 10:00:00}); local values are taken as UTC.
     */
    static Instant parseTimestamp(String text) {
        // A cheap shape check first: most non-timestamps fail here without an exception.
        if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || !Character.isDigit(text.charAt(0)) || !Character.isDigit(text.charAt(9))) {
            return null;
        }
        try {
            if (text.length() == 10) return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            String iso = text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime odt ? odt.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
