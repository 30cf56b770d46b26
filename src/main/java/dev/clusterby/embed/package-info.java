/**
 * The encoder extension point: an {@link dev.clusterby.embed.Encoder} turns texts or images into L2-normalised
 * float32 vectors, and an {@link dev.clusterby.embed.EncoderProvider} (ServiceLoader) makes one available by name,
 * so {@code clusterBy(column, method, "my-encoder", params)} can use it. The built-in encoders (the bundled
 * bge-small text model, and the others a project adds by dependency) live under {@code dev.clusterby.internal},
 * which is not API.
 */
package dev.clusterby.embed;
