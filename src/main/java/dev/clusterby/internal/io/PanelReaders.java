package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads a file into a {@link DataPanel}, choosing the reader from the file's extension, else from its content:
 * CSV, TSV, JSON Lines, NumPy .npy, IDX (MNIST, plain or gzip), Parquet (through the optional module), or a folder
 * of images.
 */
public final class PanelReaders {
    private PanelReaders() {}

    static final String SUPPORTED = ".csv, .tsv, .jsonl / .ndjson, .npy, IDX files (such as train-images-idx3-ubyte, "
            + "plain or .gz), .parquet (with the clusterby-parquet module) or a Spark output folder of part-*.parquet files, or a folder of images (png, jpg, jpeg, bmp, gif) with one subfolder per label";

    public static DataPanel read(Path path) {
        if (!Files.exists(path)) throw new ClusterbyException.BadFile("file not found: " + path);
        if (Files.isDirectory(path)) {
            if (PanelFormats.isParquetFolder(path)) return PanelFormats.parquet("read " + path).read(path);
            return ImageFolder.read(path);
        }
        if (!Files.isReadable(path)) throw new ClusterbyException.BadFile("cannot read " + path + ": permission denied");
        byte[] head = head(path, 8);
        if (head.length == 0) throw new ClusterbyException.BadFile("empty file: " + path);

        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return Csv.read(path, ',');
        if (name.endsWith(".tsv") || name.endsWith(".tab")) return Csv.read(path, '\t');
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return JsonLines.read(path);
        if (name.endsWith(".npy")) return Npy.read(path);
        if (name.endsWith(".parquet")) return PanelFormats.parquet("read " + path).read(path);
        // MNIST's names: train-images-idx3-ubyte(.gz), t10k-labels.idx1-ubyte, …; the IDX reader handles gzip itself.
        if (name.contains("ubyte") || name.endsWith(".idx") || name.matches(".*\\bidx[1-4]\\b.*")) return Idx.read(path);

        // Otherwise the content decides: some files have no extension, or one that says nothing (.bin, .gz).
        if (startsWith(head, Npy.MAGIC)) return Npy.read(path);
        if (Idx.looksLikeIdx(head)) return Idx.read(path);
        if (isGzip(head)) {
            if (Idx.looksLikeIdx(gunzippedHead(path))) return Idx.read(path);
            throw new ClusterbyException.BadFile(path + ": a gzip file that does not hold IDX data; supported: " + SUPPORTED);
        }
        throw new ClusterbyException.BadFile(path + ": unknown file format; supported: " + SUPPORTED);
    }

    private static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        if (head.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (head[i] != prefix[i]) return false;
        return true;
    }

    private static byte[] head(Path path, int bytes) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(bytes);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static byte[] gunzippedHead(Path path) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile(path + ": corrupt gzip data: " + AtomicFiles.describe(e), e);
        }
    }
}
