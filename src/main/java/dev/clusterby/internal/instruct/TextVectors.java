package dev.clusterby.internal.instruct;


import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Embeddings of short texts (instructions, prompts, candidate phrases): in memory per encoder version and text, and,
 * for a whole list, on disk through {@link EmbeddingCache} keyed by the list's content. Repeated instructions cost
 * no encoder call.
 */
final class TextVectors {
    private static final int MEMORY_ENTRIES = 50_000;
    private static final Map<String, float[]> MEMORY = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > MEMORY_ENTRIES;
        }
    };

    private TextVectors() {}

    /** One text's vector. */
    static float[] embed(Encoder encoder, String text) {
        try (Arena arena = Arena.ofShared()) {
            return embed(encoder, List.of(text), null, arena).toArray();
        }
    }

    /**
     * The texts' vectors as rows of a matrix in {@code arena}. Misses in memory are looked up on disk as a list
     * (when {@code disk} is given), else encoded; only the missing texts reach the encoder.
     */
    static FloatMatrix embed(Encoder encoder, List<String> texts, EmbeddingCache disk, Arena arena) {
        int d = encoder.dimension();
        FloatMatrix out = Segments.matrix(arena, texts.size(), d);
        String version = encoder.id() + "@" + encoder.version();
        List<Integer> missing = new ArrayList<>();
        synchronized (MEMORY) {
            for (int i = 0; i < texts.size(); i++) {
                float[] hit = MEMORY.get(memoryKey(version, texts.get(i)));
                if (hit != null) MemorySegment.copy(hit, 0, out.row(i), FloatMatrix.FLOAT, 0, d);
                else missing.add(i);
            }
        }
        if (missing.isEmpty()) return out;
        String diskKey = disk == null ? null : listKey(version, texts);
        if (disk != null && disk.load(diskKey, out)) {
            remember(version, texts, out, IntStream.range(0, texts.size()).boxed().toList());
            return out;
        }
        List<String> toEncode = missing.stream().map(texts::get).toList();
        FloatMatrix encoded = Segments.matrix(arena, toEncode.size(), d);
        encoder.encodeTexts(toEncode, encoded, Encoder.ProgressListener.NONE);
        for (int k = 0; k < missing.size(); k++) {
            MemorySegment.copy(encoded.row(k), 0, out.row(missing.get(k)), 0, (long) d * Float.BYTES);
        }
        remember(version, texts, out, missing);
        if (disk != null) disk.store(diskKey, out);
        return out;
    }

    private static void remember(String version, List<String> texts, FloatMatrix vectors, List<Integer> rows) {
        synchronized (MEMORY) {
            for (int i : rows) MEMORY.put(memoryKey(version, texts.get(i)), vectors.row(i).toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    private static String memoryKey(String version, String text) {
        return version + '\u0000' + text;
    }

    /** SHA-256 over the encoder version and every text, length-prefixed. */
    static String listKey(String version, List<String> texts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(("texts|" + version).getBytes(StandardCharsets.UTF_8));
            for (String text : texts) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets the in-memory vectors; for tests. */
    static void clearMemory() {
        synchronized (MEMORY) {
            MEMORY.clear();
        }
    }
}
