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

    // ---- rows: the per-row index, so a column that shares rows with an earlier one encodes only the rest ----

    private static final byte[] ROWS_MAGIC = "CBROWS01".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of each row key (a truncated SHA-256 of the derivation and the row's content). */
    public static final int ROW_KEY_BYTES = 16;
    private static final String ROWS_SUFFIX = ".rows";
    /** The most row indexes read per lookup, newest first, so a lookup stays bounded in a big cache folder. */
    private static final int MAX_ROW_FILES = 64;

    /**
     * Writes the row keys of the entry for {@code key} (same row order), under a name that starts with a hash of the
     * derivation, so {@link #loadRows} finds the entries of one encoder setting by name. File layout, little-endian:
     * {@code CBROWS01}, int rows, rows×16 key bytes, CRC32C. Failures are logged and ignored.
     */
    public void storeRows(String key, String derivation, byte[] rowKeys) {
        Path file = directory.resolve(rowsPrefix(derivation) + fileName(key).replace(SUFFIX, ROWS_SUFFIX));
        int rows = rowKeys.length / ROW_KEY_BYTES;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(ROWS_MAGIC.length + Integer.BYTES + rowKeys.length + Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(ROWS_MAGIC).putInt(rows).put(rowKeys);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.write(temp, out.array());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write embedding row index " + file + ": " + e + "; continuing without it");
            if (temp != null) deleteQuietly(temp);
        }
    }

    /**
     * Fills the rows of {@code into} whose key (16 bytes each in {@code rowKeys}) is in an earlier entry of the same
     * derivation, and returns which rows it filled. Bad files are skipped; cache trouble never fails the caller.
     */
    public java.util.BitSet loadRows(String derivation, byte[] rowKeys, FloatMatrix into) {
        int n = rowKeys.length / ROW_KEY_BYTES;
        java.util.BitSet found = new java.util.BitSet(n);
        if (!Files.isDirectory(directory)) return found;
        java.util.Map<java.nio.ByteBuffer, Integer> wanted = new java.util.HashMap<>();
        for (int row = 0; row < n; row++) wanted.putIfAbsent(java.nio.ByteBuffer.wrap(rowKeys, row * ROW_KEY_BYTES, ROW_KEY_BYTES).slice(), row);
        String prefix = rowsPrefix(derivation);
        java.util.List<Path> files;
        try (var listing = Files.list(directory)) {
            files = listing.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(ROWS_SUFFIX))
                    .sorted(java.util.Comparator.comparing(EmbeddingCache::modified).reversed()).limit(MAX_ROW_FILES).toList();
        } catch (IOException e) {
            return found;
        }
        for (Path index : files) {
            if (found.cardinality() == n) break;
            byte[] keys = readRowIndex(index);
            if (keys == null) continue;
            int rows = keys.length / ROW_KEY_BYTES;
            int[] sourceOf = new int[n];
            java.util.Arrays.fill(sourceOf, -1);
            boolean any = false;
            for (int r = 0; r < rows; r++) {
                Integer row = wanted.get(java.nio.ByteBuffer.wrap(keys, r * ROW_KEY_BYTES, ROW_KEY_BYTES));
                if (row != null && !found.get(row)) {
                    sourceOf[row] = r;
                    any = true;
                }
            }
            if (!any) continue;
            String entryName = index.getFileName().toString().substring(prefix.length());
            Path entry = directory.resolve(entryName.substring(0, entryName.length() - ROWS_SUFFIX.length()) + SUFFIX);
            if (copyRows(entry, rows, into, sourceOf)) {
                for (int row = 0; row < n; row++) if (sourceOf[row] >= 0) found.set(row);
            }
        }
        // Duplicate rows of the column take the vector of their first occurrence.
        for (int row = 0; row < n; row++) {
            int first = wanted.get(java.nio.ByteBuffer.wrap(rowKeys, row * ROW_KEY_BYTES, ROW_KEY_BYTES).slice());
            if (first != row && found.get(first)) {
                MemorySegment.copy(into.data(), (long) first * into.cols() * Float.BYTES, into.data(),
                        (long) row * into.cols() * Float.BYTES, (long) into.cols() * Float.BYTES);
                found.set(row);
            }
        }
        return found;
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** The key bytes of a row index, or null (and the file deleted) when it fails a check. */
    private static byte[] readRowIndex(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < ROWS_MAGIC.length + 2 * Integer.BYTES
                    || !Arrays.equals(Arrays.copyOf(bytes, ROWS_MAGIC.length), ROWS_MAGIC)) throw new IOException("bad magic");
            int rows = in.getInt(ROWS_MAGIC.length);
            long expected = ROWS_MAGIC.length + Integer.BYTES + (long) rows * ROW_KEY_BYTES + Integer.BYTES;
            if (rows < 0 || bytes.length != expected) throw new IOException("wrong length");
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - Integer.BYTES);
            if ((int) crc.getValue() != in.getInt(bytes.length - Integer.BYTES)) throw new IOException("checksum mismatch");
            return Arrays.copyOfRange(bytes, ROWS_MAGIC.length + Integer.BYTES, bytes.length - Integer.BYTES);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "embedding row index " + file + " is unreadable (" + e.getMessage() + "); deleted");
            deleteQuietly(file);
            return null;
        }
    }

    /** Copies rows {@code sourceOf[row]} of the entry file (rows × into.cols()) into {@code into}; false when the entry fails a check. */
    private static boolean copyRows(Path entry, int rows, FloatMatrix into, int[] sourceOf) {
        try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size < MAGIC.length + 3L * Integer.BYTES) return false;
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = map.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
            int storedRows = map.get(INT, MAGIC.length), cols = map.get(INT, MAGIC.length + Integer.BYTES);
            int keyLength = map.get(INT, MAGIC.length + 2L * Integer.BYTES);
            if (!Arrays.equals(magic, MAGIC) || storedRows != rows || cols != into.cols() || keyLength < 0) return false;
            long header = headerSize(keyLength);
            if (size != header + (long) rows * cols * Float.BYTES + Integer.BYTES) return false;
            CRC32C crc = new CRC32C();
            crc.update(map.asSlice(0, size - Integer.BYTES).asByteBuffer());
            if ((int) crc.getValue() != map.get(INT, size - Integer.BYTES)) return false;
            long rowBytes = (long) cols * Float.BYTES;
            for (int row = 0; row < sourceOf.length; row++) {
                if (sourceOf[row] < 0) continue;
                MemorySegment.copy(map, FLOAT_LE, header + sourceOf[row] * rowBytes, into.data(), FloatMatrix.FLOAT, row * rowBytes, cols);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String rowsPrefix(String derivation) {
        return dev.clusterby.internal.Hashes.sha256Hex(derivation.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + "-";
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
