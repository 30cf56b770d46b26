package dev.clusterby.embed;

import dev.clusterby.internal.embed.Encoders;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;

import java.util.List;
import java.util.SortedMap;

/**
 * Turns the values of one modality into fixed-size, L2-normalised float32 vectors. An encoder owns native
 * resources (an ONNX Runtime session), so it is AutoCloseable; {@link Encoders} owns the shared instances.
 */
public interface Encoder extends AutoCloseable {

    /** The short name used in hidden column names, such as {@code bge-small}. */
    String id();

    /** Changes whenever the vectors would change (model file hash, pooling, preprocessing); part of every cache key. */
    String version();

    /** The length of every vector this encoder returns. */
    int dimension();

    /** Whether it reads texts or images. */
    Modality modality();

    /**
     * Encodes texts into {@code out}, one row per text, in order. {@code out} must be texts.size()×dimension().
     * The progress listener is told the number of rows done after each batch.
     */
    void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress);

    /**
     * Encodes images into {@code out}, one row per image, in order. An image that cannot be decoded does not stop
     * the call: its row is returned with the reason, and its row of {@code out} is left unspecified.
     *
     * @return the rows that failed, by row, with a one-line reason each; empty when all were encoded
     */
    default SortedMap<Integer, String> encodeImages(List<? extends ImageInput> images, FloatMatrix out, ProgressListener progress) {
        throw new ClusterbyException.BadOption("encoder", "'" + id() + "' reads "
                + modality().name().toLowerCase(java.util.Locale.ROOT) + ", not images");
    }

    /**
     * The encoder that embeds instruction texts into this encoder's space: itself for a text encoder, the text tower
     * for a joint image-text model (CLIP overrides this). An image-only encoder has none and says so.
     */
    default Encoder textEncoderForInstructions() {
        if (modality() == Modality.TEXT) return this;
        throw new ClusterbyException.Unavailable("encoder '" + id() + "' reads images and has no text"
                + " tower to embed instructions with; use a joint image-text encoder such as CLIP");
    }

    @Override
    void close();

    /** What an encoder reads. */
    enum Modality {
        /** Strings. */
        TEXT,
        /** Images ({@link ImageInput}). */
        IMAGE
    }

    /** Told how many rows are done, after each batch; called from the encoding thread. */
    @FunctionalInterface
    interface ProgressListener {
        /** A listener that ignores progress. */
        ProgressListener NONE = (done, total) -> {};

        /** Called with the rows done so far and the rows in the call. */
        void onProgress(int done, int total);

        /**
         * Called by text encoders, before the {@link #onProgress} of the same rows, with how many tokens those rows
         * were cut into (special tokens included, padding not). Ignored unless overridden.
         */
        default void onTokens(long tokens) {}
    }
}
