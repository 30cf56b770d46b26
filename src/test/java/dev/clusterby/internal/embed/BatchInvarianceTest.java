package dev.clusterby.internal.embed;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A text's vector does not depend on what else is encoded with it: every shipped text encoder, each text alone
 * against the same text inside batches of texts of very different lengths (2 to 512 tokens, and texts on both sides
 * of the length above which a text runs alone through the model as shipped).
 */
class BatchInvarianceTest {
    static float[] encode(Encoder encoder, List<String> texts) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * encoder.dimension() * Float.BYTES),
                    texts.size(), encoder.dimension());
            encoder.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
            return out.toArray();
        }
    }

    /** Short, medium and very long texts, a blank one and non-ASCII words, in a fixed order. */
    static List<String> mixedTexts(int count) {
        Random random = new Random(11);
        String[] words = {"cluster", "embedding", "vector", "the", "of", "model", "spam", "email", "emoji", "face",
                "grinning", "market", "bread", "token", "länge", "naïve", "🙂", "oil", "prices", "merger"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = i % 9 == 0 ? 600 : i % 4 == 0 ? 40 + random.nextInt(80) : 1 + random.nextInt(6);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < length; w++) text.append(words[random.nextInt(words.length)]).append(' ');
            texts.add(text.toString().strip());
        }
        texts.set(3, "");
        return texts;
    }

    /**
     * Texts of exactly {@code tokens} word pieces each (special tokens included), for T-1 … T+2 around
     * {@link OnnxTextEncoder#ALONE_ABOVE_TOKENS} and a few further out: the texts on both sides of the routing rule.
     */
    static List<String> aroundTheRoute(OnnxTextEncoder encoder) {
        int t = OnnxTextEncoder.ALONE_ABOVE_TOKENS;
        String[] starts = {"Crude oil prices rose", "The merger was approved", "Ein naïve Länge 🙂", "grinning face with big eyes"};
        List<String> texts = new ArrayList<>();
        int k = 0;
        for (int tokens : new int[] {t - 20, t - 1, t, t + 1, t + 2, t + 30}) {
            StringBuilder text = new StringBuilder(starts[k++ % starts.length]);
            while (encoder.tokenCount(text.toString()) < tokens) text.append(" the");
            assertTrue(encoder.tokenCount(text.toString()) == tokens, "cannot build a text of " + tokens + " tokens");
            texts.add(text.toString());
        }
        return texts;
    }

    static OnnxTextEncoder.Spec spec(String name) {
        return switch (name) {
            case "minilm" -> OnnxTextEncoder.MINILM;
            case "bge-small" -> OnnxTextEncoder.BGE_SMALL;
            case "bge-small-fp32" -> OnnxTextEncoder.BGE_SMALL_FP32;
            default -> OnnxTextEncoder.E5_SMALL;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "bge-small", "e5-small", "bge-small-fp32"})
    void aTextGetsTheSameVectorAloneAndInAnyBatch(String name) {
        OnnxTextEncoder.Spec spec = spec(name);
        try (OnnxTextEncoder alone = OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 1, 1));
             OnnxTextEncoder batched = OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, 2, 1))) {
            List<String> texts = mixedTexts(28);
            texts.addAll(5, aroundTheRoute(alone));
            int dim = alone.dimension();
            float[] all = encode(batched, texts);
            // The same texts again in another order and mix: the short ones now sit beside other neighbours.
            List<String> reversed = new ArrayList<>(texts.reversed());
            reversed.addAll(mixedTexts(9));
            float[] again = encode(batched, reversed);
            double worst = 0;
            for (int i = 0; i < texts.size(); i++) {
                float[] one = encode(alone, List.of(texts.get(i)));
                int other = texts.size() - 1 - i;
                for (int d = 0; d < dim; d++) {
                    worst = Math.max(worst, Math.abs(one[d] - all[i * dim + d]));
                    worst = Math.max(worst, Math.abs(one[d] - again[other * dim + d]));
                }
            }
            assertTrue(worst <= 1e-5, name + ": largest difference between a text alone and in a batch is " + worst);
        }
    }

    /**
     * The route is taken: a text of more than T tokens gets the vector of the model as shipped run on it alone, a
     * text of T or fewer the per-row model's, and the second session opens only when a long text comes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "bge-small", "e5-small"})
    void longTextsRunAloneAsShippedAndShortOnesPerRow(String name) {
        OnnxTextEncoder.Spec spec = spec(name);
        try (OnnxTextEncoder routed = OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, 2, 1));
             OnnxTextEncoder perRow = OnnxTextEncoder.load(spec,
                     new OnnxTextEncoder.Tuning(64, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_ROW));
             OnnxTextEncoder asShipped = OnnxTextEncoder.load(spec,
                     new OnnxTextEncoder.Tuning(1, 1, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR))) {
            List<String> texts = aroundTheRoute(routed);
            encode(routed, texts.subList(0, 3));
            assertTrue(!routed.aloneSessionOpen(), name + ": texts of at most T tokens opened the second session");
            float[] mixed = encode(routed, texts);
            assertTrue(routed.aloneSessionOpen(), name + ": a long text did not open the second session");
            float[] rows = encode(perRow, texts);
            int dim = routed.dimension();
            for (int i = 0; i < texts.size(); i++) {
                boolean longText = routed.tokenCount(texts.get(i)) > OnnxTextEncoder.ALONE_ABOVE_TOKENS;
                float[] expected = longText ? encode(asShipped, List.of(texts.get(i))) : java.util.Arrays.copyOfRange(rows, i * dim, (i + 1) * dim);
                double worst = 0;
                for (int d = 0; d < dim; d++) worst = Math.max(worst, Math.abs(expected[d] - mixed[i * dim + d]));
                assertTrue(worst <= 1e-5, name + ": text " + i + " (" + routed.tokenCount(texts.get(i)) + " tokens) differs from the "
                        + (longText ? "model as shipped alone" : "per-row model") + " by " + worst);
            }
        }
    }

    /** An fp32 model has no quantiser: a long text runs alone through the one session, no second one opens. */
    @org.junit.jupiter.api.Test
    void anFp32ModelOpensNoSecondSession() {
        try (OnnxTextEncoder fp32 = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL_FP32, new OnnxTextEncoder.Tuning(64, 2, 1))) {
            encode(fp32, aroundTheRoute(fp32));
            assertTrue(!fp32.aloneSessionOpen(), "the fp32 model opened a second session");
        }
    }
}
