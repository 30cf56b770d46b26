package dev.clusterby.internal.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Lines: one object per line. The columns are the union of the keys, in order of first appearance;
 * a missing key or null is a missing value. Types follow the JSON types (see {@link #column}).
 */
final class JsonLines {
    private JsonLines() {}

    // NaN and Infinity are not JSON, but Python's json module and our writer emit them for float columns.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    static DataPanel read(Path path) {
        Map<String, List<JsonNode>> values = new LinkedHashMap<>();
        int rows = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ClusterbyException.BadFile(path + " line " + lineNumber + ": invalid JSON: " + e.getOriginalMessage(), e);
                }
                if (!node.isObject()) {
                    throw new ClusterbyException.BadFile(path + " line " + lineNumber + ": expected a JSON object, found "
                            + node.getNodeType().name().toLowerCase());
                }
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    List<JsonNode> column = values.computeIfAbsent(field.getKey(), k -> new ArrayList<>());
                    while (column.size() < rows) column.add(null);
                    column.add(field.getValue().isNull() ? null : field.getValue());
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
            for (Map.Entry<String, List<JsonNode>> entry : values.entrySet()) {
                List<JsonNode> column = entry.getValue();
                while (column.size() < rows) column.add(null);
                columns.add(column(entry.getKey(), column.toArray(JsonNode[]::new)));
            }
            return DataPanel.of(columns);
        } catch (RuntimeException e) {
            for (Column c : columns) if (c instanceof TensorColumn t) t.close();
            throw e;
        }
    }

    /**
     * Integers → int64; numbers → float64; booleans → boolean; strings → timestamp if all are ISO-8601, else
     * string; equal-length arrays of numbers → tensor. Anything mixed or nested becomes text (JSON for
     * objects and arrays).
     */
    private static Column column(String name, JsonNode[] nodes) {
        boolean allIntegral = true, allNumbers = true, allBooleans = true, allStrings = true, allVectors = true;
        int dim = -1;
        boolean any = false;
        for (JsonNode node : nodes) {
            if (node == null) continue;
            any = true;
            allIntegral &= node.isIntegralNumber() && node.canConvertToLong();
            allNumbers &= node.isNumber() || isNonFiniteText(node);
            allBooleans &= node.isBoolean();
            allStrings &= node.isTextual();
            if (allVectors) {
                allVectors = isNumberArray(node) && (dim < 0 || node.size() == dim);
                dim = node.size();
            }
        }
        // A float column written with NaN as a string ("NaN") reads back as numbers, not text.
        allNumbers &= !allStrings;
        if (!any || allStrings) {
            String[] text = new String[nodes.length];
            for (int i = 0; i < nodes.length; i++) text[i] = nodes[i] == null ? null : nodes[i].textValue();
            return any ? Inference.timestampsOrStrings(name, text) : StringColumn.of(name, text);
        }
        BitSet missing = new BitSet();
        for (int i = 0; i < nodes.length; i++) if (nodes[i] == null) missing.set(i);
        if (allIntegral) {
            long[] out = new long[nodes.length];
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null) out[i] = nodes[i].longValue();
            return IntColumn.wrap(name, out, missing);
        }
        if (allNumbers) {
            double[] out = new double[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null) out[i] = nodes[i].isNumber() ? nodes[i].doubleValue() : Inference.parseDouble(nodes[i].textValue());
            }
            return DoubleColumn.wrap(name, out, missing);
        }
        if (allBooleans) {
            BitSet trues = new BitSet();
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null && nodes[i].booleanValue()) trues.set(i);
            return BooleanColumn.wrap(name, trues, missing, nodes.length);
        }
        if (allVectors && dim > 0) {
            TensorColumn tensor = TensorColumn.allocate(name, nodes.length, dim);
            MemorySegment segment = tensor.segment();
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] == null) continue;
                for (int j = 0; j < dim; j++) {
                    segment.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * dim + j, nodes[i].get(j).floatValue());
                }
            }
            return missing.isEmpty() ? tensor : tensor.withMissing(missing);
        }
        String[] text = new String[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) text[i] = nodes[i].isTextual() ? nodes[i].textValue() : nodes[i].toString();
        }
        return StringColumn.of(name, text);
    }

    private static boolean isNonFiniteText(JsonNode node) {
        if (!node.isTextual()) return false;
        Double value = Inference.parseDouble(node.textValue());
        return value != null && !Double.isFinite(value);
    }

    private static boolean isNumberArray(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) return false;
        for (JsonNode element : node) if (!element.isNumber()) return false;
        return true;
    }

    static void write(DataPanel panel, Path path) {
        List<Column> columns = panel.columns();
        AtomicFiles.write(path, out -> {
            JsonGenerator json = MAPPER.getFactory().createGenerator(out);
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.setRootValueSeparator(null);
            for (int r = 0; r < panel.size(); r++) {
                json.writeStartObject();
                for (Column column : columns) {
                    json.writeFieldName(column.name());
                    writeValue(json, column, r);
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
            json.flush();
        });
    }

    private static void writeValue(JsonGenerator json, Column column, int row) throws IOException {
        if (column.isMissing(row)) {
            json.writeNull();
            return;
        }
        switch (column) {
            case IntColumn c -> json.writeNumber(c.getLong(row));
            case DoubleColumn c -> json.writeNumber(c.getDouble(row));
            case BooleanColumn c -> json.writeBoolean(c.isTrue(row));
            case TimestampColumn c -> json.writeString(Instant.ofEpochMilli(c.epochMillis(row)).toString());
            case StringColumn c -> json.writeString(c.get(row));
            case ImageColumn c -> json.writeString(c.source(row).label());
            case TensorColumn c -> {
                float[] vector = c.get(row);
                json.writeStartArray();
                // Written as float, not widened to double, so 0.1f prints as 0.1 and reads back as the same float.
                for (float v : vector) json.writeNumber(v);
                json.writeEndArray();
            }
        }
    }
}
