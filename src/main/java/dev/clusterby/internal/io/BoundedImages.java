package dev.clusterby.internal.io;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * Image decoding with a pixel budget checked against the size the file declares, before any pixel is decoded:
 * a 4 KB PNG may declare 20000×20000 and inflate to 1.6 GB. An image over the budget, or one that makes a
 * decoder throw, is an {@link IOException} (its row gets −1 with the reason and the run goes on).
 *
 * <p>The budget is {@value #DEFAULT_MAX_PIXELS} pixels (an 8192×8192 image, 256 MB decoded as ARGB), raised or
 * lowered by the system property {@code clusterby.image.maxPixels} or the environment variable
 * {@code CLUSTERBY_IMAGE_MAX_PIXELS}. Two more bounds follow from it: a file may hold at most 4 bytes per budgeted
 * pixel (plus 1 MB), and its declared size may be at most {@value #PIXELS_PER_BYTE} pixels per byte of the file
 * (beyond {@value #SMALL_PIXELS} pixels), more than PNG, GIF or JPEG compress even a blank image to: a truncated
 * 81-byte file declaring 4096×4096 made the decoder allocate 67 MB before finding the data missing.
 */
public final class BoundedImages {
    /** The default pixel budget per image: 8192 × 8192. */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;
    /** Declared pixels per byte of file beyond which an image is refused (deflate tops out near 1032:1 per byte of 1-bit pixels). */
    static final long PIXELS_PER_BYTE = 16_384;
    /** Images up to this many pixels are decoded whatever their file size. */
    static final long SMALL_PIXELS = 1L << 21;

    private BoundedImages() {}

    /** The pixel budget in force: the property, else the environment variable, else the default. */
    public static long maxPixels() {
        return TextLimits.positive("clusterby.image.maxPixels", "CLUSTERBY_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS, "pixels");
    }

    /** Decodes the first image of the stream, or fails with the reason; the caller closes the stream. */
    public static BufferedImage read(InputStream in) throws IOException {
        return read(in.readNBytes(maxBytes(maxPixels()) + 1));
    }

    /** The most bytes a file within the pixel budget may hold: 4 per pixel, plus 1 MB. */
    private static int maxBytes(long budget) {
        return (int) Math.min(Integer.MAX_VALUE - 16, budget * 4 + (1 << 20));
    }

    /** {@link #read(InputStream)} for an image already in memory (not copied). */
    public static BufferedImage read(byte[] bytes) throws IOException {
        long budget = maxPixels();
        int maxBytes = maxBytes(budget);
        if (bytes.length > maxBytes) {
            throw new IOException("is over " + maxBytes + " bytes, more than an image within the pixel budget of " + budget
                    + " needs (raise it with -Dclusterby.image.maxPixels=N or CLUSTERBY_IMAGE_MAX_PIXELS)");
        }
        try (ImageInputStream stream = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            if (stream == null) throw new IOException("not a readable image format");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) throw new IOException("not a readable image format");
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0), height = reader.getHeight(0);
                if (width <= 0 || height <= 0) throw new IOException("declares a size of " + width + "×" + height);

                if (width * height > budget) {
                    throw new IOException("declares " + width + "×" + height + " = " + width * height
                            + " pixels, over the budget of " + budget + " per image (raise it with -Dclusterby.image.maxPixels=N"
                            + " or CLUSTERBY_IMAGE_MAX_PIXELS)");
                }
                if (width * height > Math.max(SMALL_PIXELS, PIXELS_PER_BYTE * bytes.length)) {
                    throw new IOException("declares " + width + "×" + height + " pixels in only " + bytes.length
                            + " bytes, more than any image format compresses to: corrupt or a decompression bomb");
                }
                if (embedsAnotherImage(bytes)) {
                    // Its declared size says nothing of the embedded image's, which the decoder would decode in full.
                    throw new IOException("is a BMP that embeds JPEG or PNG data, which is not read");
                }
                BufferedImage image = reader.read(0, reader.getDefaultReadParam());
                if (image == null) throw new IOException("the decoder returned no image");
                return image;
            } catch (RuntimeException e) {
                // Decoders throw unchecked exceptions on some corrupt files; that is the file's fault, not the run's.
                throw new IOException("corrupt image (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** A BMP whose compression is BI_JPEG (4) or BI_PNG (5): a printer format whose real size is the embedded image's. */
    private static boolean embedsAnotherImage(byte[] bytes) {
        if (bytes.length < 34 || bytes[0] != 'B' || bytes[1] != 'M') return false;
        int compression = (bytes[30] & 0xff) | (bytes[31] & 0xff) << 8 | (bytes[32] & 0xff) << 16 | (bytes[33] & 0xff) << 24;
        return compression == 4 || compression == 5;
    }
}
