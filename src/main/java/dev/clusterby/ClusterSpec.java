package dev.clusterby;

import dev.clusterby.cluster.Clusterers;

import dev.clusterby.cluster.Clusterer;
import dev.clusterby.embed.Encoder;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a clustering call can be told, with defaults: method {@code kmeans}, encoder {@code auto}, and the
 * {@link Settings} (backend, device, cache folder, threads, encoder batching) resolved from the system properties and
 * environment when the spec is made. Immutable; the {@code with…} methods return changed copies.
 *
 * @param method    a registered method name (see {@code Clusterers.names()}); ignored when {@code clusterer} is set
 * @param clusterer a user's own clusterer object, or null
 * @param encoder   an encoder name, or {@code auto} for the column's modality
 * @param params    the method's options, such as {@code k}, {@code seed}, {@code max-iter}, {@code tol}
 * @param settings  where and how it runs; null for {@link Settings#defaults()}
 * @param progress  told how many rows are embedded, batch by batch
 * @param instruction what to group by, in words (see {@link Instruction}), or null to cluster the plain embedding
 */
public record ClusterSpec(String method, Clusterer clusterer, String encoder, Map<String, Object> params, Settings settings,
                          Encoder.ProgressListener progress, Instruction instruction) {

    public ClusterSpec {
        if (method == null || method.isBlank()) throw new ClusterbyException.BadOption("method", "must not be blank");
        if (encoder == null || encoder.isBlank()) throw new ClusterbyException.BadOption("encoder", "must not be blank");
        params = Map.copyOf(params == null ? Map.of() : params);
        settings = settings == null ? Settings.defaults() : settings;
        progress = progress == null ? Encoder.ProgressListener.NONE : progress;
        if (instruction != null) instruction.effectiveMethod();
    }

    public static ClusterSpec defaults() {
        return new ClusterSpec("kmeans", null, "auto", Map.of(), Settings.defaults(), null, null);
    }

    public ClusterSpec withMethod(String newMethod) {
        return new ClusterSpec(newMethod, null, encoder, params, settings, progress, instruction);
    }

    public ClusterSpec withClusterer(Clusterer custom) {
        return new ClusterSpec(custom.name(), custom, encoder, params, settings, progress, instruction);
    }

    public ClusterSpec withEncoder(String newEncoder) {
        return new ClusterSpec(method, clusterer, newEncoder, params, settings, progress, instruction);
    }

    public ClusterSpec withParams(Map<String, ?> newParams) {
        return new ClusterSpec(method, clusterer, encoder, Map.copyOf(newParams), settings, progress, instruction);
    }

    /** Adds or replaces one parameter. */
    public ClusterSpec withParam(String key, Object value) {
        Map<String, Object> merged = new LinkedHashMap<>(params);
        merged.put(key, value);
        return withParams(merged);
    }

    /** Replaces the settings; null means {@link Settings#defaults()}. */
    public ClusterSpec withSettings(Settings newSettings) {
        return new ClusterSpec(method, clusterer, encoder, params, newSettings, progress, instruction);
    }

    /** The compute backend by name (case-insensitive), or {@code auto}; null resolves it from the property or environment. */
    public ClusterSpec withBackend(String newBackend) {
        return withSettings(settings.withBackend(newBackend));
    }

    /** The encoder's device: {@code auto}, {@code cpu} or {@code cuda}; null resolves it from the property or environment. */
    public ClusterSpec withDevice(String newDevice) {
        return withSettings(settings.withDevice(newDevice));
    }

    /** The embedding cache folder; null resolves it from the property or environment. */
    public ClusterSpec withCacheDir(Path dir) {
        return withSettings(settings.withCacheDir(dir));
    }

    public ClusterSpec withProgress(Encoder.ProgressListener listener) {
        return new ClusterSpec(method, clusterer, encoder, params, settings, listener, instruction);
    }

    /** Steers the clustering by an instruction; null clusters the plain embedding. Fails if its parts do not fit together. */
    public ClusterSpec withInstruction(Instruction newInstruction) {
        return new ClusterSpec(method, clusterer, encoder, params, settings, progress, newInstruction);
    }
}
