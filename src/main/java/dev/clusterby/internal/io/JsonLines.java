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

import java.io.BufferedReader;
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
import java.nio.file.Files;
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

    static DataPanel read(Path path) {
        Map<String, List<Node>> values = new LinkedHashMap<>();
        int rows = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                Node node;
                try {
                    node = parse(line);
                } catch (IOException | IllegalStateException | NumberFormatException e) {
                    throw new ClusterbyException.BadFile(path + " line " + lineNumber + ": invalid JSON: " + describe(e), e);
                }
                if (!(node instanceof Obj object)) {
                    throw new ClusterbyException.BadFile(path + " line " + lineNumber + ": expected a JSON object, found "
                            + typeName(node));
                }
                for (Map.Entry<String, Node> field : object.fields().entrySet()) {
                    List<Node> column = values.computeIfAbsent(field.getKey(), k -> new ArrayList<>());
                    while (column.size() < rows) column.add(null);
                    column.add(field.getValue() == Null.NULL ? null : field.getValue());
                }
                rows++;
            }
        } catch (CharacterCodingException e) {
            throw new ClusterbyException.BadFile(path + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
        if (rows == 0) throw new ClusterbyException.BadFile(path + ": no JSON objects found");
        List<Column> columns = new ArrayList<>();
        try {
            for (Map.Entry<String, List<Node>> entry : values.entrySet()) {
                List<Node> column = entry.getValue();
                while (column.size() < rows) column.add(null);
                columns.add(column(entry.getKey(), column.toArray(Node[]::new)));
            }
            return DataPanel.of(columns);
        } catch (RuntimeException e) {
            for (Column c : columns) if (c instanceof TensorColumn t) t.close();
            throw e;
        }
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

    /**
     * Integers → int64; numbers → float64; booleans → boolean; strings → timestamp if all are ISO-8601, else
     * string; equal-length arrays of numbers → tensor. Anything mixed or nested becomes text (JSON for
     * objects and arrays).
     */
    private static Column column(String name, Node[] nodes) {
        boolean allIntegral = true, allNumbers = true, allBooleans = true, allStrings = true, allVectors = true;
        int dim = -1;
        boolean any = false;
        for (Node node : nodes) {
            if (node == null) continue;
            any = true;
            allIntegral &= node instanceof Num num && num.fitsLong();
            allNumbers &= node instanceof Num || isNonFiniteText(node);
            allBooleans &= node instanceof Bool;
            allStrings &= node instanceof Str;
            if (allVectors) {
                int size = node instanceof Arr a ? a.items().size() : 0;
                allVectors = isNumberArray(node) && (dim < 0 || size == dim);
                dim = size;
            }
        }
        // A float column written with NaN as a string ("NaN") reads back as numbers, not text.
        allNumbers &= !allStrings;
        if (!any || allStrings) {
            String[] text = new String[nodes.length];
            for (int i = 0; i < nodes.length; i++) text[i] = nodes[i] == null ? null : ((Str) nodes[i]).value();
            return any ? Inference.timestampsOrStrings(name, text) : StringColumn.of(name, text);
        }
        BitSet missing = new BitSet();
        for (int i = 0; i < nodes.length; i++) if (nodes[i] == null) missing.set(i);
        if (allIntegral) {
            long[] out = new long[nodes.length];
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null) out[i] = ((Num) nodes[i]).longValue();
            return IntColumn.wrap(name, out, missing);
        }
        if (allNumbers) {
            double[] out = new double[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null) out[i] = nodes[i] instanceof Num num ? num.doubleValue() : Inference.parseDouble(((Str) nodes[i]).value());
            }
            return DoubleColumn.wrap(name, out, missing);
        }
        if (allBooleans) {
            BitSet trues = new BitSet();
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null && ((Bool) nodes[i]).value()) trues.set(i);
            return BooleanColumn.wrap(name, trues, missing, nodes.length);
        }
        if (allVectors && dim > 0) {
            TensorColumn tensor = TensorColumn.allocate(name, nodes.length, dim);
            MemorySegment segment = tensor.segment();
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] == null) continue;
                List<Node> items = ((Arr) nodes[i]).items();
                for (int j = 0; j < dim; j++) {
                    segment.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * dim + j, ((Num) items.get(j)).floatValue());
                }
            }
            return missing.isEmpty() ? tensor : tensor.withMissing(missing);
        }
        String[] text = new String[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) text[i] = nodes[i] instanceof Str s ? s.value() : toJson(nodes[i]);
        }
        return StringColumn.of(name, text);
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
