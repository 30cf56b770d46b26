package dev.clusterby.internal.embed;

import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddingCacheTest {
    private static final String KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private final Arena arena = Arena.ofConfined();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger logger = Logger.getLogger(EmbeddingCache.class.getName());
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord record) { logged.add(record); }
        @Override public void flush() {}
        @Override public void close() {}
    };
    @TempDir Path dir;

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        arena.close();
    }

    private FloatMatrix matrix(int rows, int cols, float seed) {
        FloatMatrix m = new FloatMatrix(arena.allocate((long) rows * cols * Float.BYTES), rows, cols);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m.set(r, c, seed + r * 0.5f - c * 0.25f);
        return m;
    }

    private void assertRejectedOnce(EmbeddingCache cache, FloatMatrix into, String problem) {
        assertFalse(cache.load(KEY, into));
        assertFalse(Files.exists(cache.fileFor(KEY)), "the bad file is deleted");
        assertEquals(1, logged.size(), "one log line");
        assertEquals(Level.WARNING, logged.getFirst().getLevel());
        String message = logged.getFirst().getMessage();
        assertTrue(message.contains(cache.fileFor(KEY).toString()) && message.contains(problem), message);
    }

    @Test
    void roundTrip() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir.resolve("nested"));
        FloatMatrix data = matrix(37, 384, 1.5f);
        assertFalse(cache.load(KEY, matrix(37, 384, 0)), "a miss");
        cache.store(KEY, data);
        FloatMatrix into = matrix(37, 384, 0);
        assertTrue(cache.load(KEY, into));
        assertArrayEquals(data.toArray(), into.toArray());
        assertEquals(KEY + ".emb", cache.fileFor(KEY).getFileName().toString());
        try (var files = Files.list(dir.resolve("nested"))) {
            assertEquals(List.of(cache.fileFor(KEY)), files.toList(), "no temporary files left behind");
        }
        assertTrue(logged.isEmpty());
    }

    @Test
    void aTruncatedFileIsDetectedLoggedAndDeleted() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.store(KEY, matrix(10, 16, 2));
        Path file = cache.fileFor(KEY);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertRejectedOnce(cache, matrix(10, 16, 0), "wrong length");
    }

    @Test
    void aFlippedByteIsDetectedLoggedAndDeleted() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.store(KEY, matrix(10, 16, 2));
        Path file = cache.fileFor(KEY);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        assertRejectedOnce(cache, matrix(10, 16, 0), "checksum");
    }

    @Test
    void aShapeMismatchIsAMiss() {
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.store(KEY, matrix(10, 16, 2));
        assertRejectedOnce(cache, matrix(10, 8, 0), "shape 10x16");
    }

    @Test
    void anotherKeysFileIsNotServed() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.store("other", matrix(4, 4, 2));
        Files.move(cache.fileFor("other"), cache.fileFor(KEY));
        assertRejectedOnce(cache, matrix(4, 4, 0), "another key");
    }

    @Test
    void odditiesInKeysBecomeSafeDistinctFileNames() {
        String a = EmbeddingCache.fileName("../etc/passwd");
        String b = EmbeddingCache.fileName("__etc_passwd");
        assertFalse(a.contains("/"), a);
        assertNotEquals(a, b);
        assertTrue(EmbeddingCache.fileName("x".repeat(500)).length() <= 204);
    }

    @Test
    void aFailedStoreIsLoggedNotThrown() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        new EmbeddingCache(notADirectory).store(KEY, matrix(2, 2, 1));
        assertEquals(1, logged.size());
        assertTrue(logged.getFirst().getMessage().contains("cannot write embedding cache file"), logged.getFirst().getMessage());
    }

    @Test
    void theDefaultDirectoryFollowsTheSystemProperty() {
        String before = System.getProperty("clusterby.cacheDir");
        try {
            System.setProperty("clusterby.cacheDir", dir.toString());
            assertEquals(dir, EmbeddingCache.defaultDirectory());
        } finally {
            if (before == null) System.clearProperty("clusterby.cacheDir");
            else System.setProperty("clusterby.cacheDir", before);
        }
    }
}
