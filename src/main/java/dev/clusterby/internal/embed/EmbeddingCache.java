package dev.clusterby.internal.embed;

import dev.clusterby.compute.FloatMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Content-addressed embeddings on disk: one file {@code <key>.emb} per key, where the key is the caller's
 * fingerprint (hex SHA-256 of what was embedded and how).
 *
 * <p>File layout, little-endian: the magic {@code CBEMB001}, int rows, int cols, int key length, the key's UTF-8
 * bytes, rows×cols float32, then the CRC32C of everything before it. Writes go to a temporary file in the same
 * directory and are moved into place atomically, so readers never see half a file. A file that fails any check is
 * logged once, deleted, and treated as a miss; cache trouble never fails the caller.
 */
public final class EmbeddingCache {
    private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());
    private static final byte[] MAGIC = "CBEMB001".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String SUFFIX = ".emb";
    private static final int MAX_NAME = 200;

    private final Path directory;

    public EmbeddingCache(Path directory) {
        this.directory = directory;
    }

    /** The cache folder of {@link dev.clusterby.Settings#defaults()}. */
    public static Path defaultDirectory() {
        return dev.clusterby.Settings.defaults().cacheDir();
    }

    public Path directory() {
        return directory;
    }

    /** Where the entry for key lives (whether or not it exists). */
    public Path fileFor(String key) {
        return directory.resolve(fileName(key));
    }

    /** Fills {@code into} from the entry for key and returns true, or returns false on a miss or a bad entry. */
    public boolean load(String key, FloatMatrix into) {
        Path file = fileFor(key);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long header = headerSize(keyBytes.length);
        long expected = header + into.byteSize() + Integer.BYTES;
        String problem;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size < MAGIC.length + 3L * Integer.BYTES) {
                problem = "truncated: " + size + " bytes, shorter than a header";
            } else {
                MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                problem = check(map, size, keyBytes, into, expected);
                if (problem == null) {
                    MemorySegment.copy(map, FLOAT_LE, header, into.data(), FloatMatrix.FLOAT, 0, (long) into.rows() * into.cols());
                    return true;
                }
            }
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            problem = "unreadable: " + e;
        }
        LOG.log(System.Logger.Level.WARNING, "embedding cache file " + file + " is " + problem + "; deleted, will re-encode");
        deleteQuietly(file);
        return false;
    }

    /** Why the mapped file is not the entry wanted, or null when it is. */
    private static String check(MemorySegment map, long size, byte[] key, FloatMatrix into, long expected) {
        byte[] magic = map.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) return "not a clusterby embedding file (bad magic)";
        int rows = map.get(INT, MAGIC.length);
        int cols = map.get(INT, MAGIC.length + Integer.BYTES);
        int keyLength = map.get(INT, MAGIC.length + 2L * Integer.BYTES);
        if (rows != into.rows() || cols != into.cols()) {
            return "of shape " + rows + "x" + cols + " where " + into.rows() + "x" + into.cols() + " was wanted";
        }
        if (keyLength < 0 || size < headerSize(keyLength)) return "truncated: " + size + " bytes, shorter than its header";
        if (keyLength != key.length) return "for another key (key length " + keyLength + ")";
        byte[] stored = map.asSlice(headerSize(0), keyLength).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(stored, key)) return "for another key";
        if (size != expected) return "of the wrong length: " + size + " bytes where " + expected + " were expected";
        CRC32C crc = new CRC32C();
        crc.update(map.asSlice(0, size - Integer.BYTES).asByteBuffer());
        int storedCrc = map.get(INT, size - Integer.BYTES);
        if ((int) crc.getValue() != storedCrc) return "corrupt (checksum mismatch)";
        return null;
    }

    /** Writes the entry for key; an IO failure is logged once and otherwise ignored. */
    public void store(String key, FloatMatrix data) {
        Path file = fileFor(key);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long header = headerSize(keyBytes.length);
        long size = header + data.byteSize() + Integer.BYTES;
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
                MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, map, 0, MAGIC.length);
                map.set(INT, MAGIC.length, data.rows());
                map.set(INT, MAGIC.length + Integer.BYTES, data.cols());
                map.set(INT, MAGIC.length + 2L * Integer.BYTES, keyBytes.length);
                MemorySegment.copy(MemorySegment.ofArray(keyBytes), 0, map, headerSize(0), keyBytes.length);
                MemorySegment.copy(data.data(), FloatMatrix.FLOAT, 0, map, FLOAT_LE, header, (long) data.rows() * data.cols());
                CRC32C crc = new CRC32C();
                crc.update(map.asSlice(0, size - Integer.BYTES).asByteBuffer());
                map.set(INT, size - Integer.BYTES, (int) crc.getValue());
                map.force();
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write embedding cache file " + file + ": " + e + "; continuing without it");
            if (temp != null) deleteQuietly(temp);
        }
    }

    private static long headerSize(int keyLength) {
        return MAGIC.length + 3L * Integer.BYTES + keyLength;
    }

    /** The key itself when it is a safe file name (hex fingerprints are); otherwise a sanitised, hashed form. */
    static String fileName(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("embedding cache key is empty");
        StringBuilder name = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            name.append(safe ? c : '_');
        }
        boolean changed = !name.toString().equals(key);
        if (changed || name.length() > MAX_NAME) {
            // Two keys that sanitise alike must still get different files.
            String hash = dev.clusterby.internal.Hashes.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
            if (name.length() > MAX_NAME - 17) name.setLength(MAX_NAME - 17);
            name.append('-').append(hash);
        }
        return name + SUFFIX;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete " + file + ": " + e);
        }
    }
}
