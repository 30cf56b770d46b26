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
 * {@code CLUSTERBY_IMAGE_MAX_PIXELS}.
 */
public final class BoundedImages {
    /** The default pixel budget per image: 8192 × 8192. */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    private BoundedImages() {}

    /** The pixel budget in force: the property, else the environment variable, else the default. */
    public static long maxPixels() {
        String text = System.getProperty("clusterby.image.maxPixels");
        if (text == null || text.isBlank()) text = System.getenv("CLUSTERBY_IMAGE_MAX_PIXELS");
        if (text == null || text.isBlank()) return DEFAULT_MAX_PIXELS;
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new dev.clusterby.ClusterbyException.BadOption("clusterby.image.maxPixels",
                "expected a positive whole number of pixels, got '" + text + "'");
    }

    /** Decodes the first image of the stream, or fails with the reason; the caller closes the stream. */
    public static BufferedImage read(InputStream in) throws IOException {
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            if (stream == null) throw new IOException("not a readable image format");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) throw new IOException("not a readable image format");
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0), height = reader.getHeight(0), budget = maxPixels();
                if (width <= 0 || height <= 0) throw new IOException("declares a size of " + width + "×" + height);
                if (width * height > budget) {
                    throw new IOException("declares " + width + "×" + height + " = " + width * height
                            + " pixels, over the budget of " + budget + " per image (raise it with -Dclusterby.image.maxPixels=N"
                            + " or CLUSTERBY_IMAGE_MAX_PIXELS)");
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
}
