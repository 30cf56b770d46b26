package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loosely typed clustering parameters, as they come from a {@code Map} or the CLI, read into typed options.
 * Values may be numbers or strings. An option nobody read is an error naming it, so typos never pass silently.
 */
public final class Params {
    private final Map<String, Object> values;
    private final Set<String> read = new HashSet<>();

    private Params(Map<String, ?> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public static Params of(Map<String, ?> values) {
        return new Params(values == null ? Map.of() : values);
    }

    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object raw(String key) {
        read.add(key);
        return values.get(key);
    }

    public String getString(String key, String fallback) {
        Object value = raw(key);
        return value == null ? fallback : value.toString();
    }

    public int getInt(String key, int fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return Math.toIntExact(n.longValue());
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ClusterbyException.BadOption(key, "expected an integer, got '" + value + "'");
        }
    }

    public long getLong(String key, long fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Number n) return n.longValue();
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ClusterbyException.BadOption(key, "expected an integer, got '" + value + "'");
        }
    }

    public double getDouble(String key, double fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ClusterbyException.BadOption(key, "expected a number, got '" + value + "'");
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        Object value = raw(key);
        if (value == null) return fallback;
        if (value instanceof Boolean b) return b;
        String text = value.toString().trim().toLowerCase();
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
