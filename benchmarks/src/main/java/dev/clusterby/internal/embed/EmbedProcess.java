package dev.clusterby.internal.embed;

import dev.clusterby.Settings;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * One whole process for embed-bench.sh: read the texts, load the encoder, embed them all, exit. Arguments: side
 * (clusterby | langchain4j), model (bge-small | minilm), set (short | long), count, data json, spam dir, cache dir.
 */
public final class EmbedProcess {
    private EmbedProcess() {}

    public static void main(String[] args) throws Exception {
        String side = args[0], model = args[1];
        int count = Integer.parseInt(args[3]);
        List<String> texts = args[2].equals("short") ? EmbedThroughputBench.emoji(Path.of(args[4]), count)
                : EmbedThroughputBench.emails(Path.of(args[5]), count);
        if (side.equals("clusterby")) {
            try (Encoder encoder = Encoders.open(model, Settings.unset().withCacheDir(Path.of(args[6])));
                 Arena arena = Arena.ofConfined()) {
                FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * encoder.dimension() * Float.BYTES),
                        texts.size(), encoder.dimension());
                encoder.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
            }
        } else {
            EmbeddingModel peer = model.equals("minilm") ? new AllMiniLmL6V2QuantizedEmbeddingModel() : new BgeSmallEnV15QuantizedEmbeddingModel();
            peer.embedAll(texts.stream().map(TextSegment::from).toList());
        }
    }
}
