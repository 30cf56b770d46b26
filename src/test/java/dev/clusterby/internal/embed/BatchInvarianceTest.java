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
 * against the same text inside batches of texts of very different lengths (2 to 512 tokens).
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

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "bge-small", "e5-small"})
    void aTextGetsTheSameVectorAloneAndInAnyBatch(String name) {
        OnnxTextEncoder.Spec spec = switch (name) {
            case "minilm" -> OnnxTextEncoder.MINILM;
            case "bge-small" -> OnnxTextEncoder.BGE_SMALL;
            default -> OnnxTextEncoder.E5_SMALL;
        };
        List<String> texts = mixedTexts(28);
        try (OnnxTextEncoder alone = OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 1, 1));
             OnnxTextEncoder batched = OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, 2, 1))) {
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
}
