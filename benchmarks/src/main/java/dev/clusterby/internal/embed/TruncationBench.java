package dev.clusterby.internal.embed;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * What max-tokens does to long documents: 300 SpamAssassin e-mails through bge-small at 512, 256, 128 and 64 word
 * pieces: how many texts are cut, seconds, and each text's cosine to its 512-piece vector.
 * Arguments: spam dir, count, repeats.
 */
public final class TruncationBench {
    private TruncationBench() {}

    public static void main(String[] args) {
        List<String> texts = EmbedThroughputBench.emails(Path.of(args[0]), Integer.parseInt(args[1]));
        int repeats = Integer.parseInt(args[2]);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%d e-mails, bge-small, best of %d, load %s%n", texts.size(), repeats, EmbedThroughputBench.load());
        System.out.println("| max tokens | texts cut | tokens read | seconds | texts/s | cosine to 512: mean | min |");
        System.out.println("|---|---|---|---|---|---|---|");
        float[] full = null;
        for (int max : new int[] {512, 256, 128, 64}) {
            try (OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL.withMaxLength(max), new OnnxTextEncoder.Tuning(64, cores, 1))) {
                long tokens = 0;
                int cut = 0;
                for (String text : texts) {
                    int n = encoder.tokenCount(text);
                    tokens += n;
                    if (n == max) cut++;
                }
                float[] vectors = null;
                double best = Double.MAX_VALUE;
                for (int r = 0; r < repeats; r++) {
                    try (Arena arena = Arena.ofConfined()) {
                        FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * 384 * Float.BYTES), texts.size(), 384);
                        long start = System.nanoTime();
                        encoder.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
                        best = Math.min(best, (System.nanoTime() - start) / 1e9);
                        vectors = out.toArray();
                    }
                }
                if (full == null) full = vectors;
                double sum = 0, min = 1;
                for (int i = 0; i < texts.size(); i++) {
                    double dot = 0;
                    for (int d = 0; d < 384; d++) dot += (double) vectors[i * 384 + d] * full[i * 384 + d];
                    sum += dot;
                    min = Math.min(min, dot);
                }
                System.out.printf("| %d | %d | %d | %.1f | %.1f | %.4f | %.4f |%n", max, cut, tokens, best, texts.size() / best, sum / texts.size(), min);
            }
        }
    }
}
