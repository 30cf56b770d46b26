package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fitted state of a model as a saved model file holds it: a {@code kind} that names the reader
 * ({@link ModelReader}), the kind's own format version, scalar values as text, and named numeric arrays with their
 * shapes (each saved as one {@code .npy} file). A method's model gives one through {@link SavableModel#state()} and
 * its reader builds the model back from it. Never the training rows: a state holds what labelling new points needs.
 *
 * <p>Readers meet hostile files: every getter checks presence, type and shape, and fails with a
 * {@link ClusterbyException.BadFile} that names the key, never with another exception.
 */
public final class ModelState {
    /** The element types an array may have, as NumPy spells them (little-endian). */
    public enum Dtype {
        /** float32, {@code <f4}. */
        FLOAT32("<f4", 4),
        /** float64, {@code <f8}. */
        FLOAT64("<f8", 8),
        /** int32, {@code <i4}. */
        INT32("<i4", 4);

        private final String descr;
        private final int bytes;

        Dtype(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        /** The NumPy descr, such as {@code <f4}. */
        public String descr() {
            return descr;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** The type of a NumPy descr, or null when it is none of these. */
        public static Dtype ofDescr(String descr) {
            for (Dtype t : values()) if (t.descr.equals(descr)) return t;
            return null;
        }
    }

    /**
     * One named array: its element type, shape (row-major) and values ({@code float[]}, {@code double[]} or
     * {@code int[]} by type).
     *
     * @param dtype the element type
     * @param shape the dimensions, whose product is the number of values
     * @param data  the values, of the array type that matches {@code dtype}
     */
    public record Array(Dtype dtype, int[] shape, Object data) {
        /** Checks that the data's type and length match the type and shape. */
        public Array {
            shape = shape.clone();
            long count = 1;
            for (int s : shape) {
                if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                count *= s;
            }
            int length = switch (dtype) {
                case FLOAT32 -> ((float[]) data).length;
                case FLOAT64 -> ((double[]) data).length;
                case INT32 -> ((int[]) data).length;
            };
            if (length != count) {
                throw new IllegalArgumentException(length + " values for shape " + Arrays.toString(shape));
            }
        }

        /** The shape; a copy. */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The number of values. */
        public int size() {
            int n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    private final String kind;
    private final int version;
    private final Map<String, String> values;
    private final Map<String, Array> arrays;

    private ModelState(String kind, int version, Map<String, String> values, Map<String, Array> arrays) {
        if (kind == null || !kind.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new ClusterbyException.BadFile("model state kind '" + kind + "' is not a lower-case name");
        }
        if (version < 1) throw new ClusterbyException.BadFile("model state '" + kind + "' has version " + version + " < 1");
        for (String name : arrays.keySet()) {
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                throw new ClusterbyException.BadFile("model state '" + kind + "' array name '" + name + "' is not a lower-case name");
            }
        }
        this.kind = kind;
        this.version = version;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** An empty state of a kind (a lower-case name such as {@code kmeans}) at the kind's format version (≥ 1). */
    public static ModelState of(String kind, int version) {
        return new ModelState(kind, version, Map.of(), Map.of());
    }

    /** A state read from a file: the reader's way in. */
    public static ModelState of(String kind, int version, Map<String, String> values, Map<String, Array> arrays) {
        return new ModelState(kind, version, values, arrays);
    }

    /** The kind, which names the {@link ModelReader} that reads this state. */
    public String kind() {
        return kind;
    }

    /** The kind's own format version, so a reader can read older states and refuse newer ones. */
    public int version() {
        return version;
    }

    /** Every scalar value, as text. */
    public Map<String, String> values() {
        return values;
    }

    /** Every array by name. */
    public Map<String, Array> arrays() {
        return arrays;
    }

    /** This state plus a scalar value (a number, boolean or text, kept as its {@code toString()}). */
    public ModelState with(String key, Object value) {
        Map<String, String> more = new LinkedHashMap<>(values);
        more.put(key, String.valueOf(value));
        return new ModelState(kind, version, more, arrays);
    }

    /** This state plus a float32 array of that shape. */
    public ModelState withFloats(String name, float[] data, int... shape) {
        return withArray(name, new Array(Dtype.FLOAT32, shape, data.clone()));
    }

    /** This state plus a float64 array of that shape. */
    public ModelState withDoubles(String name, double[] data, int... shape) {
        return withArray(name, new Array(Dtype.FLOAT64, shape, data.clone()));
    }

    /** This state plus an int32 array of that shape. */
    public ModelState withInts(String name, int[] data, int... shape) {
        return withArray(name, new Array(Dtype.INT32, shape, data.clone()));
    }

    private ModelState withArray(String name, Array array) {
        Map<String, Array> more = new LinkedHashMap<>(arrays);
        more.put(name, array);
        return new ModelState(kind, version, values, more);
    }

    /** A scalar value as text; a missing key is a {@link ClusterbyException.BadFile}. */
    public String string(String key) {
        String value = values.get(key);
        if (value == null) throw bad("has no value '" + key + "'");
        return value;
    }

    /** A scalar value as text, or the fallback when absent. */
    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** A scalar as an int in [min, max]. */
    public int integer(String key, int min, int max) {
        String text = string(key);
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) throw bad("value '" + key + "' = " + value + " is outside [" + min + ", " + max + "]");
            return value;
        } catch (NumberFormatException e) {
            throw bad("value '" + key + "' = '" + abbreviate(text) + "' is not an integer");
        }
    }

    /** A scalar as a double (NaN and infinities allowed, as Java prints them). */
    public double number(String key) {
        String text = string(key);
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw bad("value '" + key + "' = '" + abbreviate(text) + "' is not a number");
        }
    }

    /** A scalar as a boolean ({@code true} or {@code false}). */
    public boolean bool(String key) {
        String text = string(key);
        if (text.equals("true")) return true;
        if (text.equals("false")) return false;
        throw bad("value '" + key + "' = '" + abbreviate(text) + "' is not true or false");
    }

    /** A float32 array of exactly this shape; a missing array, another type or shape is a {@link ClusterbyException.BadFile}. */
    public float[] floats(String name, int... shape) {
        return ((float[]) array(name, Dtype.FLOAT32, shape).data()).clone();
    }

    /** A float64 array of exactly this shape. */
    public double[] doubles(String name, int... shape) {
        return ((double[]) array(name, Dtype.FLOAT64, shape).data()).clone();
    }

    /** An int32 array of exactly this shape. */
    public int[] ints(String name, int... shape) {
        return ((int[]) array(name, Dtype.INT32, shape).data()).clone();
    }

    /** The array of that name and type whose shape is {@code shape}; a dimension of -1 matches any length. */
    public Array array(String name, Dtype dtype, int... shape) {
        Array array = arrays.get(name);
        if (array == null) throw bad("has no array '" + name + "'");
        if (array.dtype() != dtype) throw bad("array '" + name + "' is " + array.dtype().descr() + ", expected " + dtype.descr());
        int[] actual = array.shape;
        boolean fits = actual.length == shape.length;
        for (int i = 0; fits && i < shape.length; i++) fits = shape[i] < 0 || shape[i] == actual[i];
        if (!fits) throw bad("array '" + name + "' has shape " + Arrays.toString(actual) + ", expected " + Arrays.toString(shape));
        return array;
    }

    private ClusterbyException.BadFile bad(String problem) {
        return new ClusterbyException.BadFile("model state '" + kind + "' " + problem);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /** The kind, version, value keys and array shapes; never the values of the arrays. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(kind).append(" v").append(version).append(' ').append(values);
        arrays.forEach((name, a) -> out.append(' ').append(name).append(Arrays.toString(a.shape)));
        return out.toString();
    }
}
