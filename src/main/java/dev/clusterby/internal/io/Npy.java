package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.compute.FloatMatrix;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0), read and written without NumPy.
 *
 * <p>Reading: an array of 2 or more dimensions becomes a panel with one tensor column {@code tensor}
 * (n × the product of the other dimensions, as float32); a 1-D integer array an int column {@code label};
 * a 1-D float array a float column {@code value}. Float (f4, f8) and integer (i1–i8, u1–u8, b1) types are
 * read in either byte order.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT_LE = FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);
    // Data moves through a heap buffer of this size, so no array is ever boxed or held whole on the heap twice.
    private static final int CHUNK_BYTES = 1 << 20;

    /** An element type from a header's 'descr', such as {@code <f4} or {@code |u1}. */
    private record Dtype(char kind, int size, ByteOrder order, String descr) {
        boolean isFloat() { return kind == 'f'; }
    }

    private record Header(Dtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {
        long elements() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        String shapeText() {
            StringBuilder out = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) out.append(i > 0 ? ", " : "").append(shape[i]);
            return out.append(shape.length == 1 ? ",)" : ")").toString();
        }
    }

    /** Reads a .npy file; a corrupt, truncated or unsupported file is a {@link ClusterbyException.BadFile} naming it. */
    public static DataPanel read(Path path) {
        try (FileChannel channel = FileChannel.open(path)) {
            Header header = readHeader(channel, path);
            long elements;
            try {
                elements = header.elements();
            } catch (ArithmeticException e) {
                throw bad(path, "shape " + header.shapeText() + " is too large");
            }
            long expected = elements * header.dtype.size;
            long actual = channel.size() - header.dataOffset;
            if (actual != expected) {
                throw bad(path, (actual < expected ? "truncated: " : "size mismatch: ") + "shape " + header.shapeText()
                        + " of " + header.dtype.descr + " needs " + expected + " bytes of data, the file has " + actual);
            }
            channel.position(header.dataOffset);
            return switch (header.shape.length) {
                case 0 -> throw bad(path, "a 0-d (scalar) array cannot be a table; expected 1-D or 2-D");
                case 1 -> DataPanel.of(header.dtype.isFloat()
                        ? DoubleColumn.wrap("value", readDoubles(channel, header.dtype, (int) checkedRows(path, elements)), null)
                        : IntColumn.wrap("label", readLongs(channel, header.dtype, (int) checkedRows(path, elements), path), null));
                default -> DataPanel.of(readTensor(channel, header, path));
            };
        } catch (EOFException e) {
            throw bad(path, "truncated file");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ClusterbyException.BadFile("file not found: " + path, e);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** Writes a matrix as a 2-D little-endian float32 array ({@code <f4}). */
    public static void write(Path path, FloatMatrix matrix) {
        AtomicFiles.write(path, out -> {
            out.write(header("<f4", new long[] {matrix.rows(), matrix.cols()}));
            writeFloatRows(out, matrix, new BitSet());
        });
    }

    /** Writes integers as a 1-D little-endian int64 array ({@code <i8}), for example cluster labels. */
    public static void writeInts(Path path, long[] values) {
        AtomicFiles.write(path, out -> {
            out.write(header("<i8", new long[] {values.length}));
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < values.length; start += CHUNK_BYTES / Long.BYTES) {
                int count = Math.min(CHUNK_BYTES / Long.BYTES, values.length - start);
                chunk.clear();
                chunk.asLongBuffer().put(values, start, count);
                out.write(chunk.array(), 0, count * Long.BYTES);
            }
        });
    }

    /** Writes an int column as {@code <i8}; it must have no missing values, which int64 cannot hold. */
    public static void writeInts(Path path, IntColumn column) {
        int missing = column.firstMissing();
        if (missing >= 0) {
            throw new ClusterbyException.InvalidData("cannot write " + path + ": column '" + column.name() + "' row "
                    + missing + " is missing, and a .npy int64 array cannot hold missing values");
        }
        writeInts(path, column.toLongArray());
    }

    /** A tensor column as {@code <f4}; missing rows are written as NaN. */
    public static void writeTensor(Path path, TensorColumn column) {
        BitSet missing = new BitSet();
        for (int r = 0; r < column.size(); r++) if (column.isMissing(r)) missing.set(r);
        AtomicFiles.write(path, out -> {
            out.write(header("<f4", new long[] {column.size(), column.dim()}));
            writeFloatRows(out, column.matrix(), missing);
        });
    }

    /** A float column as 1-D {@code <f8}; missing values are written as NaN. */
    static void writeDoubles(Path path, DoubleColumn column) {
        double[] values = column.toDoubleArray();
        for (int r = 0; r < values.length; r++) if (column.isMissing(r)) values[r] = Double.NaN;
        AtomicFiles.write(path, out -> {
            out.write(header("<f8", new long[] {values.length}));
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < values.length; start += CHUNK_BYTES / Double.BYTES) {
                int count = Math.min(CHUNK_BYTES / Double.BYTES, values.length - start);
                chunk.clear();
                chunk.asDoubleBuffer().put(values, start, count);
                out.write(chunk.array(), 0, count * Double.BYTES);
            }
        });
    }

    // ---- header ----

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private static Header readHeader(FileChannel channel, Path path) throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(8);
        if (!readFully(channel, preamble)) throw bad(path, "not a .npy file (shorter than the header)");
        for (int i = 0; i < MAGIC.length; i++) {
            if (preamble.get(i) != MAGIC[i]) throw bad(path, "not a .npy file (bad magic; expected \\x93NUMPY)");
        }
        int major = preamble.get(6) & 0xFF, minor = preamble.get(7) & 0xFF;
        if (major < 1 || major > 3) throw bad(path, "unsupported .npy format version " + major + "." + minor);
        // Version 1.0 stores the header length in 2 bytes; 2.0 and 3.0 in 4 bytes. 3.0 allows UTF-8 in the header.
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (!readFully(channel, length)) throw bad(path, "truncated header");
        long headerLength = major == 1 ? length.getShort(0) & 0xFFFF : length.getInt(0) & 0xFFFFFFFFL;
        if (headerLength > 1 << 20) throw bad(path, "header length " + headerLength + " is implausible; the file is corrupt");
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        if (!readFully(channel, text)) throw bad(path, "truncated header (expected " + headerLength + " bytes)");
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (!dict.startsWith("{") || !dict.endsWith("}")) throw bad(path, "header is not a dictionary: " + abbreviate(dict));

        Matcher descr = DESCR.matcher(dict), fortran = FORTRAN.matcher(dict), shape = SHAPE.matcher(dict);
        if (!descr.find()) {
            if (dict.matches("(?s).*['\"]descr['\"]\\s*:\\s*\\[.*")) throw bad(path, "structured (record) arrays are not supported");
            throw bad(path, "header has no 'descr': " + abbreviate(dict));
        }
        if (!fortran.find()) throw bad(path, "header has no 'fortran_order': " + abbreviate(dict));
        if (!shape.find()) throw bad(path, "header has no 'shape': " + abbreviate(dict));
        return new Header(dtype(descr.group(1), path), fortran.group(1).equals("True"), shape(shape.group(1), path),
                channel.position());
    }

    private static Dtype dtype(String descr, Path path) {
        if (descr.length() < 3) throw bad(path, "unsupported dtype '" + descr + "'");
        ByteOrder order = switch (descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> throw bad(path, "unsupported dtype '" + descr + "'");
        };
        char kind = descr.charAt(1);
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw bad(path, "unsupported dtype '" + descr + "'");
        }
        boolean supported = switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            default -> false;
        };
        if (!supported) {
            throw bad(path, "unsupported dtype '" + descr + "'" + (kind == 'O' ? " (pickled Python objects)" : "")
                    + "; supported: float32/64 (f4, f8), int8–64 (i1–i8), uint8–64 (u1–u8), bool (b1)");
        }
        return new Dtype(kind, size, order, descr);
    }

    private static long[] shape(String text, Path path) {
        String[] parts = text.split(",");
        int count = 0;
        long[] dims = new long[parts.length];
        for (String part : parts) {
            String dim = part.strip();
            if (dim.endsWith("L")) dim = dim.substring(0, dim.length() - 1); // Python 2 wrote longs as 3L
            if (dim.isEmpty()) continue;
            try {
                dims[count] = Long.parseLong(dim);
            } catch (NumberFormatException e) {
                throw bad(path, "bad shape (" + text + ")");
            }
            if (dims[count] < 0) throw bad(path, "bad shape (" + text + ")");
            count++;
        }
        return java.util.Arrays.copyOf(dims, count);
    }

    /** The header NumPy itself writes: a dict padded with spaces and a newline to a multiple of 64 bytes. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) dims.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) dims.append(',');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        boolean v1 = dict.length() + 11 <= 0xFFFF;
        int preamble = v1 ? 10 : 12;
        int padded = (preamble + dict.length() + 1 + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - preamble - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) out.putShort((short) text.length());
        else out.putInt(text.length());
        out.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    // ---- data ----

    private static TensorColumn readTensor(FileChannel channel, Header header, Path path) throws IOException {
        long[] shape = header.shape;
        long rows = shape[0], dim = 1;
        for (int i = 1; i < shape.length; i++) dim *= shape[i];
        if (rows > Integer.MAX_VALUE || dim > Integer.MAX_VALUE) throw bad(path, "shape " + header.shapeText() + " is too large");
        if (dim == 0) throw bad(path, "shape " + header.shapeText() + " has rows of 0 values");
        if (header.fortranOrder && shape.length > 2) {
            throw bad(path, "Fortran-ordered arrays of more than 2 dimensions are not supported; save with np.ascontiguousarray");
        }
        TensorColumn tensor = TensorColumn.allocate("tensor", (int) rows, (int) dim);
        try {
            if (!header.fortranOrder) {
                readFloats(channel, header.dtype, rows * dim, tensor.segment());
            } else {
                // Column-major on disk: read as the d×n transpose, then transpose into place.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment columnMajor = arena.allocate(rows * dim * Float.BYTES, 64);
                    readFloats(channel, header.dtype, rows * dim, columnMajor);
                    MemorySegment target = tensor.segment();
                    for (long c = 0; c < dim; c++) {
                        for (long r = 0; r < rows; r++) {
                            target.setAtIndex(FLOAT, r * dim + c, columnMajor.getAtIndex(FLOAT, c * rows + r));
                        }
                    }
                }
            }
            return tensor;
        } catch (IOException | RuntimeException e) {
            tensor.close();
            throw e;
        }
    }

    /** Reads {@code count} elements of any supported type into a segment as native float32. */
    private static void readFloats(FileChannel channel, Dtype dtype, long count, MemorySegment target) throws IOException {
        ValueLayout.OfFloat source = FLOAT.withOrder(dtype.order);
        int perChunk = CHUNK_BYTES / dtype.size;
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * dtype.size).order(dtype.order);
        float[] scratch = dtype.kind == 'f' && dtype.size == 4 ? null : new float[perChunk];
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(perChunk, count - done);
            chunk.clear().limit(n * dtype.size);
            if (!readFully(channel, chunk)) throw new EOFException();
            if (scratch == null) {
                // float32 is copied straight into the segment, swapping bytes only if the file's order differs.
                MemorySegment.copy(MemorySegment.ofArray(chunk.array()), source, 0, target, FLOAT, done * Float.BYTES, n);
            } else {
                chunk.flip();
                toFloats(chunk, dtype, n, scratch);
                MemorySegment.copy(scratch, 0, target, FLOAT, done * Float.BYTES, n);
            }
            done += n;
        }
    }

    private static void toFloats(ByteBuffer chunk, Dtype dtype, int n, float[] out) {
        switch (dtype.kind) {
            case 'f' -> {
                for (int i = 0; i < n; i++) out[i] = (float) chunk.getDouble(i * 8);
            }
            case 'u', 'b' -> {
                for (int i = 0; i < n; i++) out[i] = unsigned(chunk, dtype.size, i);
            }
            default -> {
                for (int i = 0; i < n; i++) out[i] = signed(chunk, dtype.size, i);
            }
        }
    }

    private static double[] readDoubles(FileChannel channel, Dtype dtype, int count) throws IOException {
        double[] out = new double[count];
        int perChunk = CHUNK_BYTES / dtype.size;
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * dtype.size).order(dtype.order);
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            chunk.clear().limit(n * dtype.size);
            if (!readFully(channel, chunk)) throw new EOFException();
            chunk.flip();
            if (dtype.size == 8) chunk.asDoubleBuffer().get(out, done, n);
            else for (int i = 0; i < n; i++) out[done + i] = chunk.getFloat(i * 4);
            done += n;
        }
        return out;
    }

    private static long[] readLongs(FileChannel channel, Dtype dtype, int count, Path path) throws IOException {
        long[] out = new long[count];
        int perChunk = CHUNK_BYTES / dtype.size;
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * dtype.size).order(dtype.order);
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            chunk.clear().limit(n * dtype.size);
            if (!readFully(channel, chunk)) throw new EOFException();
            chunk.flip();
            if (dtype.kind == 'i' && dtype.size == 8) {
                chunk.asLongBuffer().get(out, done, n);
            } else {
                for (int i = 0; i < n; i++) {
                    long v = dtype.kind == 'i' ? signed(chunk, dtype.size, i) : unsigned(chunk, dtype.size, i);
                    // uint64 above 2^63 would wrap to a negative int64.
                    if (dtype.size == 8 && v < 0) throw bad(path, "element " + (done + i) + " does not fit in int64");
                    out[done + i] = v;
                }
            }
            done += n;
        }
        return out;
    }

    private static long signed(ByteBuffer buffer, int size, int index) {
        return switch (size) {
            case 1 -> buffer.get(index);
            case 2 -> buffer.getShort(index * 2);
            case 4 -> buffer.getInt(index * 4);
            default -> buffer.getLong(index * 8);
        };
    }

    private static long unsigned(ByteBuffer buffer, int size, int index) {
        return switch (size) {
            case 1 -> buffer.get(index) & 0xFFL;
            case 2 -> buffer.getShort(index * 2) & 0xFFFFL;
            case 4 -> buffer.getInt(index * 4) & 0xFFFFFFFFL;
            default -> buffer.getLong(index * 8);
        };
    }

    private static void writeFloatRows(OutputStream out, FloatMatrix matrix, BitSet missingRows) throws IOException {
        int cols = matrix.cols();
        long rowBytes = (long) cols * Float.BYTES;
        int rowsPerChunk = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        byte[] chunk = new byte[Math.toIntExact(rowsPerChunk * rowBytes)];
        MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
        for (int start = 0; start < matrix.rows(); start += rowsPerChunk) {
            int n = Math.min(rowsPerChunk, matrix.rows() - start);
            // One bulk copy per chunk; it swaps bytes only on a big-endian machine.
            MemorySegment.copy(matrix.data(), FLOAT, start * rowBytes, chunkSegment, FLOAT_LE, 0, (long) n * cols);
            for (int r = missingRows.nextSetBit(start); r >= 0 && r < start + n; r = missingRows.nextSetBit(r + 1)) {
                for (int c = 0; c < cols; c++) chunkSegment.setAtIndex(FLOAT_LE, (long) (r - start) * cols + c, Float.NaN);
            }
            out.write(chunk, 0, (int) (n * rowBytes));
        }
    }

    // ---- helpers ----

    private static long checkedRows(Path path, long elements) {
        if (elements > Integer.MAX_VALUE - 8) throw bad(path, elements + " elements are too many for one column");
        return elements;
    }

    private static boolean readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) return false;
        }
        return true;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    private static ClusterbyException.BadFile bad(Path path, String problem) {
        return new ClusterbyException.BadFile(path + ": " + problem);
    }
}
