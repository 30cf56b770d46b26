package dev.clusterby.internal.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a dynamically quantised ONNX model so that every token row is quantised on its own, which makes a text's
 * vector independent of its batch mates.
 *
 * <p>ONNX Runtime's {@code quantize_dynamic} puts a {@code DynamicQuantizeLinear} before each {@code MatMulInteger}:
 * one scale and zero point for the whole input tensor, i.e. for every token of every text in the batch. Each such
 * node becomes: {@code s = max(ReduceMax(|x|, last axis) / 127, tiny)}, {@code q = uint8(clip(round(x / s) + 128))},
 * zero point 128. That is symmetric int8 (zero point 0) shifted into the uint8 the weights' kernels already take, so
 * the fast u8×s8 path stays. The zero point stays a scalar, which is all ONNX Runtime's {@code MatMulInteger} accepts
 * (microsoft/onnxruntime#27897 rejects a per-row one). Each product row is then multiplied by its scale (shape
 * [..., 1], broadcast) after the model's own rescale by the weight's scale.
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
            Rewriter rewriter = new Rewriter(field.length());
            for (Protobuf.Field graphField : field.message()) rewriter.add(graphField);
            replaced += rewriter.finish();
            out.bytes(MODEL_GRAPH, rewriter.graph.toByteArray());
        }
        return replaced == 0 ? new Result(model, 0) : new Result(out.toByteArray(), replaced);
    }

    /**
     * One pass over the graph's nodes, which ONNX keeps in topological order. The per-row scale is applied after
     * the model's own rescale ({@code MatMulInteger → Cast → Mul}), and the quantiser's scale output becomes the
     * scalar 1: ONNX Runtime fuses that chain into {@code MatMulIntegerToFloat}, whose kernel reads the A scale as
     * one number (measured: a [..., 1] scale there gave cosine 0.62 to the fp32 model), so the chain must keep
     * seeing a scalar.
     */
    private static final class Rewriter {
        final Protobuf.Writer graph;
        /** Quantised input, integer product, then its float cast: each to the per-row scale it needs. */
        final Map<String, String> quantized = new HashMap<>(), products = new HashMap<>(), casts = new HashMap<>();
        int replaced, rescaled;

        Rewriter(int size) {
            graph = new Protobuf.Writer(size + 65536);
        }

        void add(Protobuf.Field field) {
            if (field.number() != GRAPH_NODE || field.wireType() != Protobuf.LENGTH) {
                graph.field(field);
                return;
            }
            Node node = Node.read(field);
            if (node.is("DynamicQuantizeLinear")) {
                replaceQuantizer(node);
                return;
            }
            if (node.is("MatMulInteger") && !node.inputs.isEmpty() && quantized.containsKey(node.inputs.getFirst())) {
                products.put(node.outputs.getFirst(), quantized.get(node.inputs.getFirst()));
                for (int i = 1; i < node.inputs.size(); i++) refuse(node, node.inputs.get(i));
            } else if (node.is("Cast") && node.inputs.size() == 1 && products.containsKey(node.inputs.getFirst())) {
                casts.put(node.outputs.getFirst(), products.remove(node.inputs.getFirst()));
            } else if (node.is("Mul") && node.inputs.size() == 2 && (casts.containsKey(node.inputs.get(0)) || casts.containsKey(node.inputs.get(1)))) {
                String cast = casts.containsKey(node.inputs.get(0)) ? node.inputs.get(0) : node.inputs.get(1);
                String scale = casts.remove(cast);
                String output = node.outputs.getFirst();
                String unscaled = PREFIX + "unscaled/" + output;
                graph.message(GRAPH_NODE, node.withOutput(unscaled));
                node(graph, PREFIX + "rescale/" + output, "Mul", List.of(unscaled, scale), output);
                rescaled++;
                return;
            } else {
                for (String input : node.inputs) refuse(node, input);
            }
            graph.field(field);
        }

        /** A quantised input, integer product or cast used any other way would miss its row scale. */
        private void refuse(Node node, String input) {
            if (quantized.containsKey(input) || products.containsKey(input) || casts.containsKey(input)) {
                throw new IllegalArgumentException("quantised MatMul in an unexpected pattern: " + node.op + " reads " + input);
            }
        }

        int finish() {
            if (!products.isEmpty() || !casts.isEmpty()) {
                throw new IllegalArgumentException("quantised MatMul without its Cast and Mul: " + products.keySet() + casts.keySet());
            }
            if (replaced > 0) {
                if (rescaled == 0) throw new IllegalArgumentException("quantised inputs that no MatMulInteger reads");
                addConstants(graph);
            }
            return replaced;
        }

        /** DynamicQuantizeLinear(x) → (q, 1, zero point 128), with x's per-row scale kept for the rescale. */
        private void replaceQuantizer(Node node) {
            if (node.inputs.isEmpty() || node.outputs.size() != 3) {
                throw new IllegalArgumentException("DynamicQuantizeLinear node without one input and three outputs");
            }
            String x = node.inputs.getFirst();
            String p = PREFIX + replaced++ + "/";
            String scale = p + "row_scale";
            node(graph, p + "abs", "Abs", List.of(x), p + "abs");
            node(graph, p + "max", "ReduceMax", List.of(p + "abs"), p + "max",
                    new Protobuf.Writer().string(1, "axes").varint(8, -1).varint(20, ATTR_INTS),
                    new Protobuf.Writer().string(1, "keepdims").varint(3, 1).varint(20, ATTR_INT));
            node(graph, p + "scale", "Div", List.of(p + "max", C127), p + "scale");
            node(graph, p + "guarded", "Max", List.of(p + "scale", TINY), scale);
            node(graph, p + "ratio", "Div", List.of(x, scale), p + "ratio");
            node(graph, p + "round", "Round", List.of(p + "ratio"), p + "round");
            node(graph, p + "shift", "Add", List.of(p + "round", C128), p + "shift");
            node(graph, p + "clip", "Clip", List.of(p + "shift", C0, C255), p + "clip");
            node(graph, p + "cast", "Cast", List.of(p + "clip"), node.outputs.get(0),
                    new Protobuf.Writer().string(1, "to").varint(3, UINT8).varint(20, ATTR_INT));
            node(graph, p + "unit", "Identity", List.of(ONE), node.outputs.get(1));
            node(graph, p + "zero", "Identity", List.of(PREFIX + "zero_point"), node.outputs.get(2));
            quantized.put(node.outputs.get(0), scale);
        }
    }

    /** A node's op and wires, with its fields kept for writing it back. */
    private record Node(String op, List<String> inputs, List<String> outputs, List<Protobuf.Field> fields) {
        static Node read(Protobuf.Field field) {
            String op = "", domain = "";
            List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
            List<Protobuf.Field> fields = field.message();
            for (Protobuf.Field f : fields) {
                switch (f.number()) {
                    case NODE_INPUT -> inputs.add(f.string());
                    case NODE_OUTPUT -> outputs.add(f.string());
                    case NODE_OP -> op = f.string();
                    case NODE_DOMAIN -> domain = f.string();
                    default -> { }
                }
            }
            return new Node(domain.isEmpty() || domain.equals("ai.onnx") ? op : domain + "." + op, inputs, outputs, fields);
        }

        boolean is(String name) {
            return op.equals(name);
        }

        /** This node with its only output renamed. */
        Protobuf.Writer withOutput(String output) {
            Protobuf.Writer node = new Protobuf.Writer();
            for (Protobuf.Field f : fields) {
                if (f.number() == NODE_OUTPUT) node.string(NODE_OUTPUT, output);
                else node.field(f);
            }
            return node;
        }
    }

    private static final String C127 = PREFIX + "127", TINY = PREFIX + "tiny", C128 = PREFIX + "128", C0 = PREFIX + "0",
            C255 = PREFIX + "255", ONE = PREFIX + "1";

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
        floatScalar(graph, ONE, 1f);
        graph.message(GRAPH_INITIALIZER, new Protobuf.Writer().varint(2, UINT8).string(8, PREFIX + "zero_point")
                .bytes(9, new byte[] {(byte) 128}));
    }

    private static void floatScalar(Protobuf.Writer graph, String name, float value) {
        byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        graph.message(GRAPH_INITIALIZER, new Protobuf.Writer().varint(2, FLOAT).string(8, name).bytes(9, raw));
    }
}
