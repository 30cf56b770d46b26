package dev.clusterby.internal.embed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the protobuf wire format to read and rewrite an ONNX model: a message is a list of fields kept as
 * they were read (so unknown fields and large initializers pass through untouched), and new messages are written
 * field by field. No protobuf library is on the core classpath.
 */
final class Protobuf {
    static final int VARINT = 0, FIXED64 = 1, LENGTH = 2, FIXED32 = 5;

    private Protobuf() {}

    /** One field as read: its number, wire type, and either its varint value or its bytes (a slice of the message). */
    record Field(int number, int wireType, long varint, byte[] source, int offset, int length) {
        /** The bytes of a length-delimited field (copied). */
        byte[] bytes() {
            byte[] copy = new byte[length];
            System.arraycopy(source, offset, copy, 0, length);
            return copy;
        }

        String string() {
            return new String(source, offset, length, StandardCharsets.UTF_8);
        }

        /** The fields of a length-delimited field read as a message. */
        List<Field> message() {
            return parse(source, offset, length);
        }
    }

    /** The fields of a message, in order. */
    static List<Field> parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    static List<Field> parse(byte[] source, int from, int length) {
        List<Field> fields = new ArrayList<>();
        int[] at = {from};
        int end = from + length;
        while (at[0] < end) {
            long tag = readVarint(source, at, end);
            int number = (int) (tag >>> 3), wireType = (int) (tag & 7);
            switch (wireType) {
                case VARINT -> fields.add(new Field(number, wireType, readVarint(source, at, end), source, 0, 0));
                case FIXED64, FIXED32 -> {
                    int size = wireType == FIXED64 ? 8 : 4;
                    check(at[0] + size <= end);
                    fields.add(new Field(number, wireType, 0, source, at[0], size));
                    at[0] += size;
                }
                case LENGTH -> {
                    long size = readVarint(source, at, end);
                    check(size >= 0 && at[0] + size <= end);
                    fields.add(new Field(number, wireType, 0, source, at[0], (int) size));
                    at[0] += (int) size;
                }
                default -> throw new IllegalArgumentException("not a protobuf message: wire type " + wireType);
            }
        }
        return fields;
    }

    private static long readVarint(byte[] source, int[] at, int end) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            check(at[0] < end);
            byte b = source[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) return value;
        }
        throw new IllegalArgumentException("not a protobuf message: varint too long");
    }

    private static void check(boolean ok) {
        if (!ok) throw new IllegalArgumentException("not a protobuf message: truncated field");
    }

    /** A message under construction. */
    static final class Writer {
        private final ByteArrayOutputStream out;

        Writer() {
            this(64);
        }

        Writer(int capacity) {
            out = new ByteArrayOutputStream(capacity);
        }

        Writer varint(int number, long value) {
            tag(number, VARINT);
            writeVarint(value);
            return this;
        }

        Writer bytes(int number, byte[] value) {
            tag(number, LENGTH);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Writer string(int number, String value) {
            return bytes(number, value.getBytes(StandardCharsets.UTF_8));
        }

        Writer message(int number, Writer value) {
            return bytes(number, value.toByteArray());
        }

        /** Writes a field exactly as it was read. */
        Writer field(Field field) {
            tag(field.number(), field.wireType());
            switch (field.wireType()) {
                case VARINT -> writeVarint(field.varint());
                case LENGTH -> {
                    writeVarint(field.length());
                    out.write(field.source(), field.offset(), field.length());
                }
                default -> out.write(field.source(), field.offset(), field.length());
            }
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void tag(int number, int wireType) {
            writeVarint(((long) number << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
