package dev.clusterby.internal.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Rewrites a dynamically quantised ONNX model so that every token row is quantised on its own, which makes a text's
 * vector independent of its batch mates.
 *
 * <p>ONNX Runtime's {@code quantize_dynamic} puts a {@code DynamicQuantizeLinear} before each {@code MatMulInteger}:
 * one scale and zero point for the whole input tensor, i.e. for every token of every text in the batch. Each such
 * node becomes: {@code s = max(ReduceMax(|x|, last axis) / 127, tiny)}, {@code q = uint8(clip(round(x / s) + 128))},
 * zero point 128. That is symmetric int8 (zero point 0) shifted into the uint8 the weights' kernels already take, so
 * the fast u8×s8 path stays. The scale has shape [..., 1]; the model's {@code Mul(x_scale, w_scale)} and the rescale
 * after the integer product broadcast it per row unchanged. The zero point stays a scalar, which is all ONNX Runtime's
 * {@code MatMulInteger} accepts (microsoft/onnxruntime#27897 rejects a per-row one).
 */
final class PerRowQuantization {
    /** Part of the embedding key: changing this rewrite changes vectors, so it must change the name. */
    static final String SCHEME = "rowq1";

    // ONNX field numbers (onnx.proto): ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
    // NodeProto input 1, output 2, name 3, op_type 4, attribute 5, domain 7; TensorProto dims 1, data_type 2, name 8, raw_data 9;
    // AttributeProto name 1, i 3, ints 8, type 20.
    private static final int MODEL_GRAPH = 7, GRAPH_NODE = 1, GRAPH_INITIALIZER = 5;
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP = 4, NODE_ATTRIBUTE = 5, NODE_DOMAIN = 7;
    private static final int FLOAT = 1, UINT8 = 2;
    private static final int ATTR_INT = 2, ATTR_INTS = 7;
    private static final String PREFIX = "clusterby_rowq/";

    private PerRowQuantization() {}

    /** The rewritten model and how many quantisers it replaced (0: the model was not dynamically quantised). */
    record Result(byte[] model, int replaced) {}

    static Result rewrite(byte[] model) {
        List<Protobuf.Field> top = Protobuf.parse(model);
        Protobuf.Writer out = new Protobuf.Writer(model.length + 65536);
        int replaced = 0;
        for (Protobuf.Field field : top) {
            if (field.number() != MODEL_GRAPH || field.wireType() != Protobuf.LENGTH) {
                out.field(field);
                continue;
            }
            Protobuf.Writer graph = new Protobuf.Writer(field.length() + 65536);
            for (Protobuf.Field graphField : field.message()) {
                if (graphField.number() == GRAPH_NODE && graphField.wireType() == Protobuf.LENGTH && isDynamicQuantizer(graphField)) {
                    replaceQuantizer(graph, graphField.message(), replaced++);
                } else {
                    graph.field(graphField);
                }
            }
            if (replaced > 0) addConstants(graph);
            out.bytes(MODEL_GRAPH, graph.toByteArray());
        }
        return replaced == 0 ? new Result(model, 0) : new Result(out.toByteArray(), replaced);
    }

    private static boolean isDynamicQuantizer(Protobuf.Field node) {
        String op = null, domain = "";
        for (Protobuf.Field f : node.message()) {
            if (f.number() == NODE_OP) op = f.string();
            if (f.number() == NODE_DOMAIN) domain = f.string();
        }
        return "DynamicQuantizeLinear".equals(op) && (domain.isEmpty() || domain.equals("ai.onnx"));
    }

    private static final String C127 = PREFIX + "127", TINY = PREFIX + "tiny", C128 = PREFIX + "128", C0 = PREFIX + "0", C255 = PREFIX + "255";

    /** DynamicQuantizeLinear(x) → (q, scale, zero point) by rows; the three output names stay. */
    private static void replaceQuantizer(Protobuf.Writer graph, List<Protobuf.Field> node, int index) {
        String x = null;
        String[] outputs = new String[3];
        int outputCount = 0;
        for (Protobuf.Field f : node) {
            if (f.number() == NODE_INPUT && x == null) x = f.string();
            if (f.number() == NODE_OUTPUT && outputCount < 3) outputs[outputCount++] = f.string();
        }
        if (x == null || outputCount != 3) throw new IllegalArgumentException("DynamicQuantizeLinear node without one input and three outputs");
        String p = PREFIX + index + "/";
        node(graph, p + "abs", "Abs", List.of(x), p + "abs");
        node(graph, p + "max", "ReduceMax", List.of(p + "abs"), p + "max",
                new Protobuf.Writer().string(1, "axes").varint(8, -1).varint(20, ATTR_INTS),
                new Protobuf.Writer().string(1, "keepdims").varint(3, 1).varint(20, ATTR_INT));
        node(graph, p + "scale", "Div", List.of(p + "max", C127), p + "scale");
        node(graph, p + "guarded", "Max", List.of(p + "scale", TINY), outputs[1]);
        node(graph, p + "ratio", "Div", List.of(x, outputs[1]), p + "ratio");
        node(graph, p + "round", "Round", List.of(p + "ratio"), p + "round");
        node(graph, p + "shift", "Add", List.of(p + "round", C128), p + "shift");
        node(graph, p + "clip", "Clip", List.of(p + "shift", C0, C255), p + "clip");
        node(graph, p + "cast", "Cast", List.of(p + "clip"), outputs[0],
                new Protobuf.Writer().string(1, "to").varint(3, UINT8).varint(20, ATTR_INT));
        node(graph, p + "zero", "Identity", List.of(PREFIX + "zero_point"), outputs[2]);
    }

    private static void node(Protobuf.Writer graph, String name, String op, List<String> inputs, String output, Protobuf.Writer... attributes) {
        Protobuf.Writer node = new Protobuf.Writer();
        for (String input : inputs) node.string(NODE_INPUT, input);
        node.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP, op);
        for (Protobuf.Writer attribute : attributes) node.message(NODE_ATTRIBUTE, attribute);
        graph.message(GRAPH_NODE, node);
    }

    private static void addConstants(Protobuf.Writer graph) {
        floatScalar(graph, C127, 127f);
        // Keeps an all-zero row (a zero scale) from dividing by zero; its values quantise to the zero point anyway.
        floatScalar(graph, TINY, Float.MIN_NORMAL);
        floatScalar(graph, C128, 128f);
        floatScalar(graph, C0, 0f);
        floatScalar(graph, C255, 255f);
        graph.message(GRAPH_INITIALIZER, new Protobuf.Writer().varint(2, UINT8).string(8, PREFIX + "zero_point")
                .bytes(9, new byte[] {(byte) 128}));
    }

    private static void floatScalar(Protobuf.Writer graph, String name, float value) {
        byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        graph.message(GRAPH_INITIALIZER, new Protobuf.Writer().varint(2, FLOAT).string(8, name).bytes(9, raw));
    }
}
