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
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a panel's visible columns as one Parquet file: optional (nullable) fields, one row group per 128 MB,
 * Snappy pages, as Spark writes them. A tensor column becomes {@code LIST<float>} in Parquet's three-level form.
 */
final class ParquetWriting {
    private ParquetWriting() {}

    static void write(DataPanel panel, Path target, OutputStream out) throws IOException {
        List<Column> columns = panel.columns();
        MessageType schema = schema(columns, target);
        try (ParquetWriter<Integer> writer = new RowsBuilder(new StreamOutputFile(out), schema, columns)
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (int row = 0; row < panel.size(); row++) writer.write(row);
        }
    }

    private static MessageType schema(List<Column> columns, Path target) {
        List<Type> fields = new ArrayList<>();
        for (Column column : columns) {
            String name = column.name();
            fields.add(switch (column) {
                case StringColumn _ -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
                case IntColumn _ -> Types.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.intType(64, true)).named(name);
                case DoubleColumn _ -> Types.optional(PrimitiveTypeName.DOUBLE).named(name);
                case BooleanColumn _ -> Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
                case TimestampColumn _ -> Types.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(name);
                case TensorColumn _ -> Types.optionalList().requiredElement(PrimitiveTypeName.FLOAT).named(name);
                default -> throw new ClusterbyException.BadFile("cannot write " + target + ": column '" + name + "' is "
                        + column.type().toString().toLowerCase(java.util.Locale.ROOT) + ", which Parquet output does not hold "
                        + "(strings, integers, floats, booleans, timestamps and tensors); drop or convert it first");
            });
        }
        return new MessageType("clusterby", fields);
    }

    /** Row numbers in, records out: each row reads its values straight from the columns. */
    private static final class RowsSupport extends WriteSupport<Integer> {
        private final MessageType schema;
        private final List<Column> columns;
        private RecordConsumer consumer;

        RowsSupport(MessageType schema, List<Column> columns) {
            this.schema = schema;
            this.columns = columns;
        }

        @Override
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return context();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return context();
        }

        private WriteContext context() {
            Map<String, String> meta = new HashMap<>();
            meta.put("writer", "clusterby");
            return new WriteContext(schema, meta);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            consumer = recordConsumer;
        }

        @Override
        public void write(Integer boxedRow) {
            int row = boxedRow;
            consumer.startMessage();
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                if (column.isMissing(row)) continue;
                String name = column.name();
                consumer.startField(name, i);
                switch (column) {
                    case StringColumn s -> consumer.addBinary(Binary.fromString(s.get(row)));
                    case IntColumn c -> consumer.addLong(c.getLong(row));
                    case DoubleColumn d -> consumer.addDouble(d.getDouble(row));
                    case BooleanColumn b -> consumer.addBoolean(b.isTrue(row));
                    case TimestampColumn t -> consumer.addLong(t.epochMillis(row));
                    case TensorColumn t -> writeVector(t, row);
                    default -> throw new IllegalStateException("unreachable: the schema rejects " + column.type());
                }
                consumer.endField(name, i);
            }
            consumer.endMessage();
        }

        private void writeVector(TensorColumn tensor, int row) {
            int dim = tensor.dim();
            MemorySegment values = tensor.segment().asSlice((long) row * dim * Float.BYTES, (long) dim * Float.BYTES);
            consumer.startGroup();
            consumer.startField("list", 0);
            for (int j = 0; j < dim; j++) {
                consumer.startGroup();
                consumer.startField("element", 0);
                consumer.addFloat(values.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j));
                consumer.endField("element", 0);
                consumer.endGroup();
            }
            consumer.endField("list", 0);
            consumer.endGroup();
        }
    }

    private static final class RowsBuilder extends ParquetWriter.Builder<Integer, RowsBuilder> {
        private final MessageType schema;
        private final List<Column> columns;

        RowsBuilder(OutputFile file, MessageType schema, List<Column> columns) {
            super(file);
            this.schema = schema;
            this.columns = columns;
        }

        @Override
        protected RowsBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(org.apache.hadoop.conf.Configuration configuration) {
            return new RowsSupport(schema, columns);
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration configuration) {
            return new RowsSupport(schema, columns);
        }
    }

    /** The core's atomic write hands over a stream; Parquet needs only its position. */
    private record StreamOutputFile(OutputStream out) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long position;

                @Override public long getPos() { return position; }
                @Override public void write(int b) throws IOException { out.write(b); position++; }
                @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); position += len; }
                @Override public void flush() throws IOException { out.flush(); }
                // The core owns the stream and closes it after the rename's fsync.
                @Override public void close() throws IOException { out.flush(); }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override public boolean supportsBlockSize() { return false; }
        @Override public long defaultBlockSize() { return 128L << 20; }
        @Override public String getPath() { return "stream"; }
    }
}
