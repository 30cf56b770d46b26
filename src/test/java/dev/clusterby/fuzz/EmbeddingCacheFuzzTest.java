package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.embed.EmbeddingCache;

import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * The embedding cache file on arbitrary bytes: a load is a hit or a miss (a bad file is deleted), never an
 * exception, and a hit only for a file whose checksum holds. Seeds: a real entry of the key below (3×4).
 */
class EmbeddingCacheFuzzTest {
    static final String KEY = "fuzz-key";
    private static final EmbeddingCache CACHE = new EmbeddingCache(FuzzChecks.folder("clusterby-fuzz-cache"));

    @FuzzTest(maxDuration = "4s")
    void loadEntry(byte[] input) {
        FuzzChecks.file(CACHE.directory(), CACHE.fileFor(KEY).getFileName().toString(), input);
        FuzzChecks.check(input, () -> {
            try (Arena arena = Arena.ofConfined()) {
                FloatMatrix into = new FloatMatrix(arena.allocate(3 * 4 * Float.BYTES), 3, 4);
                CACHE.load(KEY, into);
            }
        });
    }
}
