package dev.clusterby.internal.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * In-JVM texts/s and tokens/s per core of clusterby's encoder layouts against langchain4j's {@code embedAll} on the
 * same quantised ONNX files, interleaved round by round, best of N. Layouts: the default (per-row scales, batches
 * of up to 64 texts / 8,192 tokens, one run per core of 1 thread), the same batches on one run of 2 threads, and the
 * old default (the model as shipped, one text per run, one run per core). Lives in the encoder's package to reach
 * its tuning.
 *
 * <p>Arguments: emoji data.json, spam-assassin data dir, short count, long count, repeats.
 */
public final class EmbedThroughputBench {
    private EmbedThroughputBench() {}

    public static void main(String[] args) throws IOException {
        List<String> shortTexts = emoji(Path.of(args[0]), Integer.parseInt(args[2]));
        List<String> longTexts = emails(Path.of(args[1]), Integer.parseInt(args[3]));
        int repeats = Integer.parseInt(args[4]);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("cores %d, %d short texts (mean %d chars), %d long texts (mean %d chars), best of %d, load %s%n",
                cores, shortTexts.size(), meanLength(shortTexts), longTexts.size(), meanLength(longTexts), repeats, load());
        System.out.println("| model | set | layout | texts/s | tokens/s per core | × langchain4j |");
        System.out.println("|---|---|---|---|---|---|");
        compare(OnnxTextEncoder.MINILM, AllMiniLmL6V2QuantizedEmbeddingModel::new, shortTexts, longTexts, repeats, cores);
        compare(OnnxTextEncoder.BGE_SMALL, BgeSmallEnV15QuantizedEmbeddingModel::new, shortTexts, longTexts, repeats, cores);
        System.out.println("load at the end " + load());
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static List<String> emoji(Path file, int count) throws IOException {
        List<String> texts = new ArrayList<>();
        for (JsonNode entry : new ObjectMapper().readTree(file.toFile())) {
            if (texts.size() < count) texts.add(entry.get("description").asText());
        }
        return texts;
    }

    /** The first count/5+1 e-mails of each of the five folders, in name order, up to count. */
    static List<String> emails(Path dir, int count) {
        try {
            return readEmails(dir, count);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> readEmails(Path dir, int count) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Path> files = new ArrayList<>();
        try (var groups = Files.list(dir)) {
            for (Path group : groups.filter(Files::isDirectory).sorted().toList()) {
                try (var inGroup = Files.list(group)) {
                    files.addAll(inGroup.filter(f -> f.toString().endsWith(".json")).sorted().limit(count / 5 + 1).toList());
                }
            }
        }
        List<String> texts = new ArrayList<>();
        for (Path file : files) if (texts.size() < count) texts.add(json.readTree(file.toFile()).get("text").asText());
        return texts;
    }

    private static void compare(OnnxTextEncoder.Spec spec, Supplier<EmbeddingModel> peerFactory, List<String> shortTexts,
                                List<String> longTexts, int repeats, int cores) {
        EmbeddingModel peer = peerFactory.get();
        Map<String, OnnxTextEncoder> layouts = new LinkedHashMap<>();
        layouts.put("default: routed (alone as shipped above " + OnnxTextEncoder.ALONE_ABOVE_TOKENS + " tokens, else per-row batches of 64 rows/8k tokens), "
                + cores + " runs × 1 thread", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, cores, 1)));
        layouts.put("routed, 1 run × " + cores + " threads", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, 1, cores)));
        layouts.put("previous default: per-row for all, 64 rows/8k tokens, " + cores + " runs × 1 thread", OnnxTextEncoder.load(spec,
                new OnnxTextEncoder.Tuning(64, cores, 1).withQuantization(OnnxTextEncoder.Quantization.PER_ROW)));
        layouts.put("old default: per-tensor, 1 row, " + cores + " runs × 1 thread", OnnxTextEncoder.load(spec,
                new OnnxTextEncoder.Tuning(1, cores, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR)));
        if (spec == OnnxTextEncoder.BGE_SMALL) {
            layouts.put("bge-small-fp32, routed (fp32: one session), 64 rows/8k tokens, " + cores + " runs × 1 thread",
                    OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL_FP32, new OnnxTextEncoder.Tuning(64, cores, 1)));
        }
        try {
            for (List<String> set : List.of(shortTexts, longTexts)) {
                List<TextSegment> segments = set.stream().map(TextSegment::from).toList();
                long tokens = 0;
                OnnxTextEncoder first = layouts.values().iterator().next();
                for (String text : set) tokens += first.tokenCount(text);
                tokenizerTimes(spec, first, set);
                List<String> warm = set.subList(0, Math.min(20, set.size()));
                for (OnnxTextEncoder e : layouts.values()) seconds(e, warm);
                peer.embedAll(segments.subList(0, warm.size()));
                Map<String, Double> best = new LinkedHashMap<>();
                double bestPeer = Double.MAX_VALUE;
                for (int r = 0; r < repeats; r++) {
                    for (var layout : layouts.entrySet()) best.merge(layout.getKey(), seconds(layout.getValue(), set), Math::min);
                    long start = System.nanoTime();
                    peer.embedAll(segments);
                    bestPeer = Math.min(bestPeer, (System.nanoTime() - start) / 1e9);
                }
                String setName = set == shortTexts ? "short (emoji)" : "long (e-mails)";
                for (var layout : best.entrySet()) {
                    double s = layout.getValue();
                    System.out.printf("| %s | %s | %s | %.0f | %.0f | %.2f |%n", spec.id(), setName, layout.getKey(), set.size() / s,
                            tokens / s / cores, bestPeer / s);
                }
                System.out.printf("| %s | %s | langchain4j embedAll | %.0f | (its own tokenizer) | 1.00 |%n", spec.id(), setName, set.size() / bestPeer);
            }
        } finally {
            layouts.values().forEach(OnnxTextEncoder::close);
        }
    }

    /** The tokenizer alone: whole texts against safe prefixes (same ids, checked), best of 3. */
    private static void tokenizerTimes(OnnxTextEncoder.Spec spec, OnnxTextEncoder encoder, List<String> texts) {
        double whole = Double.MAX_VALUE, prefix = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long start = System.nanoTime();
            long[][] a = encoder.wholeTextIds(texts);
            whole = Math.min(whole, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            long[][] b = encoder.tokenIds(texts);
            prefix = Math.min(prefix, (System.nanoTime() - start) / 1e9);
            for (int i = 0; i < a.length; i++) {
                if (!java.util.Arrays.equals(a[i], b[i])) throw new IllegalStateException("prefix ids differ on text " + i);
            }
        }
        System.out.printf("tokenizer, %s, %d texts: whole texts %.3f s, safe prefixes %.3f s (ids identical)%n", spec.id(), texts.size(), whole, prefix);
    }

    private static double seconds(Encoder encoder, List<String> texts) {
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
