package dev.clusterby;

/**
 * A column's embedding and how it was obtained: what {@link DataPanel#embedding} returns.
 *
 * @param tensor         the n×d vectors, the very ones clustering uses; held by the panel
 * @param encoder        the encoder id
 * @param encoderVersion the encoder's version fingerprint
 * @param computed       rows the encoder computed in this call
 * @param cached         rows served from the panel's hidden column or the disk cache
 */
public record Embedding(TensorColumn tensor, String encoder, String encoderVersion, int computed, int cached) {}
