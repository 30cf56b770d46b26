package dev.clusterby.internal.embed;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to write an ONNX ModelProto for tests. Field numbers are those of
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
 */
final class OnnxProto {
    static final int FLOAT = 1, INT64 = 7; // TensorProto.DataType
    private static final int ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType

    /** One protobuf message under construction. */
    static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Message bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Message string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }

    /** A ModelProto at IR version 8 importing the default opset 13. */
    static byte[] model(Message graph) {
        return new Message().varint(1, 8).string(2, "clusterby-tests")
                .message(7, graph)
                .message(8, new Message().string(1, "").varint(2, 13))
                .toByteArray();
    }

    static Message graph(String name) {
        return new Message().string(2, name);
    }

    static void node(Message graph, String op, String[] inputs, String output, Message... attributes) {
        Message node = new Message();
        for (String input : inputs) node.string(1, input);
        node.string(2, output).string(3, output + "_node").string(4, op);
        for (Message attribute : attributes) node.message(5, attribute);
        graph.message(1, node);
    }

    static Message intAttribute(String name, long value) {
        return new Message().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    static Message intsAttribute(String name, long... values) {
        Message attribute = new Message().string(1, name);
        for (long v : values) attribute.varint(8, v);
        return attribute.varint(20, ATTR_INTS);
    }

    static void floatInitializer(Message graph, String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) raw.putFloat(v);
        graph.message(5, tensor(name, FLOAT, raw.array(), dims));
    }

    static void longInitializer(Message graph, String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) raw.putLong(v);
        graph.message(5, tensor(name, INT64, raw.array(), dims));
    }

    private static Message tensor(String name, int type, byte[] raw, long... dims) {
        Message tensor = new Message();
        for (long d : dims) tensor.varint(1, d);
        return tensor.varint(2, type).string(8, name).bytes(9, raw);
    }

    /** A graph input or output; a dimension given as a String is symbolic (dim_param), a Long fixed (dim_value). */
    static void value(Message graph, boolean input, String name, int type, Object... dims) {
        Message shape = new Message();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Message().string(2, s) : new Message().varint(1, ((Number) d).longValue()));
        }
        Message tensorType = new Message().varint(1, type).message(2, shape);
        graph.message(input ? 11 : 12, new Message().string(1, name).message(2, new Message().message(1, tensorType)));
    }
}
