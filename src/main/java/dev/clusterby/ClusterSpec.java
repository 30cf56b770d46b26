package dev.clusterby;

import dev.clusterby.cluster.Clusterers;

import dev.clusterby.cluster.Clusterer;
import dev.clusterby.embed.Encoder;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a clustering call can be told, with defaults: method {@code kmeans}, encoder {@code auto}, backend
 * {@code auto}, the default cache folder. Immutable; the {@code with…} methods return changed copies.
 *
 * @param method    a registered method name (see {@code Clusterers.names()}); ignored when {@code clusterer} is set
 * @param clusterer a user's own clusterer object, or null
 * @param encoder   an encoder name, or {@code auto} for the column's modality
 * @param params    the method's options, such as {@code k}, {@code seed}, {@code max-iter}, {@code tol}
 * @param backend   a compute backend name, or {@code auto}
 * @param cacheDir  the embedding cache folder, or null for the default
 * @param progress  told how many rows are embedded, batch by batch
 * @param instruction what to group by, in words (see {@link Instruction}), or null to cluster the plain embedding
 */
public record ClusterSpec(String method, Clusterer clusterer, String encoder, Map<String, Object> params, String backend,
                          Path cacheDir, Encoder.ProgressListener progress, Instruction instruction) {

    public ClusterSpec {
        if (method == null || method.isBlank()) throw new ClusterbyException.BadOption("method", "must not be blank");
        if (encoder == null || encoder.isBlank()) throw new ClusterbyException.BadOption("encoder", "must not be blank");
        params = Map.copyOf(params == null ? Map.of() : params);
        backend = backend == null ? "auto" : backend;
        progress = progress == null ? Encoder.ProgressListener.NONE : progress;
        if (instruction != null) instruction.effectiveMethod();
    }

    public static ClusterSpec defaults() {
        return new ClusterSpec("kmeans", null, "auto", Map.of(), "auto", null, null, null);
    }

    public ClusterSpec withMethod(String newMethod) {
        return new ClusterSpec(newMethod, null, encoder, params, backend, cacheDir, progress, instruction);
    }

    public ClusterSpec withClusterer(Clusterer custom) {
        return new ClusterSpec(custom.name(), custom, encoder, params, backend, cacheDir, progress, instruction);
    }

    public ClusterSpec withEncoder(String newEncoder) {
        return new ClusterSpec(method, clusterer, newEncoder, params, backend, cacheDir, progress, instruction);
    }

    public ClusterSpec withParams(Map<String, ?> newParams) {
        return new ClusterSpec(method, clusterer, encoder, Map.copyOf(newParams), backend, cacheDir, progress, instruction);
    }

    /** Adds or replaces one parameter. */
    public ClusterSpec withParam(String key, Object value) {
        Map<String, Object> merged = new LinkedHashMap<>(params);
        merged.put(key, value);
        return withParams(merged);
    }

    public ClusterSpec withBackend(String newBackend) {
        return new ClusterSpec(method, clusterer, encoder, params, newBackend, cacheDir, progress, instruction);
    }

    public ClusterSpec withCacheDir(Path dir) {
        return new ClusterSpec(method, clusterer, encoder, params, backend, dir, progress, instruction);
    }

    public ClusterSpec withProgress(Encoder.ProgressListener listener) {
        return new ClusterSpec(method, clusterer, encoder, params, backend, cacheDir, listener, instruction);
    }

    /** Steers the clustering by an instruction; null clusters the plain embedding. Fails if its parts do not fit together. */
    public ClusterSpec withInstruction(Instruction newInstruction) {
        return new ClusterSpec(method, clusterer, encoder, params, backend, cacheDir, progress, newInstruction);
    }
}
