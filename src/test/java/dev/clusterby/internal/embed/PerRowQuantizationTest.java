package dev.clusterby.internal.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The rewrite on a graph built here in the shape {@code quantize_dynamic} leaves: DynamicQuantizeLinear, then
 * MatMulInteger on int8 weights with per-column zero points, Cast, and Mul by the product of the two scales.
 */
class PerRowQuantizationTest {
    private static final int K = 4, N = 3;
    private static final byte[] W = {10, -20, 30, 40, 50, -60, -70, 80, 90, 100, -110, 120};
    private static final byte[] W_ZERO = {0, 1, -1};
    private static final float[] W_SCALE = {0.01f, 0.02f, 0.03f};

    static byte[] quantizedMatMul() {
        Protobuf.Writer g = new Protobuf.Writer().string(2, "dq");
        node(g, "DynamicQuantizeLinear", new String[] {"x"}, "q", "s", "z");
        node(g, "Mul", new String[] {"s", "w_scale"}, "scales");
        node(g, "MatMulInteger", new String[] {"q", "w", "z", "w_zero"}, "acc");
        node(g, "Cast", new String[] {"acc"}, "accf", new Protobuf.Writer().string(1, "to").varint(3, 1).varint(20, 2));
        node(g, "Mul", new String[] {"accf", "scales"}, "y");
        g.message(5, new Protobuf.Writer().varint(1, K).varint(1, N).varint(2, 3).string(8, "w").bytes(9, W));
        g.message(5, new Protobuf.Writer().varint(1, N).varint(2, 3).string(8, "w_zero").bytes(9, W_ZERO));
        ByteBuffer scale = ByteBuffer.allocate(4 * N).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : W_SCALE) scale.putFloat(v);
        g.message(5, new Protobuf.Writer().varint(1, N).varint(2, 1).string(8, "w_scale").bytes(9, scale.array()));
        g.message(11, value("x", "rows", K));
        g.message(12, value("y", "rows", N));
        return new Protobuf.Writer().varint(1, 6).message(7, g).message(8, new Protobuf.Writer().string(1, "").varint(2, 11)).toByteArray();
    }

    private static void node(Protobuf.Writer g, String op, String[] inputs, String... outputsThenAttribute) {
        Protobuf.Writer node = new Protobuf.Writer();
        for (String input : inputs) node.string(1, input);
        for (String output : outputsThenAttribute) node.string(2, output);
        node.string(4, op);
        g.message(1, node);
    }

    private static void node(Protobuf.Writer g, String op, String[] inputs, String output, Protobuf.Writer attribute) {
        g.message(1, new Protobuf.Writer().string(1, inputs[0]).string(2, output).string(4, op).message(5, attribute));
    }

    private static Protobuf.Writer value(String name, String rows, int cols) {
        Protobuf.Writer shape = new Protobuf.Writer().message(1, new Protobuf.Writer().string(2, rows)).message(1, new Protobuf.Writer().varint(1, cols));
        return new Protobuf.Writer().string(1, name).message(2, new Protobuf.Writer().message(1, new Protobuf.Writer().varint(1, 1).message(2, shape)));
    }

    private static float[] run(byte[] model, float[] x, int rows) throws OrtException {
        OrtEnvironment env = OnnxTextEncoder.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model, options);
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, K});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[rows * N];
            y.get(out);
            return out;
        }
    }

    private static float[] exact(float[] x, int rows) {
        float[] y = new float[rows * N];
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < N; n++) {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += x[r * K + k] * (W[k * N + n] - W_ZERO[n]) * (double) W_SCALE[n];
                y[r * N + n] = (float) sum;
            }
        }
        return y;
    }

    @Test
    void eachRowIsQuantisedOnItsOwnAndTheProductStaysClose() throws OrtException {
        byte[] original = quantizedMatMul();
        PerRowQuantization.Result rewritten = PerRowQuantization.rewrite(original);
        assertEquals(1, rewritten.replaced());
        // Row 1 is a thousand times larger than row 0: one scale for both would wipe row 0 out.
        float[] x = {0.01f, -0.02f, 0.03f, 0.005f, 10f, 20f, -30f, 15f};
        float[] expected = exact(x, 2);
        float[] perRow = run(rewritten.model(), x, 2);
        float[] perTensor = run(original, x, 2);
        for (int n = 0; n < N; n++) {
            assertEquals(expected[n], perRow[n], Math.abs(expected[n]) * 0.02 + 1e-6, "small row, column " + n);
            assertEquals(expected[N + n], perRow[N + n], Math.abs(expected[N + n]) * 0.02, "large row, column " + n);
        }
        // The small row alone gets exactly what it gets beside the large one.
        float[] alone = run(rewritten.model(), java.util.Arrays.copyOf(x, K), 1);
        for (int n = 0; n < N; n++) assertEquals(perRow[n], alone[n], 0f, "column " + n);
        double perTensorError = 0, perRowError = 0;
        for (int n = 0; n < N; n++) {
            perTensorError += Math.abs(expected[n] - perTensor[n]);
            perRowError += Math.abs(expected[n] - perRow[n]);
        }
        assertTrue(perRowError < perTensorError, "per-row error " + perRowError + " vs per-tensor " + perTensorError);
    }

    @Test
    void aModelWithoutQuantisersIsLeftAsItIs() {
        byte[] plain = new Protobuf.Writer().varint(1, 6).message(7, new Protobuf.Writer().string(2, "g")).toByteArray();
        PerRowQuantization.Result result = PerRowQuantization.rewrite(plain);
        assertEquals(0, result.replaced());
        assertSame(plain, result.model());
    }

    @Test
    void bytesThatAreNotProtobufAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PerRowQuantization.rewrite(new byte[] {0x0A, 0x7F, 1}));
    }
}
