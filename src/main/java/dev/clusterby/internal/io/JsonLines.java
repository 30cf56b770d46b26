package dev.clusterby.internal.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;
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

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON Lines: one object per line. The columns are the union of the keys, in order of first appearance;
 * a missing key or null is a missing value. Types follow the JSON types (see {@link #column}).
 *
 * <p>Parsing is strict (RFC 8259, through Gson's streaming reader in strict mode), with two additions: a key twice in
 * one object is an error, and {@code NaN}, {@code Infinity} and {@code -Infinity} are numbers, since Python's json
 * module and our writer emit them for float columns. Numbers keep their text as written, so big integers and long
 * decimals that end up as text come out as they went in.
 */
final class JsonLines {
    private JsonLines() {}

    /** Jackson's default, which this reader has always had; Gson's own is 255. */
    private static final int NESTING_LIMIT = 1000;

    /** A parsed JSON value. */
    private sealed interface Node {}
    private record Obj(Map<String, Node> fields) implements Node {}
    private record Arr(List<Node> items) implements Node {}
    private record Str(String value) implements Node {}
    private record Bool(boolean value) implements Node {}
    private enum Null implements Node { NULL }
    /** A number as written; {@code nonFinite} for the NaN and Infinity literals. */
    private record Num(String text, boolean nonFinite) implements Node {
        boolean integral() {
            if (nonFinite) return false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') return false;
            }
            return true;
        }

        boolean fitsLong() {
            if (!integral()) return false;
            try {
                Long.parseLong(text);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        long longValue() { return Long.parseLong(text); }

        double doubleValue() {
            return nonFinite ? NON_FINITE.get(text) : Double.parseDouble(text);
        }

        /** Rounded once from the text's value, as the reader always has: integers from their exact value. */
        float floatValue() {
            if (fitsLong()) return (float) longValue();
            if (integral()) return new BigInteger(text).floatValue();
            return (float) doubleValue();
        }
    }

    private static final Map<String, Double> NON_FINITE = Map.of("NaN", Double.NaN,
            "Infinity", Double.POSITIVE_INFINITY, "+Infinity", Double.POSITIVE_INFINITY, "+INF", Double.POSITIVE_INFINITY,
            "-Infinity", Double.NEGATIVE_INFINITY, "-INF", Double.NEGATIVE_INFINITY);

    /**
     * Two passes over the file, one line in memory at a time: the first decides each column's type and counts the
     * rows, the second fills columns allocated for exactly those rows and types (after checking they fit the heap).
     */
    static DataPanel read(Path path) {
        TextLimits limits = TextLimits.current();
        Map<String, Field> fields = new LinkedHashMap<>();
        int rows = 0;
        try {
            try (BoundedLines lines = new BoundedLines(path, limits)) {
                for (Obj object; (object = nextObject(lines, path, limits)) != null; rows++) {
                    if (rows == Integer.MAX_VALUE - 8) throw new ClusterbyException.BadFile(path + ": more rows than a panel holds");
                    for (Map.Entry<String, Node> entry : object.fields().entrySet()) {
                        Field field = fields.get(entry.getKey());
                        if (field == null) {
                            // Each column's state costs a few hundred bytes: a file of ever new keys must not exhaust the heap.
                            if (Integer.bitCount(fields.size()) == 1 && fields.size() >= 1024) {
                                TextLimits.checkHeap(path, rows, fields.size(), fields.size() * 512L);
                            }
                            fields.put(entry.getKey(), field = new Field(entry.getKey()));
                        }
                        field.observe(entry.getValue());
                    }
                }
            }
            if (rows == 0) throw new ClusterbyException.BadFile(path + ": no JSON objects found");
            long bytes = 0;
            for (Field field : fields.values()) bytes += field.bytes(rows);
            TextLimits.checkHeap(path, rows, fields.size(), bytes);
            try {
                for (Field field : fields.values()) field.start(rows);
                try (BoundedLines lines = new BoundedLines(path, limits)) {
                    int row = 0;
                    for (Obj object; (object = nextObject(lines, path, limits)) != null; row++) {
                        if (row == rows) throw TextLimits.changed(path);
                        for (Map.Entry<String, Node> entry : object.fields().entrySet()) {
                            Field field = fields.get(entry.getKey());
                            if (field == null) throw TextLimits.changed(path);
                            field.set(row, entry.getValue());
                        }
                    }
                    if (row != rows) throw TextLimits.changed(path);
                } catch (IllegalArgumentException e) {
                    throw TextLimits.changed(path);
                }
                List<Column> columns = new ArrayList<>(fields.size());
                for (Field field : fields.values()) columns.add(field.column());
                return DataPanel.of(columns);
            } catch (RuntimeException | IOException | Error e) {
                for (Field field : fields.values()) field.close();   // shared arenas: the GC would never free them
                throw e;
            }
        } catch (CharacterCodingException e) {
            throw new ClusterbyException.BadFile(path + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The next non-blank line's object, or null at the end; a line past the budget, or not one object, is an error. */
    private static Obj nextObject(BoundedLines lines, Path path, TextLimits limits) throws IOException {
        String line;
        while ((line = lines.next()) != null) {
            if (lines.tooLong()) {
                String column = columnAt(line);
                throw limits.fieldTooBig(path, "line " + lines.number() + (column == null ? "" : ", column '" + column + "'"),
                        "a line (JSON Lines are read a line at a time)");
            }
            if (line.isBlank()) continue;
            Node node;
            try {
                node = parse(line);
            } catch (IOException | IllegalStateException | NumberFormatException e) {
                throw new ClusterbyException.BadFile(path + " line " + lines.number() + ": invalid JSON: " + describe(e), e);
            }
            if (!(node instanceof Obj object)) {
                throw new ClusterbyException.BadFile(path + " line " + lines.number() + ": expected a JSON object, found "
                        + typeName(node));
            }
            return object;
        }
        return null;
    }

    /** The top-level key whose value the start of a line ends in, to name the column of a line over the budget. */
    private static String columnAt(String start) {
        JsonReader reader = new JsonReader(new StringReader(start));
        reader.setStrictness(Strictness.LENIENT);
        String name = null;
        try {
            reader.beginObject();
            while (true) {
                name = reader.nextName();
                reader.skipValue();
            }
        } catch (IOException | RuntimeException e) {
            return name;
        }
    }

    /** Which JSON types a column's values have (first pass), then its values in the one column type they make (second). */
    private static final class Field {
        private enum Kind { TEXT, LONG, DOUBLE, BOOLEAN, TENSOR, MIXED }

        final String name;
        private boolean integral = true, numbers = true, booleans = true, strings = true, vectors = true, any;
        private int dim = -1;
        private long mixedBytes;
        private final Inference.Streamed text;
        private Kind kind;
        private int rows;
        private long[] longs;
        private double[] doubles;
        private String[] mixed;
        private BitSet trues, present;
        private TensorColumn tensor;

        Field(String name) {
            this.name = name;
            this.text = Inference.Streamed.timestampsOrStrings(name);
        }

        /**
         * Integers → int64; numbers → float64; booleans → boolean; strings → timestamp if all are ISO-8601, else
         * string; equal-length arrays of numbers → tensor. Anything mixed or nested becomes text (JSON for
         * objects and arrays).
         */
        void observe(Node node) {
            if (node == Null.NULL) return;
            any = true;
            integral &= node instanceof Num num && num.fitsLong();
            numbers &= node instanceof Num || isNonFiniteText(node);
            booleans &= node instanceof Bool;
            strings &= node instanceof Str;
            if (strings) text.observe(((Str) node).value());
            if (vectors) {
                int size = node instanceof Arr a ? a.items().size() : 0;
                vectors = isNumberArray(node) && (dim < 0 || size == dim);
                dim = size;
            }
            mixedBytes += 48 + 2 * jsonLength(node);
        }

        private Kind kind() {
            // A float column written with NaN as a string ("NaN") reads back as numbers, not text.
            if (!any || strings) return Kind.TEXT;
            if (integral) return Kind.LONG;
            if (numbers) return Kind.DOUBLE;
            if (booleans) return Kind.BOOLEAN;
            return vectors && dim > 0 ? Kind.TENSOR : Kind.MIXED;
        }

        long bytes(long n) {
            return switch (kind()) {
                case TEXT -> text.bytes(n);
                case LONG, DOUBLE -> n * 8 + n / 4;
                case BOOLEAN -> n / 4;
                case TENSOR -> n / 8;   // the vectors live off the heap, which -Xmx does not bound: only their mask counts
                case MIXED -> n * 16 + mixedBytes;
            };
        }

        void start(int n) {
            rows = n;
            kind = kind();
            present = new BitSet();
            switch (kind) {
                case TEXT -> text.start(n);
                case LONG -> longs = new long[n];
                case DOUBLE -> doubles = new double[n];
                case BOOLEAN -> trues = new BitSet();
                case TENSOR -> tensor = TensorColumn.allocate(name, n, dim);
                case MIXED -> mixed = new String[n];
            }
        }

        /** Second pass; IllegalArgumentException when the value is not of the first pass's kind (the file changed). */
        void set(int row, Node node) {
            if (node == Null.NULL) return;
            present.set(row);
            switch (kind) {
                case TEXT -> text.set(row, node instanceof Str s ? s.value() : changed());
                case LONG -> longs[row] = node instanceof Num num && num.fitsLong() ? num.longValue() : changed();
                case DOUBLE -> doubles[row] = node instanceof Num num ? num.doubleValue()
                        : node instanceof Str s && Inference.parseDouble(s.value()) instanceof Double d ? d : changed();
                case BOOLEAN -> {
                    if (!(node instanceof Bool b)) changed();
                    else if (b.value()) trues.set(row);
                }
                case TENSOR -> {
                    if (!isNumberArray(node) || ((Arr) node).items().size() != dim) changed();
                    List<Node> items = ((Arr) node).items();
                    MemorySegment segment = tensor.segment();
                    for (int j = 0; j < dim; j++) {
                        segment.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) row * dim + j, ((Num) items.get(j)).floatValue());
                    }
                }
                case MIXED -> mixed[row] = node instanceof Str s ? s.value() : toJson(node);
            }
        }

        private static <T> T changed() {
            throw new IllegalArgumentException("a value is not of the kind the first pass found");
        }

        Column column() {
            BitSet missing = (BitSet) present.clone();
            missing.flip(0, rows);
            return switch (kind) {
                case TEXT -> {
                    for (int r = missing.nextSetBit(0); r >= 0; r = missing.nextSetBit(r + 1)) text.setMissing(r);
                    yield text.column();
                }
                case LONG -> IntColumn.wrap(name, longs, missing);
                case DOUBLE -> DoubleColumn.wrap(name, doubles, missing);
                case BOOLEAN -> BooleanColumn.wrap(name, trues, missing, rows);
                case TENSOR -> missing.isEmpty() ? tensor : tensor.withMissing(missing);
                case MIXED -> StringColumn.of(name, mixed);
            };
        }

        void close() {
            if (tensor != null) tensor.close();
        }
    }

    /** The length of a value's compact JSON, about: what a mixed column holds of it as text. */
    private static long jsonLength(Node node) {
        return switch (node) {
            case Obj o -> {
                long n = 2;
                for (Map.Entry<String, Node> field : o.fields().entrySet()) n += field.getKey().length() + 4 + jsonLength(field.getValue());
                yield n;
            }
            case Arr a -> {
                long n = 2;
                for (Node item : a.items()) n += 1 + jsonLength(item);
                yield n;
            }
            case Str t -> t.value().length() + 2;
            case Num n -> n.text().length();
            case Bool b -> 5;
            case Null n -> 4;
        };
    }

    private static String typeName(Node node) {
        return switch (node) {
            case Obj o -> "object";
            case Arr a -> "array";
            case Str t -> "string";
            case Num n -> "number";
            case Bool b -> "boolean";
            case Null n -> "null";
        };
    }

    private static final Pattern GSON_ADVICE = Pattern.compile("\\s*See https://github.com/google/gson\\S*");
    private static final Pattern GSON_LINE = Pattern.compile(" at line 1 column (\\d+)");

    /** Gson's message without its troubleshooting link or advice to be lenient, and with the column only (we name the line). */
    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = GSON_ADVICE.matcher(message).replaceAll("");
        message = message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
        return GSON_LINE.matcher(message).replaceAll(" at column $1");
    }

    /** One line: exactly one JSON value and nothing after it but white space. */
    private static Node parse(String line) throws IOException {
        Map<Integer, String> nonFinite = new HashMap<>();
        JsonReader reader = new JsonReader(new StringReader(padNonFinite(line, nonFinite)));
        reader.setStrictness(Strictness.STRICT);
        reader.setNestingLimit(NESTING_LIMIT);
        Node node = value(reader, nonFinite, new int[1]);
        if (reader.peek() != JsonToken.END_DOCUMENT) throw new MalformedJsonException("text after the value at " + reader.getPath());
        return node;
    }

    private static Node value(JsonReader reader, Map<Integer, String> nonFinite, int[] numbers) throws IOException {
        return switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                reader.beginObject();
                Map<String, Node> fields = new LinkedHashMap<>();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (fields.containsKey(name)) throw new MalformedJsonException("duplicate key '" + name + "' at " + reader.getPath());
                    fields.put(name, value(reader, nonFinite, numbers));
                }
                reader.endObject();
                yield new Obj(fields);
            }
            case BEGIN_ARRAY -> {
                reader.beginArray();
                List<Node> items = new ArrayList<>();
                while (reader.hasNext()) items.add(value(reader, nonFinite, numbers));
                reader.endArray();
                yield new Arr(items);
            }
            case STRING -> new Str(reader.nextString());
            case NUMBER -> {
                String text = reader.nextString();   // as written
                String literal = nonFinite.get(numbers[0]++);
                yield literal != null ? new Num(literal, true) : new Num(text, false);
            }
            case BOOLEAN -> new Bool(reader.nextBoolean());
            case NULL -> {
                reader.nextNull();
                yield Null.NULL;
            }
            default -> throw new MalformedJsonException("unexpected " + reader.peek() + " at " + reader.getPath());
        };
    }

    /**
     * Gson's strict reader takes no NaN or Infinity. Each such literal where a value stands (after {@code :}, {@code ,},
     * {@code [} or at the start) becomes a {@code 0} padded to the same length, so Gson's columns stay right, and
     * {@code found} maps its ordinal among the line's numbers to its text. Everything else is left to Gson to judge: a
     * literal anywhere else, or one run into other characters, stays and is rejected. A number in valid JSON always
     * starts with {@code -} or a digit where a value stands, so the ordinals match Gson's numbers whenever it accepts.
     */
    static String padNonFinite(String line, Map<Integer, String> found) {
        char[] chars = null;
        int numbers = 0;
        boolean valueHere = true;
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            if (c == '"') {
                for (i++; i < n && line.charAt(i) != '"'; i++) if (line.charAt(i) == '\\') i++;
                i++;
                valueHere = false;
                continue;
            }
            if (valueHere) {
                String literal = nonFiniteAt(line, i);
                if (literal != null) {
                    if (chars == null) chars = line.toCharArray();
                    chars[i] = '0';
                    for (int j = 1; j < literal.length(); j++) chars[i + j] = ' ';
                    found.put(numbers++, literal);
                    i += literal.length();
                    valueHere = false;
                    continue;
                }
                if (c == '-' || (c >= '0' && c <= '9')) numbers++;
            }
            valueHere = c == ':' || c == ',' || c == '[';
            i++;
        }
        return chars == null ? line : new String(chars);
    }

    private static String nonFiniteAt(String line, int i) {
        for (String literal : NON_FINITE.keySet()) {
            int end = i + literal.length();
            if (line.startsWith(literal, i) && (end == line.length() || " \t\r\n,]}".indexOf(line.charAt(end)) >= 0)) return literal;
        }
        return null;
    }

    private static boolean isNonFiniteText(Node node) {
        if (!(node instanceof Str s)) return false;
        Double value = Inference.parseDouble(s.value());
        return value != null && !Double.isFinite(value);
    }

    private static boolean isNumberArray(Node node) {
        if (!(node instanceof Arr a) || a.items().isEmpty()) return false;
        for (Node element : a.items()) if (!(element instanceof Num)) return false;
        return true;
    }

    /**
     * A line's fields as the text a CSV cell holds, by this reader's own rules: a string's characters, a number or
     * literal as written ({@code NaN} too), a nested value as compact JSON, {@code null} empty. Null when the line is
     * not one JSON object.
     */
    static Map<String, String> cellTexts(String line) {
        Node node;
        try {
            node = parse(line.startsWith("\uFEFF") ? line.substring(1) : line);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return null;
        }
        if (!(node instanceof Obj object)) return null;
        Map<String, String> cells = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Node> field : object.fields().entrySet()) {
            cells.put(field.getKey(), switch (field.getValue()) {
                case Str text -> text.value();
                case Num number -> number.text();
                case Bool bool -> Boolean.toString(bool.value());
                case Null none -> "";
                default -> toJson(field.getValue());
            });
        }
        return cells;
    }

    /** Compact JSON for a nested or non-string value that ends up as text; numbers as written. */
    private static String toJson(Node node) {
        StringWriter text = new StringWriter();
        try {
            JsonWriter json = writer(text);
            write(json, node);
            json.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);   // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonWriter json, Node node) throws IOException {
        switch (node) {
            case Obj o -> {
                json.beginObject();
                for (Map.Entry<String, Node> field : o.fields().entrySet()) {
                    json.name(field.getKey());
                    write(json, field.getValue());
                }
                json.endObject();
            }
            case Arr a -> {
                json.beginArray();
                for (Node item : a.items()) write(json, item);
                json.endArray();
            }
            case Str s -> json.value(s.value());
            case Num num -> json.jsonValue(num.text());
            case Bool b -> json.value(b.value());
            case Null n -> json.nullValue();
        }
    }

    /** Compact, nulls kept; lenient only so that several top-level values (one per line) and NaN may be written. */
    private static JsonWriter writer(Writer out) {
        JsonWriter json = new JsonWriter(out);
        json.setStrictness(Strictness.LENIENT);
        json.setSerializeNulls(true);
        json.setHtmlSafe(false);
        return json;
    }

    static void write(DataPanel panel, Path path) {
        List<Column> columns = panel.columns();
        AtomicFiles.write(path, out -> {
            Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            JsonWriter json = writer(text);
            for (int r = 0; r < panel.size(); r++) {
                json.beginObject();
                for (Column column : columns) {
                    json.name(column.name());
                    writeValue(json, column, r);
                }
                json.endObject();
                json.flush();
                text.write('\n');
            }
            text.flush();   // not closed: AtomicFiles owns the stream
        });
    }

    private static void writeValue(JsonWriter json, Column column, int row) throws IOException {
        if (column.isMissing(row)) {
            json.nullValue();
            return;
        }
        switch (column) {
            case IntColumn c -> json.value(c.getLong(row));
            // Double.toString, NaN and Infinity bare: Python's json module reads them, and so does read().
            case DoubleColumn c -> json.jsonValue(Double.toString(c.getDouble(row)));
            case BooleanColumn c -> json.value(c.isTrue(row));
            case TimestampColumn c -> json.value(Instant.ofEpochMilli(c.epochMillis(row)).toString());
            case StringColumn c -> json.value(c.get(row));
            case ImageColumn c -> json.value(c.source(row).label());
            case TensorColumn c -> {
                float[] vector = c.get(row);
                json.beginArray();
                // Written as float, not widened to double, so 0.1f prints as 0.1 and reads back as the same float.
                for (float v : vector) json.jsonValue(Float.toString(v));
                json.endArray();
            }
        }
    }
}
