package dev.clusterby.internal.embed;

import dev.clusterby.TensorColumn;
import dev.clusterby.compute.FloatMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
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
 * fingerprint (computed elsewhere, in {@code EmbeddingKeys}; this class owns only the file format).
 *
 * <p>File layout, little-endian: the magic {@code CBEMB002}, int rows, int cols, int key length, int rows done,
 * int CRC32C of the float bytes of the rows done, the key's UTF-8 bytes, then rows×cols float32. A finished file has
 * every row done. An encoding in progress is written in chunks to {@code <key>.emb.part} through a {@link Checkpoint}
 * (never through a writable mapping, whose failure on a full disk is a SIGBUS): after each chunk the data is forced
 * to disk and then the header's rows-done and checksum are updated, so a killed run leaves a file whose first rows
 * done are good and a rerun resumes after them. Finishing renames the part file into place atomically.
 *
 * <p>A finished file is read through a private (copy-on-write) mapping, so it is never copied whole into memory. A
 * file that fails any check is logged once, deleted, and treated as a miss; cache trouble never fails the caller.
 */
public final class EmbeddingCache {
    private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());
    private static final byte[] MAGIC = "CBEMB002".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String SUFFIX = ".emb";
    private static final String PART = ".part";
    private static final int MAX_NAME = 200;
    private static final long DONE_OFFSET = MAGIC.length + 3L * Integer.BYTES;
    private static final int IO_CHUNK = 1 << 20;

    private final Path directory;

    /** A cache in this folder (created on the first write). */
    public EmbeddingCache(Path directory) {
        this.directory = directory;
    }

    /** The cache folder of {@link dev.clusterby.Settings#defaults()}. */
    public static Path defaultDirectory() {
        return dev.clusterby.Settings.defaults().cacheDir();
    }

    /** The folder the files live in. */
    public Path directory() {
        return directory;
    }

    /** Where the entry for key lives (whether or not it exists). */
    public Path fileFor(String key) {
        return directory.resolve(fileName(key));
    }

    /** Where an unfinished encoding of key keeps its checkpoint. */
    public Path partFileFor(String key) {
        return directory.resolve(fileName(key) + PART);
    }

    /** Fills {@code into} from the entry for key and returns true, or returns false on a miss or a bad entry. */
    public boolean load(String key, FloatMatrix into) {
        try (TensorColumn mapped = map(key, "cache", into.rows(), into.cols())) {
            if (mapped == null) return false;
            MemorySegment.copy(mapped.segment(), 0, into.data(), 0, into.byteSize());
            return true;
        }
    }

    /**
     * The entry for key as a tensor column backed by a private mapping of the file (nothing is copied; pages are
     * read on demand and may be modified in memory without touching the file), or null on a miss or a bad entry.
     * The caller closes the column (or hands it to a panel) to unmap it.
     */
    public TensorColumn map(String key, String name, int rows, int cols) {
        Path file = fileFor(key);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long header = headerSize(keyBytes.length);
        long expected = header + (long) rows * cols * Float.BYTES;
        String problem;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size < headerSize(0)) {
                problem = "truncated: " + size + " bytes, shorter than a header";
            } else {
                MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                problem = checkHeader(map, size, keyBytes, rows, cols);
                if (problem == null && size != expected) {
                    problem = "of the wrong length: " + size + " bytes where " + expected + " were expected";
                }
                if (problem == null && map.get(INT, DONE_OFFSET) != rows) problem = "unfinished (rows done "
                        + map.get(INT, DONE_OFFSET) + " of " + rows + ")";
                if (problem == null && crc(map.asSlice(header)) != map.get(INT, DONE_OFFSET + Integer.BYTES)) {
                    problem = "corrupt (checksum mismatch)";
                }
            }
            if (problem == null) {
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) return TensorColumn.map(name, file, header, rows, cols);
                TensorColumn copy = TensorColumn.allocate(name, rows, cols);
                MemorySegment.copy(channel.map(FileChannel.MapMode.READ_ONLY, header, expected - header, arena), FLOAT_LE, 0,
                        copy.segment(), FloatMatrix.FLOAT, 0, (long) rows * cols);
                return copy;
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            problem = "unreadable: " + e;
        }
        LOG.log(System.Logger.Level.WARNING, "embedding cache file " + file + " is " + problem + "; deleted, will re-encode");
        deleteQuietly(file);
        return null;
    }

    /** Why the header is not that of the entry wanted, or null when it is. */
    private static String checkHeader(MemorySegment map, long size, byte[] key, int rows, int cols) {
        byte[] magic = map.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) {
            return Arrays.equals(Arrays.copyOf(magic, 5), Arrays.copyOf(MAGIC, 5))
                    ? "of an older cache format" : "not a clusterby embedding file (bad magic)";
        }
        int storedRows = map.get(INT, MAGIC.length);
        int storedCols = map.get(INT, MAGIC.length + Integer.BYTES);
        int keyLength = map.get(INT, MAGIC.length + 2L * Integer.BYTES);
        if (storedRows != rows || storedCols != cols) {
            return "of shape " + storedRows + "x" + storedCols + " where " + rows + "x" + cols + " was wanted";
        }
        if (keyLength < 0 || size < headerSize(keyLength)) return "truncated: " + size + " bytes, shorter than its header";
        if (keyLength != key.length) return "for another key (key length " + keyLength + ")";
        byte[] stored = map.asSlice(headerSize(0), keyLength).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(stored, key)) return "for another key";
        int done = map.get(INT, DONE_OFFSET);
        if (done < 0 || done > rows) return "corrupt (rows done " + done + " of " + rows + ")";
        return null;
    }

    /** Writes the entry for key; an IO failure is logged once and otherwise ignored. */
    public void store(String key, FloatMatrix data) {
        Checkpoint checkpoint = new Checkpoint(key, data.rows(), data.cols(), false);
        checkpoint.append(data);
        checkpoint.finish();
    }

    /**
     * Starts or resumes the chunked writing of key's entry. With {@code resume}, a part file left by an earlier run
     * for the same key and shape is checked and its good rows kept ({@link Checkpoint#done()}); otherwise, or when
     * the part file is bad, writing starts at row 0.
     */
    public Checkpoint checkpoint(String key, int rows, int cols) {
        return new Checkpoint(key, rows, cols, true);
    }

    /**
     * An entry being written chunk by chunk, in row order. Every failure is logged once: the part file is then
     * deleted, later calls do nothing, and the caller carries on without the cache.
     */
    public final class Checkpoint implements AutoCloseable {
        private final String key;
        private final byte[] keyBytes;
        private final int rows, cols;
        private final long header;
        private final CRC32C crc = new CRC32C();
        private final Path part;
        private FileChannel channel;
        private int done;
        private boolean failed;

        private Checkpoint(String key, int rows, int cols, boolean resume) {
            this.key = key;
            this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
            this.rows = rows;
            this.cols = cols;
            this.header = headerSize(keyBytes.length);
            this.part = partFileFor(key);
            try {
                Files.createDirectories(directory);
                if (resume && Files.exists(part)) {
                    channel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    String problem = resumable();
                    if (problem != null) {
                        LOG.log(System.Logger.Level.WARNING, "embedding checkpoint " + part + " is " + problem + "; starting over");
                        channel.close();
                        channel = null;
                    }
                }
                if (channel == null) {
                    channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.READ, StandardOpenOption.WRITE);
                    ByteBuffer head = ByteBuffer.allocate((int) header).order(ByteOrder.LITTLE_ENDIAN);
                    head.put(MAGIC).putInt(rows).putInt(cols).putInt(keyBytes.length).putInt(0).putInt(0).put(keyBytes);
                    writeFully(head.flip(), 0);
                    done = 0;
                    crc.reset();
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        /** Why the existing part file cannot be resumed, or null; on success {@link #done} and the checksum are set. */
        private String resumable() throws IOException {
            long size = channel.size();
            if (size < header) return "shorter than its header";
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                String problem = checkHeader(map, size, keyBytes, rows, cols);
                if (problem != null) return problem;
                int stored = map.get(INT, DONE_OFFSET);
                long needed = header + (long) stored * cols * Float.BYTES;
                if (size < needed) return "truncated: " + size + " bytes for " + stored + " rows done";
                crc.reset();
                crc.update(map.asSlice(header, needed - header).asByteBuffer());
                if ((int) crc.getValue() != map.get(INT, DONE_OFFSET + Integer.BYTES)) {
                    crc.reset();
                    return "corrupt (checksum mismatch)";
                }
                done = stored;
                return null;
            }
        }

        /** Rows already on disk (a resumed checkpoint's good rows), always a prefix. */
        public int done() {
            return failed ? 0 : done;
        }

        /** False once a write failed; the entry will not be stored. */
        public boolean writable() {
            return !failed;
        }

        /** Copies the rows done into the first rows of {@code into}; false (and the checkpoint dropped) on failure. */
        public boolean readDone(FloatMatrix into) {
            if (failed) return false;
            try (Arena arena = Arena.ofConfined()) {
                long bytes = (long) done * cols * Float.BYTES;
                MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, header, Math.max(1, bytes), arena);
                MemorySegment.copy(map, FLOAT_LE, 0, into.data(), FloatMatrix.FLOAT, 0, (long) done * cols);
                return true;
            } catch (IOException | RuntimeException e) {
                fail(e);
                return false;
            }
        }

        /** Appends the next rows (rows done … done + chunk.rows() − 1), forces them to disk and records them done. */
        public void append(FloatMatrix chunk) {
            if (failed) return;
            if (chunk.cols() != cols || done + chunk.rows() > rows) {
                throw new IllegalArgumentException("chunk " + chunk.rows() + "x" + chunk.cols() + " after " + done + " of " + rows + "x" + cols);
            }
            try {
                ByteBuffer buffer = ByteBuffer.allocateDirect(IO_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                MemorySegment staging = MemorySegment.ofBuffer(buffer);
                long total = chunk.byteSize(), position = header + (long) done * cols * Float.BYTES;
                for (long offset = 0; offset < total; offset += IO_CHUNK) {
                    int bytes = (int) Math.min(IO_CHUNK, total - offset);
                    MemorySegment.copy(chunk.data(), FloatMatrix.FLOAT, offset, staging, FLOAT_LE, 0, bytes / Float.BYTES);
                    buffer.clear().limit(bytes);
                    crc.update(buffer);
                    buffer.clear().limit(bytes);
                    writeFully(buffer, position + offset);
                }
                channel.force(false);
                done += chunk.rows();
                ByteBuffer progress = ByteBuffer.allocate(2 * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                progress.putInt(done).putInt((int) crc.getValue());
                writeFully(progress.flip(), DONE_OFFSET);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        /** With every row done, moves the part file into place as the finished entry. */
        public void finish() {
            if (failed) return;
            if (done != rows) throw new IllegalStateException("finish after " + done + " of " + rows + " rows");
            try {
                channel.force(true);
                channel.close();
                Path file = fileFor(key);
                try {
                    Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        /** Closes the file, keeping an unfinished part file for the next run to resume. */
        @Override
        public void close() {
            if (channel == null) return;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot close " + part + ": " + e);
            }
        }

        private void writeFully(ByteBuffer buffer, long position) throws IOException {
            while (buffer.hasRemaining()) position += channel.write(buffer, position);
        }

        private void fail(Exception e) {
            if (failed) return;
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "cannot write embedding cache file " + fileFor(key) + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()) + "; continuing without it");
            close();
            deleteQuietly(part);
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
            if (size < headerSize(0)) return false;
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = map.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
            int storedRows = map.get(INT, MAGIC.length), cols = map.get(INT, MAGIC.length + Integer.BYTES);
            int keyLength = map.get(INT, MAGIC.length + 2L * Integer.BYTES);
            if (!Arrays.equals(magic, MAGIC) || storedRows != rows || cols != into.cols() || keyLength < 0) return false;
            long header = headerSize(keyLength);
            if (size != header + (long) rows * cols * Float.BYTES || map.get(INT, DONE_OFFSET) != rows) return false;
            if (crc(map.asSlice(header)) != map.get(INT, DONE_OFFSET + Integer.BYTES)) return false;
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

    private static int crc(MemorySegment data) {
        CRC32C crc = new CRC32C();
        for (long offset = 0; offset < data.byteSize(); offset += Integer.MAX_VALUE / 2) {
            crc.update(data.asSlice(offset, Math.min(Integer.MAX_VALUE / 2, data.byteSize() - offset)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private static long headerSize(int keyLength) {
        return MAGIC.length + 5L * Integer.BYTES + keyLength;
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
