package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one adapter from the string map (the CLI's flags, {@code ClusterSpec.withParams}) to a method's typed
 * {@link ClusterOptions}: each {@code Options.fromParams} reads its keys here, so the map path validates exactly as
 * the typed one. Keys have one spelling, kebab-case as on the CLI ({@code max-iter}, {@code n-init}, {@code k-min}).
 * Values may be numbers, booleans or strings. A key nobody read is an error naming it and the method's keys, so
 * typos and other spellings never pass silently. Not thread-safe: one instance per reading.
 */
public final class Params {
    private final Map<String, Object> values;
    private final Set<String> read = new HashSet<>();

    private Params(Map<String, ?> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** The params of a map; null reads as empty. */
    public static Params of(Map<String, ?> values) {
        return new Params(values == null ? Map.of() : values);
    }

    /** Every key and value given, read or not. */
    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }

    /** Whether the key was given; does not count as reading it. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value as given, or null; marks the key as read. */
    public Object raw(String key) {
        read.add(key);
        return values.get(key);
    }

    /** The value as text, or the fallback when absent. */
    public String getString(String key, String fallback) {
        Object value = raw(key);
        return value == null ? fallback : value.toString();
    }

    /** The value as an int (a whole number or its text), or the fallback when absent. */
    public int getInt(String key, int fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        long whole = getLong(key, 0);
        if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE) {
            throw new ClusterbyException.BadOption(key, "expected an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) whole;
    }

    /** The value as a long (a number or its text), or the fallback when absent. */
    public long getLong(String key, long fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger big) {
            try {
                return big.longValueExact();
            } catch (ArithmeticException e) {
                throw new ClusterbyException.BadOption(key, "expected a 64-bit integer, got " + value);
            }
        }
        if (value instanceof Number n) {
            double v = n.doubleValue();
            // A double of a whole value in range (2.0); 1e30 or 2.5 is no long, and longValue() would clamp or cut it.
            if (v == Math.rint(v) && v >= -0x1p63 && v < 0x1p63) return (long) v;
            throw new ClusterbyException.BadOption(key, "expected a 64-bit integer, got " + value);
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ClusterbyException.BadOption(key, "expected an integer, got '" + value + "'");
        }
    }

    /** The value as a double (a number or its text), or the fallback when absent. */
    public double getDouble(String key, double fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else {
            try {
                number = Double.parseDouble(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new ClusterbyException.BadOption(key, "expected a number, got '" + value + "'");
            }
        }
        // NaN would read as "not given" where a method uses it as its absent marker; no option takes NaN or infinity.
        if (!Double.isFinite(number)) throw new ClusterbyException.BadOption(key, "expected a finite number, got " + value);
        return number;
    }

    /** The value as a boolean ({@code true}/{@code false}, any case), or the fallback when absent. */
    public boolean getBoolean(String key, boolean fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Boolean b) return b;
        String text = value.toString().trim().toLowerCase(java.util.Locale.ROOT);
        if (text.equals("true")) return true;
        if (text.equals("false")) return false;
        throw new ClusterbyException.BadOption(key, "expected true or false, got '" + value + "'");
    }

    /** Fails if any parameter was never read by the method; call after building the options. */
    public void requireAllUsed(String method) {
        Set<String> unused = new TreeSet<>(values.keySet());
        unused.removeAll(read);
        if (!unused.isEmpty()) {
            Set<String> known = new TreeSet<>(read);
            throw new ClusterbyException.BadOption(String.join(", ", unused),
                    "not an option of " + method + "; its options are " + known);
        }
    }
}
