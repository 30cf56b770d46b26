package dev.clusterby.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.Encoders;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Texts per second of clusterby's encoders against langchain4j's {@code embedAll} on the same quantised ONNX files.
 * Short texts: emoji descriptions; long: SpamAssassin e-mails. Each run is repeated and interleaved, best kept.
 *
 * <p>Arguments: [emoji data.json] [spam-assassin package/data dir] [short count] [long count] [repeats].
 */
public final class EncoderThroughputBench {
    private EncoderThroughputBench() {}

    public static void main(String[] args) throws IOException {
        Path emoji = Path.of(args.length > 0 ? args[0] : "/tmp/data/npm/package/emoji/data/data.json");
        Path spam = Path.of(args.length > 1 ? args[1] : "/tmp/data/spam/package/data");
        int shortCount = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int longCount = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 2;

        ObjectMapper json = new ObjectMapper();
        List<String> shortTexts = new ArrayList<>();
        for (JsonNode entry : json.readTree(emoji.toFile())) {
            if (shortTexts.size() < shortCount) shortTexts.add(entry.get("description").asText());
        }
        List<String> longTexts = new ArrayList<>();
        try (var groups = Files.list(spam)) {
            List<Path> files = new ArrayList<>();
            for (Path group : groups.filter(Files::isDirectory).sorted().toList()) {
                try (var inGroup = Files.list(group)) {
                    files.addAll(inGroup.filter(f -> f.toString().endsWith(".json")).sorted().limit(longCount / 5 + 1).toList());
                }
            }
            for (Path file : files) {
                if (longTexts.size() < longCount) longTexts.add(json.readTree(file.toFile()).get("text").asText());
            }
        }
        System.out.printf("cores %d, %d short texts (mean %d chars), %d long texts (mean %d chars), best of %d%n",
                Runtime.getRuntime().availableProcessors(), shortTexts.size(), meanLength(shortTexts),
                longTexts.size(), meanLength(longTexts), repeats);
        System.out.println("| model | set | clusterby texts/s | clusterby batched texts/s | langchain4j texts/s | ratio (clusterby / langchain4j) |");
        System.out.println("|---|---|---|---|---|---|");
        compare("minilm", AllMiniLmL6V2QuantizedEmbeddingModel::new, shortTexts, longTexts, repeats);
        compare("bge-small", BgeSmallEnV15QuantizedEmbeddingModel::new, shortTexts, longTexts, repeats);
    }

    private static void compare(String name, Supplier<EmbeddingModel> peerFactory, List<String> shortTexts,
                                List<String> longTexts, int repeats) {
        EmbeddingModel peer = peerFactory.get();
        System.clearProperty("clusterby.encoder.batchRows");
        try (Encoder ours = Encoders.open(name)) {
            System.setProperty("clusterby.encoder.batchRows", "32");
            try (Encoder batched = Encoders.open(name)) {
                System.clearProperty("clusterby.encoder.batchRows");
                for (List<String> set : List.of(shortTexts, longTexts)) {
                    List<TextSegment> segments = set.stream().map(TextSegment::from).toList();
                    List<String> warm = set.subList(0, Math.min(20, set.size()));
                    ours(ours, warm);
                    ours(batched, warm);
                    peer.embedAll(segments.subList(0, warm.size()));
                    double best = 0, bestBatched = 0, bestPeer = 0;
                    for (int r = 0; r < repeats; r++) {
                        best = Math.max(best, set.size() / ours(ours, set));
                        bestBatched = Math.max(bestBatched, set.size() / ours(batched, set));
                        long start = System.nanoTime();
                        peer.embedAll(segments);
                        bestPeer = Math.max(bestPeer, set.size() / ((System.nanoTime() - start) / 1e9));
                    }
                    System.out.printf("| %s | %s | %.0f | %.0f | %.0f | %.2f (batched %.2f) |%n", name,
                            set == shortTexts ? "short (emoji descriptions)" : "long (SpamAssassin e-mails)",
                            best, bestBatched, bestPeer, best / bestPeer, bestBatched / bestPeer);
                }
            }
        }
    }

    /** Seconds to encode the texts. */
    private static double ours(Encoder encoder, List<String> texts) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * encoder.dimension() * Float.BYTES),
                    texts.size(), encoder.dimension());
            long start = System.nanoTime();
            encoder.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static int meanLength(List<String> texts) {
        return (int) texts.stream().mapToInt(String::length).average().orElse(0);
    }
}
