package dev.clusterby;

import dev.clusterby.cluster.Params;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link DataPanel#sliceBy} and {@link DataPanel#explainBy} slice. Immutable; {@code with…} returns changed copies.
 *
 * @param slices     the number of slices (1..100, default 5, Domino's)
 * @param dimensions the embedding is reduced to this many principal components first (1..512, default 32)
 * @param encoder    the encoder name, {@code auto} for the column's modality (the same cache as clusterBy)
 * @param seed       the seed of the starting partition
 * @param settings   backend, device, cache folder; null for {@link Settings#unset()}
 */
public record SliceOptions(int slices, int dimensions, String encoder, long seed, Settings settings) {
    /** Validates the counts and the encoder name. */
    public SliceOptions {
        if (slices < 1 || slices > 100) throw new ClusterbyException.BadOption("slices", "must be 1..100, got " + slices);
        if (dimensions < 1 || dimensions > 512) throw new ClusterbyException.BadOption("dimensions", "must be 1..512, got " + dimensions);
        if (encoder == null || encoder.isBlank()) throw new ClusterbyException.BadOption("encoder", "must not be blank");
        settings = settings == null ? Settings.unset() : settings;
    }

    /** 5 slices over 32 principal components, encoder {@code auto}, seed 0. */
    public static SliceOptions defaults() {
        return new SliceOptions(5, 32, "auto", 0, null);
    }

    /** Reads {@code slices}, {@code dimensions}, {@code encoder} and {@code seed}; any other key is an error. */
    public static SliceOptions fromParams(Map<String, ?> values) {
        Params params = Params.of(values);
        SliceOptions d = defaults();
        SliceOptions read = new SliceOptions(params.getInt("slices", d.slices()), params.getInt("dimensions", d.dimensions()),
                params.getString("encoder", d.encoder()), params.getLong("seed", d.seed()), null);
        params.requireAllUsed("slices");
        return read;
    }

    /** The options as the kebab-case map {@link #fromParams} reads. */
    public Map<String, Object> toParams() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("slices", slices);
        out.put("dimensions", dimensions);
        out.put("encoder", encoder);
        out.put("seed", seed);
        return out;
    }

    /** This many slices. */
    public SliceOptions withSlices(int count) {
        return new SliceOptions(count, dimensions, encoder, seed, settings);
    }

    /** This many principal components. */
    public SliceOptions withDimensions(int count) {
        return new SliceOptions(slices, count, encoder, seed, settings);
    }

    /** This encoder. */
    public SliceOptions withEncoder(String name) {
        return new SliceOptions(slices, dimensions, name, seed, settings);
    }

    /** This seed. */
    public SliceOptions withSeed(long newSeed) {
        return new SliceOptions(slices, dimensions, encoder, newSeed, settings);
    }

    /** These settings. */
    public SliceOptions withSettings(Settings newSettings) {
        return new SliceOptions(slices, dimensions, encoder, seed, newSettings);
    }
}
