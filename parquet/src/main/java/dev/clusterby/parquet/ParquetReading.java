package dev.clusterby.parquet;

import dev.clusterby.BooleanColumn;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.TimestampColumn;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a Parquet file, or a folder of part files with one schema (as Spark writes them), into a panel. Each
 * top-level field becomes a column: strings (binary), integers (int32, int64), doubles (float, double), booleans,
 * timestamps (int64 TIMESTAMP in any unit, INT96 as Spark's legacy default, int32 DATE), and tensors (a LIST of
 * float or double, in the three-level or the legacy two-level form, or a Spark ML vector struct). Null fields are
 * missing values. A file that cannot be decoded, whatever its bytes, is a {@link ClusterbyException.BadFile}.
 */
final class ParquetReading {
    private ParquetReading() {}

    static DataPanel read(Path path) {
        List<Path> files = Files.isDirectory(path) ? partFiles(path) : List.of(path);
        Columns columns = null;
        for (Path file : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
                    ParquetReadOptions.builder().build())) {
                MessageType schema = reader.getFileMetaData().getSchema();
                if (columns == null) columns = new Columns(schema, file);
                else if (!columns.schema.equals(schema)) {
                    throw new ClusterbyException.BadFile(file + ": its schema differs from the first part file's ("
                            + files.getFirst().getFileName() + "): " + oneLine(schema) + " against " + oneLine(columns.schema));
                }
                if (reader.getRecordCount() + columns.rows > Integer.MAX_VALUE) {
                    throw new ClusterbyException.BadFile(file + ": " + reader.getRecordCount() + " rows is more than a panel holds");
                }
                MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
                PageReadStore pages;
                while ((pages = reader.readNextRowGroup()) != null) {
                    RecordReader<Object> records = io.getRecordReader(pages, columns.materializer);
                    for (long r = 0, n = pages.getRowCount(); r < n; r++) {
                        records.read();
                        columns.checkRow(file);
                    }
                }
            } catch (ClusterbyException e) {
                throw e;
            } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
                // Hostile or damaged bytes surface as anything from IOException to an absurd allocation.
                throw new ClusterbyException.BadFile(file + ": not a readable Parquet file: " + describe(e), e);
            }
        }
        return DataPanel.of(columns.build());
    }

    private static List<Path> partFiles(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> parts = children.filter(p -> {
                String name = p.getFileName().toString();
                return name.toLowerCase(Locale.ROOT).endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")
                        && Files.isRegularFile(p);
            }).sorted().toList();
            if (parts.isEmpty()) throw new ClusterbyException.BadFile(dir + ": the folder holds no .parquet files");
            return parts;
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read folder " + dir + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String oneLine(MessageType schema) {
        return schema.toString().replaceAll("\\s+", " ").strip();
    }

    /** One builder per top-level field, fed by Parquet's converters one record at a time. */
    private static final class Columns {
        final MessageType schema;
        final List<Field> fields = new ArrayList<>();
        final RecordMaterializer<Object> materializer;
        int rows;
        String rowError;

        Columns(MessageType schema, Path file) {
            this.schema = schema;
            for (Type type : schema.getFields()) fields.add(field(type, file));
            Converter[] children = fields.stream().map(Field::converter).toArray(Converter[]::new);
            GroupConverter root = new GroupConverter() {
                @Override public Converter getConverter(int index) { return children[index]; }
                @Override public void start() { for (Field f : fields) f.startRow(); }
                @Override public void end() {
                    for (Field f : fields) {
                        String problem = f.endRow(rows);
                        if (problem != null && rowError == null) rowError = "row " + rows + ", column '" + f.name + "': " + problem;
                    }
                    rows++;
                }
            };
            materializer = new RecordMaterializer<>() {
                @Override public Object getCurrentRecord() { return null; }
                @Override public GroupConverter getRootConverter() { return root; }
            };
        }

        void checkRow(Path file) {
            if (rowError != null) throw new ClusterbyException.BadFile(file + ": " + rowError);
        }

        List<Column> build() {
            List<Column> built = new ArrayList<>();
            for (Field f : fields) built.add(f.build(rows));
            return built;
        }
    }

    private static Field field(Type type, Path file) {
        String name = type.getName();
        if (type.isRepetition(Type.Repetition.REPEATED)) {
            // The legacy two-level list without a wrapper: a repeated number is one vector per row.
            if (type.isPrimitive() && isFloating(type.asPrimitiveType())) {
                TensorField tensor = new TensorField(name);
                tensor.presentWhenEmpty = true;
                return tensor.withConverter(tensor.elementConverter());
            }
            throw unsupported(file, type);
        }
        if (type.isPrimitive()) {
            PrimitiveType primitive = type.asPrimitiveType();
            LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
            return switch (primitive.getPrimitiveTypeName()) {
                case BOOLEAN -> new BooleanField(name);
                case INT32 -> logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation ? new TimestampField(name, 86_400_000L, 1)
                        : isPlainInteger(logical) ? new LongField(name) : throwUnsupported(file, type);
                case INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                        ? switch (ts.getUnit()) {
                            case MILLIS -> new TimestampField(name, 1, 1);
                            case MICROS -> new TimestampField(name, 1, 1_000);
                            case NANOS -> new TimestampField(name, 1, 1_000_000);
                        }
                        : isPlainInteger(logical) ? new LongField(name) : throwUnsupported(file, type);
                case INT96 -> new TimestampField(name, 1, 1);
                case FLOAT, DOUBLE -> new DoubleField(name);
                case BINARY -> logical == null || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation ? new StringField(name) : throwUnsupported(file, type);
                default -> throwUnsupported(file, type);
            };
        }
        GroupType group = type.asGroupType();
        if (group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && group.getFieldCount() == 1) {
            Type repeated = group.getType(0);
            if (repeated.isRepetition(Type.Repetition.REPEATED)) {
                TensorField tensor = new TensorField(name);
                if (repeated.isPrimitive() && isFloating(repeated.asPrimitiveType())) {
                    return tensor.withConverter(tensor.listConverter(tensor.elementConverter()));
                }
                if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1) {
                    Type element = repeated.asGroupType().getType(0);
                    if (element.isPrimitive() && isFloating(element.asPrimitiveType())) {
                        return tensor.withConverter(tensor.listConverter(tensor.wrappedElementConverter()));
                    }
                }
            }
        }
        if (SparkVectorField.matches(group)) return new SparkVectorField(name, group);
        throw unsupported(file, type);
    }

    private static boolean isPlainInteger(LogicalTypeAnnotation logical) {
        return logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
    }

    private static boolean isFloating(PrimitiveType type) {
        return type.getPrimitiveTypeName() == PrimitiveTypeName.FLOAT || type.getPrimitiveTypeName() == PrimitiveTypeName.DOUBLE;
    }

    private static Field throwUnsupported(Path file, Type type) {
        throw unsupported(file, type);
    }

    private static ClusterbyException unsupported(Path file, Type type) {
        return new ClusterbyException.BadFile(file + ": column '" + type.getName() + "' has the Parquet type "
                + type.toString().replaceAll("\\s+", " ").strip() + ", which clusterby does not read (it reads strings, "
                + "integers, floats, booleans, timestamps, dates, and lists of floats or Spark ML vectors)");
    }

    /** A column under construction. */
    private abstract static class Field {
        final String name;
        boolean present;

        Field(String name) {
            this.name = name;
        }

        abstract Converter converter();

        void startRow() {
            present = false;
        }

        /** Ends a row; returns what is wrong with its value, or null. */
        abstract String endRow(int row);

        abstract Column build(int rows);
    }

    private static final class LongField extends Field {
        long[] values = new long[1024];
        final BitSet missing = new BitSet();
        long current;

        LongField(String name) { super(name); }

        @Override Converter converter() {
            return new PrimitiveConverter() {
                @Override public void addInt(int value) { current = value; present = true; }
                @Override public void addLong(long value) { current = value; present = true; }
            };
        }

        @Override String endRow(int row) {
            if (row == values.length) values = Arrays.copyOf(values, values.length * 2);
            if (present) values[row] = current;
            else missing.set(row);
            return null;
        }

        @Override Column build(int rows) { return IntColumn.wrap(name, Arrays.copyOf(values, rows), missing); }
    }

    private static final class DoubleField extends Field {
        double[] values = new double[1024];
        final BitSet missing = new BitSet();
        double current;

        DoubleField(String name) { super(name); }

        @Override Converter converter() {
            return new PrimitiveConverter() {
                @Override public void addFloat(float value) { current = value; present = true; }
                @Override public void addDouble(double value) { current = value; present = true; }
            };
        }

        @Override String endRow(int row) {
            if (row == values.length) values = Arrays.copyOf(values, values.length * 2);
            if (present) values[row] = current;
            else missing.set(row);
            return null;
        }

        @Override Column build(int rows) { return DoubleColumn.wrap(name, Arrays.copyOf(values, rows), missing); }
    }

    private static final class BooleanField extends Field {
        final BitSet trues = new BitSet();
        final BitSet missing = new BitSet();
        boolean current;

        BooleanField(String name) { super(name); }

        @Override Converter converter() {
            return new PrimitiveConverter() {
                @Override public void addBoolean(boolean value) { current = value; present = true; }
            };
        }

        @Override String endRow(int row) {
            if (!present) missing.set(row);
            else if (current) trues.set(row);
            return null;
        }

        @Override Column build(int rows) { return BooleanColumn.wrap(name, trues, missing, rows); }
    }

    private static final class StringField extends Field {
        final List<String> values = new ArrayList<>();
        String current;

        StringField(String name) { super(name); }

        @Override Converter converter() {
            return new PrimitiveConverter() {
                @Override public void addBinary(Binary value) { current = value.toStringUsingUTF8(); present = true; }
            };
        }

        @Override String endRow(int row) {
            values.add(present ? current : null);
            return null;
        }

        @Override Column build(int rows) { return StringColumn.of(name, values); }
    }

    /** Epoch milliseconds from int64 timestamps (value × multiply / divide), int32 days, or INT96 (Spark's legacy form). */
    private static final class TimestampField extends Field {
        private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
        final long multiply, divide;
        long[] values = new long[1024];
        final BitSet missing = new BitSet();
        long current;
        String problem;

        TimestampField(String name, long multiply, long divide) {
            super(name);
            this.multiply = multiply;
            this.divide = divide;
        }

        @Override Converter converter() {
            return new PrimitiveConverter() {
                @Override public void addInt(int value) { current = value * multiply; present = true; }
                @Override public void addLong(long value) { current = Math.floorDiv(value, divide) * multiply; present = true; }
                @Override public void addBinary(Binary value) {
                    if (value.length() != 12) {
                        problem = "an INT96 timestamp of " + value.length() + " bytes, expected 12";
                        return;
                    }
                    ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    long nanosOfDay = bytes.getLong(bytes.position());
                    long julianDay = bytes.getInt(bytes.position() + 8);
                    current = (julianDay - JULIAN_DAY_OF_EPOCH) * 86_400_000L + Math.floorDiv(nanosOfDay, 1_000_000L);
                    present = true;
                }
            };
        }

        @Override String endRow(int row) {
            if (row == values.length) values = Arrays.copyOf(values, values.length * 2);
            if (present) values[row] = current;
            else missing.set(row);
            String found = problem;
            problem = null;
            return found;
        }

        @Override Column build(int rows) { return TimestampColumn.wrap(name, Arrays.copyOf(values, rows), missing); }
    }

    /** Equal-length float vectors: every present row must have the first present row's length. */
    private static class TensorField extends Field {
        float[] values = new float[4096];
        int length;
        int dim = -1;
        int rowCount;
        int rowStartLength;
        final BitSet missing = new BitSet();
        boolean presentWhenEmpty;
        boolean nullElement;
        private Converter converter;

        TensorField(String name) { super(name); }

        TensorField withConverter(Converter converter) {
            this.converter = converter;
            return this;
        }

        @Override Converter converter() { return converter; }

        void add(float value) {
            if (length == values.length) {
                if (values.length == Integer.MAX_VALUE - 8) throw new ClusterbyException.BadFile("column '" + name + "' holds more than 2^31 floats");
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, values.length * 2L));
            }
            values[length++] = value;
        }

        PrimitiveConverter elementConverter() {
            return new PrimitiveConverter() {
                @Override public void addFloat(float value) { add(value); present = true; }
                @Override public void addDouble(double value) { add((float) value); present = true; }
            };
        }

        /** The three-level form: each repeated group holds one (optional) element; a group without one is a null element. */
        GroupConverter wrappedElementConverter() {
            PrimitiveConverter element = elementConverter();
            return new GroupConverter() {
                int before;
                @Override public Converter getConverter(int index) { return element; }
                @Override public void start() { before = length; }
                @Override public void end() { if (length == before) nullElement = true; }
            };
        }

        GroupConverter listConverter(Converter repeated) {
            return new GroupConverter() {
                @Override public Converter getConverter(int index) { return repeated; }
                @Override public void start() { present = true; }
                @Override public void end() {}
            };
        }

        @Override void startRow() {
            super.startRow();
            present = presentWhenEmpty;
            nullElement = false;
            rowStartLength = length;
        }

        @Override String endRow(int row) {
            rowCount = row + 1;
            int count = length - rowStartLength;
            if (!present) {
                missing.set(row);
                // Rows missing after the first vector take their slot now; those before it, when it comes.
                if (dim > 0) for (int j = 0; j < dim; j++) add(0f);
                return null;
            }
            if (nullElement) return "a vector with a null element";
            if (dim < 0) {
                if (count == 0) return "an empty vector";
                dim = count;
                // Rows missing before the first vector take no space yet: give them theirs now.
                int before = missing.cardinality();
                if (before > 0) {
                    float[] first = Arrays.copyOfRange(values, rowStartLength, length);
                    length = rowStartLength;
                    for (int i = 0; i < (long) before * dim; i++) add(0f);
                    for (float v : first) add(v);
                }
                return null;
            }
            if (count != dim) return "a vector of " + count + " values, expected " + dim + " (the first vector's length)";
            return null;
        }

        @Override Column build(int rows) {
            int d = Math.max(dim, 1);
            TensorColumn column = TensorColumn.allocate(name, rows, d);
            if (dim > 0) MemorySegment.copy(values, 0, column.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, (int) Math.min(length, (long) rows * dim));
            if (missing.isEmpty()) return column;
            return column.withMissing(missing);
        }
    }

    /**
     * Spark ML's vector (VectorUDT) as Spark stores it: {@code struct<type: tinyint, size: int, indices: array<int>,
     * values: array<double>>}, type 1 dense (values only), 0 sparse (size, indices, values).
     */
    private static final class SparkVectorField extends TensorField {
        private int type = -1, size = -1;
        private final IntList indices = new IntList();
        private final FloatList denseValues = new FloatList();
        private final Converter[] children;
        private final String[] names;

        SparkVectorField(String name, GroupType group) {
            super(name);
            names = new String[group.getFieldCount()];
            children = new Converter[group.getFieldCount()];
            for (int i = 0; i < names.length; i++) {
                names[i] = group.getType(i).getName();
                children[i] = switch (names[i]) {
                    case "type" -> new PrimitiveConverter() { @Override public void addInt(int v) { type = v; } };
                    case "size" -> new PrimitiveConverter() { @Override public void addInt(int v) { size = v; } };
                    case "indices" -> listOf(group.getType(i), new PrimitiveConverter() { @Override public void addInt(int v) { indices.add(v); } });
                    default -> listOf(group.getType(i), new PrimitiveConverter() { @Override public void addDouble(double v) { denseValues.add((float) v); } });
                };
            }
            withConverter(new GroupConverter() {
                @Override public Converter getConverter(int index) { return children[index]; }
                @Override public void start() { present = true; }
                @Override public void end() {}
            });
        }

        static boolean matches(GroupType group) {
            if (group.getFieldCount() != 4) return false;
            String[] expected = {"type", "size", "indices", "values"};
            for (int i = 0; i < 4; i++) if (!group.getType(i).getName().equals(expected[i])) return false;
            return group.getType(0).isPrimitive() && group.getType(1).isPrimitive()
                    && isListOf(group.getType(2), PrimitiveTypeName.INT32) && isListOf(group.getType(3), PrimitiveTypeName.DOUBLE);
        }

        private static boolean isListOf(Type type, PrimitiveTypeName element) {
            if (type.isPrimitive() || type.asGroupType().getFieldCount() != 1) return false;
            Type repeated = type.asGroupType().getType(0);
            if (repeated.isPrimitive()) return repeated.asPrimitiveType().getPrimitiveTypeName() == element;
            GroupType wrapper = repeated.asGroupType();
            return wrapper.getFieldCount() == 1 && wrapper.getType(0).isPrimitive()
                    && wrapper.getType(0).asPrimitiveType().getPrimitiveTypeName() == element;
        }

        private static Converter listOf(Type listType, PrimitiveConverter element) {
            Type repeated = listType.asGroupType().getType(0);
            Converter inner = repeated.isPrimitive() ? element : new GroupConverter() {
                @Override public Converter getConverter(int index) { return element; }
                @Override public void start() {}
                @Override public void end() {}
            };
            return new GroupConverter() {
                @Override public Converter getConverter(int index) { return inner; }
                @Override public void start() {}
                @Override public void end() {}
            };
        }

        @Override void startRow() {
            super.startRow();
            type = -1;
            size = -1;
            indices.clear();
            denseValues.clear();
        }

        @Override String endRow(int row) {
            if (present) {
                if (type == 1) {
                    for (int i = 0; i < denseValues.size; i++) add(denseValues.data[i]);
                } else if (type == 0) {
                    if (size < 0 || indices.size != denseValues.size) return "a sparse vector whose size, indices and values do not agree";
                    int start = length;
                    for (int i = 0; i < size; i++) add(0f);
                    for (int i = 0; i < indices.size; i++) {
                        int index = indices.data[i];
                        if (index < 0 || index >= size) return "a sparse vector with index " + index + " outside its size " + size;
                        values[start + index] = denseValues.data[i];
                    }
                } else {
                    return "a vector of unknown type " + type;
                }
            }
            return super.endRow(row);
        }
    }

    private static final class IntList {
        int[] data = new int[64];
        int size;
        void add(int v) { if (size == data.length) data = Arrays.copyOf(data, size * 2); data[size++] = v; }
        void clear() { size = 0; }
    }

    private static final class FloatList {
        float[] data = new float[64];
        int size;
        void add(float v) { if (size == data.length) data = Arrays.copyOf(data, size * 2); data[size++] = v; }
        void clear() { size = 0; }
    }
}
