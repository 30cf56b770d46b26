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

    /** A column from text values; {@code null} or empty is missing. Blank values count as missing in typed columns. */
    static Column fromText(String name, String[] values) {
        if (allBlank(values)) return StringColumn.of(name, emptyToNull(values));
        Column typed = asLongs(name, values);
        if (typed == null) typed = asDoubles(name, values);
        if (typed == null) typed = asBooleans(name, values);
        if (typed == null) typed = asTimestamps(name, values);
        return typed != null ? typed : StringColumn.of(name, emptyToNull(values));
    }

    /** Text values as timestamps if every non-blank one is an ISO-8601 date or date-time, else as strings. */
    static Column timestampsOrStrings(String name, String[] values) {
        Column typed = allBlank(values) ? null : asTimestamps(name, values);
        return typed != null ? typed : StringColumn.of(name, emptyToNull(values));
    }

    private static IntColumn asLongs(String name, String[] values) {
        long[] out = new long[values.length];
        BitSet missing = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (isBlank(values[i])) {
                missing.set(i);
                continue;
            }
            try {
                out[i] = Long.parseLong(values[i].strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return IntColumn.wrap(name, out, missing);
    }

    private static DoubleColumn asDoubles(String name, String[] values) {
        double[] out = new double[values.length];
        BitSet missing = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (isBlank(values[i])) {
                missing.set(i);
                continue;
            }
            Double parsed = parseDouble(values[i].strip());
            if (parsed == null) return null;
            out[i] = parsed;
        }
        return DoubleColumn.wrap(name, out, missing);
    }

    private static BooleanColumn asBooleans(String name, String[] values) {
        BitSet trues = new BitSet(), missing = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (isBlank(values[i])) {
                missing.set(i);
                continue;
            }
            String v = values[i].strip();
            if (v.equalsIgnoreCase("true")) trues.set(i);
            else if (!v.equalsIgnoreCase("false")) return null;
        }
        return BooleanColumn.wrap(name, trues, missing, values.length);
    }

    private static TimestampColumn asTimestamps(String name, String[] values) {
        long[] out = new long[values.length];
        BitSet missing = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (isBlank(values[i])) {
                missing.set(i);
                continue;
            }
            Instant parsed = parseTimestamp(values[i].strip());
            if (parsed == null) return null;
            out[i] = parsed.toEpochMilli();
        }
        return TimestampColumn.wrap(name, out, missing);
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

    private static boolean allBlank(String[] values) {
        for (String v : values) if (!isBlank(v)) return false;
        return true;
    }

    private static String[] emptyToNull(String[] values) {
        String[] out = values.clone();
        for (int i = 0; i < out.length; i++) if (out[i] != null && out[i].isEmpty()) out[i] = null;
        return out;
    }
}
