package dev.clusterby.embed;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * One image for {@link Encoder#encodeImages}, decoded only when the encoder gets to it (possibly on a pool thread,
 * so {@link #decode()} must be safe to call from any thread).
 */
public interface ImageInput {

    /** How the image is named in messages: its path, or its row. */
    String label();

    /**
     * Decodes the image. An {@link IOException} means this image alone is unusable: the encoder records the reason for
     * its row and goes on. An unchecked exception is a mistake that concerns the whole call, and stops it.
     */
    BufferedImage decode() throws IOException;
}
