package dev.clusterby;

import dev.clusterby.internal.io.BoundedImages;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A lazy column of images. Each row holds where its image comes from (a file, encoded bytes, or raw
 * grey pixels as IDX files store them) and is decoded only when asked.
 */
public final class ImageColumn extends Column {

    /** Where one image comes from. */
    public sealed interface Source {
        /** The name used for this image in output: its path, or its index for in-memory images. */
        String label();

        /** Reads the image; an I/O error or an unreadable format is thrown. */
        BufferedImage decode() throws IOException;
    }

    /** An image file on disk. */
    public record FileSource(Path path) implements Source {
        public String label() { return path.toString(); }

        public BufferedImage decode() throws IOException {
            try (InputStream in = Files.newInputStream(path)) {
                return BoundedImages.read(in); // the pixel budget is checked before decoding
            }
        }
    }

    /** An encoded image (PNG, JPEG, …) held in memory. */
    public record BytesSource(String label, byte[] bytes) implements Source {
        public BufferedImage decode() throws IOException {
            return BoundedImages.read(bytes);
        }
    }

    /** Raw 8-bit grey pixels, row-major, inside a shared buffer (one IDX file holds all of them). */
    public record GreySource(String label, byte[] buffer, int offset, int width, int height) implements Source {
        public BufferedImage decode() {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            System.arraycopy(buffer, offset, target, 0, width * height);
            return image;
        }

        /** The pixels without decoding, as a copy. */
        public byte[] pixels() {
            return Arrays.copyOfRange(buffer, offset, offset + width * height);
        }
    }

    private final Source[] sources;

    private ImageColumn(String name, Source[] sources) {
        super(name);
        this.sources = sources;
    }

    /** An image column of these sources; a null source is a missing image. */
    public static ImageColumn of(String name, List<? extends Source> sources) {
        return new ImageColumn(name, sources.toArray(Source[]::new));
    }

    /** An image column of these files, read when an encoder needs them. */
    public static ImageColumn ofFiles(String name, List<Path> files) {
        return new ImageColumn(name, files.stream().map(FileSource::new).toArray(Source[]::new));
    }

    @Override public ColumnType type() { return ColumnType.IMAGE; }
    @Override public int size() { return sources.length; }
    @Override public boolean isMissing(int row) { return sources[row] == null; }
    @Override public Source get(int row) { return sources[row]; }

    /** Where the image at a row comes from; null if it is missing. */
    public Source source(int row) {
        return sources[row];
    }

    /** Decodes one image; a corrupt or unreadable image is an error naming its row and source. */
    public BufferedImage image(int row) {
        Source source = sources[row];
        if (source == null) throw new ClusterbyException.InvalidData("column '" + name() + "' row " + row + " has no image");
        try {
            return source.decode();
        } catch (IOException | RuntimeException e) {
            throw new ClusterbyException.BadFile("column '" + name() + "' row " + row + ": cannot decode image "
                    + source.label() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String format(int row) {
        return sources[row] == null ? "" : sources[row].label();
    }

    @Override
    public ImageColumn take(int[] rows) {
        Source[] out = new Source[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = sources[rows[i]];
        return new ImageColumn(name(), out);
    }

    @Override public ImageColumn rename(String newName) { return new ImageColumn(newName, sources); }

    @Override
    public ImageColumn concat(Column other) {
        checkConcat(other);
        Source[] o = ((ImageColumn) other).sources;
        Source[] out = Arrays.copyOf(sources, sources.length + o.length);
        System.arraycopy(o, 0, out, sources.length, o.length);
        return new ImageColumn(name(), out);
    }

    @Override protected int compareRows(int a, int b) { return sources[a].label().compareTo(sources[b].label()); }
}
