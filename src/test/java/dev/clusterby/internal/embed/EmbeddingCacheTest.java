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

    private FloatMatrix rows(FloatMatrix m, int from, int count) {
        return new FloatMatrix(m.data().asSlice((long) from * m.cols() * Float.BYTES, (long) count * m.cols() * Float.BYTES), count, m.cols());
    }

    @Test
    void anInterruptedCheckpointResumesAfterItsLastChunk() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        FloatMatrix data = matrix(30, 8, 3);
        try (EmbeddingCache.Checkpoint first = cache.checkpoint(KEY, 30, 8)) {
            assertEquals(0, first.done());
            first.append(rows(data, 0, 10));
            first.append(rows(data, 10, 10));
        } // closed without finish: a killed run
        assertFalse(Files.exists(cache.fileFor(KEY)), "no finished entry yet");
        assertTrue(Files.exists(cache.partFileFor(KEY)));
        try (EmbeddingCache.Checkpoint again = cache.checkpoint(KEY, 30, 8)) {
            assertEquals(20, again.done());
            FloatMatrix into = matrix(30, 8, 0);
            assertTrue(again.readDone(into));
            assertArrayEquals(rows(data, 0, 20).toArray(), rows(into, 0, 20).toArray());
            again.append(rows(data, 20, 10));
            again.finish();
        }
        FloatMatrix loaded = matrix(30, 8, 0);
        assertTrue(cache.load(KEY, loaded));
        assertArrayEquals(data.toArray(), loaded.toArray());
        assertFalse(Files.exists(cache.partFileFor(KEY)), "the part file became the entry");
        assertTrue(logged.isEmpty(), logged.toString());
    }

    @Test
    void aCorruptCheckpointStartsOverWithOneWarning() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        try (EmbeddingCache.Checkpoint first = cache.checkpoint(KEY, 30, 8)) {
            first.append(rows(matrix(30, 8, 3), 0, 10));
        }
        byte[] bytes = Files.readAllBytes(cache.partFileFor(KEY));
        bytes[bytes.length - 7] ^= 0x40;
        Files.write(cache.partFileFor(KEY), bytes);
        try (EmbeddingCache.Checkpoint again = cache.checkpoint(KEY, 30, 8)) {
            assertEquals(0, again.done());
        }
        assertEquals(1, logged.size());
        assertTrue(logged.getFirst().getMessage().contains("checksum"), logged.getFirst().getMessage());
        // Another shape or key is never resumed.
        try (EmbeddingCache.Checkpoint other = cache.checkpoint(KEY, 31, 8)) {
            assertEquals(0, other.done());
        }
    }

    @Test
    void aMappedEntryIsNotCopied() {
        EmbeddingCache cache = new EmbeddingCache(dir);
        FloatMatrix data = matrix(12, 4, 1);
        cache.store(KEY, data);
        try (dev.clusterby.TensorColumn mapped = cache.map(KEY, "t", 12, 4)) {
            assertTrue(mapped.segment().isMapped(), "backed by the file");
            assertArrayEquals(data.toArray(), mapped.matrix().toArray());
        }
    }

    /** A full disk: the part file is /dev/full, where every write fails with ENOSPC (no SIGBUS: nothing is mapped for writing). */
    @Test
    void aFullDiskIsOneWarningNoThrowAndNoFileLeft() throws IOException {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
        EmbeddingCache cache = new EmbeddingCache(dir);
        Files.createSymbolicLink(cache.partFileFor(KEY), full);
        FloatMatrix data = matrix(4000, 64, 1);
        cache.store(KEY, data);
        assertEquals(1, logged.size(), "warned once: " + logged);
        String message = logged.getFirst().getMessage();
        assertTrue(message.contains("cannot write embedding cache file") && message.contains("No space left"), message);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing left behind");
        }
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
