package dev.clusterby.embed;

import dev.clusterby.internal.embed.Encoders;

/**
 * A plug-in encoder found through {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.clusterby.embed.EncoderProvider}. {@link Encoders} calls {@link #create()} lazily,
 * at most once for its shared instance and once per {@link Encoders#open(String)}.
 */
public interface EncoderProvider {

    /** The name users pick the encoder by, such as {@code my-clip}. */
    String name();

    /** A new encoder; the caller owns and closes it. */
    Encoder create();
}
