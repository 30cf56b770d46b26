package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import dev.clusterby.IntColumn;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed (recognised by its magic bytes,
 * whatever the name). An image file (unsigned bytes, 3 dimensions) becomes an image column {@code image} whose
 * rows share the file's one pixel buffer; a label file (unsigned bytes, 1 dimension) an int column {@code label}.
 */
public final class Idx {
    private Idx() {}

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int UNSIGNED_BYTE = 0x08;

    /**
     * Reads an image or label file. For an image file with a label file beside it under the conventional
     * name ({@code train-images-idx3-ubyte.gz} and {@code train-labels-idx1-ubyte.gz}), the labels are attached.
     */
    public static DataPanel read(Path path) {
        byte[] data = load(path);
        int magic = magic(data, path);
        if (magic == LABELS_MAGIC) return DataPanel.of(labels(data, path));
        ImageColumn images = images(data, path);
        Path labelsFile = siblingLabels(path);
        if (labelsFile == null) return DataPanel.of(images);
        return DataPanel.of(images, labelsFor(images, path, labelsFile));
    }

    /** Reads an image file and its label file into a panel with {@code image} and {@code label} columns. */
    public static DataPanel readImagesWithLabels(Path images, Path labels) {
        byte[] data = load(images);
        if (magic(data, images) != IMAGES_MAGIC) throw bad(images, "not an IDX image file (magic 0x00000803)");
        ImageColumn imageColumn = images(data, images);
        return DataPanel.of(imageColumn, labelsFor(imageColumn, images, labels));
    }

    private static IntColumn labelsFor(ImageColumn images, Path imagesFile, Path labelsFile) {
        byte[] data = load(labelsFile);
        if (magic(data, labelsFile) != LABELS_MAGIC) throw bad(labelsFile, "not an IDX label file (magic 0x00000801)");
        IntColumn labels = labels(data, labelsFile);
        if (labels.size() != images.size()) {
            throw new ClusterbyException.BadFile(labelsFile + " has " + labels.size() + " labels, but " + imagesFile
                    + " has " + images.size() + " images");
        }
        return labels;
    }

    /** True if the bytes start like an IDX file this reader takes (so that callers can sniff content). */
    static boolean looksLikeIdx(byte[] head) {
        return head.length >= 4 && head[0] == 0 && head[1] == 0 && head[3] >= 1 && head[3] <= 4
                && (head[2] == 0x08 || head[2] == 0x09 || (head[2] >= 0x0B && head[2] <= 0x0E));
    }

    private static ImageColumn images(byte[] data, Path path) {
        ByteBuffer header = ByteBuffer.wrap(data); // IDX is big-endian, as ByteBuffer is by default
        if (data.length < 16) throw bad(path, "truncated IDX header");
        int count = header.getInt(4), height = header.getInt(8), width = header.getInt(12);
        if (count < 0 || height <= 0 || width <= 0) throw bad(path, "bad IDX dimensions " + count + "×" + height + "×" + width);
        long expected = 16 + (long) count * height * width;
        checkLength(path, data, expected, count + " images of " + height + "×" + width);
        String name = path.getFileName().toString();
        List<ImageColumn.Source> sources = new ArrayList<>(count);
        int pixels = height * width;
        // Every row points into the one buffer: 10,000 images cost no copies.
        for (int i = 0; i < count; i++) sources.add(new ImageColumn.GreySource(name + "#" + i, data, 16 + i * pixels, width, height));
        return ImageColumn.of("image", sources);
    }

    private static IntColumn labels(byte[] data, Path path) {
        if (data.length < 8) throw bad(path, "truncated IDX header");
        int count = ByteBuffer.wrap(data).getInt(4);
        if (count < 0) throw bad(path, "bad IDX label count " + count);
        checkLength(path, data, 8L + count, count + " labels");
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) labels[i] = data[8 + i] & 0xFF;
        return IntColumn.wrap("label", labels, null);
    }

    private static void checkLength(Path path, byte[] data, long expected, String what) {
        if (data.length < expected) {
            throw bad(path, "truncated: " + what + " need " + expected + " bytes, the file has " + data.length);
        }
        if (data.length > expected) {
            throw bad(path, "size mismatch: " + what + " need " + expected + " bytes, the file has " + data.length);
        }
    }

    private static int magic(byte[] data, Path path) {
        if (data.length < 4) throw bad(path, "truncated IDX header");
        int magic = ByteBuffer.wrap(data).getInt(0);
        if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) return magic;
        if (looksLikeIdx(data)) {
            String type = (data[2] & 0xFF) == UNSIGNED_BYTE ? "unsigned byte" : String.format("type 0x%02X", data[2]);
            throw bad(path, "unsupported IDX file: " + type + " with " + data[3] + " dimensions; supported are"
                    + " unsigned-byte images (0x00000803) and labels (0x00000801)");
        }
        throw bad(path, String.format("not an IDX file (magic 0x%08X)", magic));
    }

    /** The most bytes one IDX file may declare: what one Java array holds. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private record Declared(long bytes, String what) {}

    /** The file's length as its header declares it (images: 16 + n·h·w, labels: 8 + n). */
    private static Declared declaredLength(byte[] head, Path path) {
        int magic = magic(head, path);
        if (magic == LABELS_MAGIC) {
            if (head.length < 8) throw bad(path, "truncated IDX header");
            int count = ByteBuffer.wrap(head).getInt(4);
            if (count < 0) throw bad(path, "bad IDX label count " + count);
            return new Declared(8L + count, count + " labels");
        }
        if (head.length < 16) throw bad(path, "truncated IDX header");
        ByteBuffer header = ByteBuffer.wrap(head);
        int count = header.getInt(4), height = header.getInt(8), width = header.getInt(12);
        if (count < 0 || height <= 0 || width <= 0) throw bad(path, "bad IDX dimensions " + count + "×" + height + "×" + width);
        double size = 16 + (double) count * height * width; // in double: n·h·w can pass 2^63
        return new Declared(size > MAX_BYTES ? Long.MAX_VALUE / 2 : (long) size, count + " images of " + height + "×" + width);
    }

    /** The whole file, decompressed if it starts with the gzip magic bytes, and exactly as long as its header says. */
    static byte[] load(Path path) {
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            if (gzip) in = new GZIPInputStream(in, 1 << 16);
            // The header says how long the file is: read that much and no more, so a gzip stream that inflates past
            // it (a "zip bomb") is refused after one byte too many rather than held whole. readNBytes grows with what
            // arrives, so a header claiming gigabytes costs nothing until the bytes come.
            byte[] head = in.readNBytes(16);
            Declared declared = declaredLength(head, path);
            long expected = declared.bytes();
            if (expected > MAX_BYTES) {
                throw bad(path, "declares more than the " + MAX_BYTES + " bytes one IDX file may hold");
            }
            int headLength = (int) Math.min(head.length, expected);
            byte[] rest = in.readNBytes((int) expected - headLength);
            long actual = headLength + rest.length + (head.length - headLength);
            if (actual < expected) {
                throw bad(path, "truncated: " + declared.what() + " need " + expected + " bytes, the file has " + actual);
            }
            if (head.length > headLength || in.read() != -1) {
                throw bad(path, "size mismatch: " + declared.what() + " need " + expected + " bytes, the file has more");
            }
            byte[] data = java.util.Arrays.copyOf(head, (int) expected);
            System.arraycopy(rest, 0, data, headLength, rest.length);
            return data;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ClusterbyException.BadFile("file not found: " + path, e);
        } catch (EOFException e) {
            throw bad(path, "truncated gzip data");
        } catch (ZipException e) {
            throw bad(path, "corrupt gzip data: " + e.getMessage());
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The label file named by MNIST's convention, if it exists: "images" → "labels" and "idx3" → "idx1". */
    static Path siblingLabels(Path images) {
        String name = images.getFileName().toString();
        if (!name.contains("images") || !name.contains("idx3")) return null;
        String labelsName = name.replace("images", "labels").replace("idx3", "idx1");
        List<String> candidates = new ArrayList<>(List.of(labelsName));
        // Unpacked images beside packed labels, and the other way round.
        candidates.add(labelsName.endsWith(".gz") ? labelsName.substring(0, labelsName.length() - 3) : labelsName + ".gz");
        for (String candidate : candidates) {
            Path sibling = images.resolveSibling(candidate);
            if (Files.isRegularFile(sibling)) return sibling;
        }
        return null;
    }

    private static ClusterbyException.BadFile bad(Path path, String problem) {
        return new ClusterbyException.BadFile(path + ": " + problem);
    }
}
