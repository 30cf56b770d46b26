package dev.clusterby;

import dev.clusterby.cluster.ClusterOptions;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.cluster.Clusterers;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a clustering call can be told, with defaults: method {@code kmeans}, encoder {@code auto}, backend
 * {@code auto}, the default cache folder. Immutable; the {@code with…} methods return changed copies.
 *
 * <p>The method comes one of three ways: typed {@link ClusterOptions} ({@link #withOptions}, such as
 * {@code KMeans.Options}), a method name with a string map ({@link #withMethod}, {@link #withParams}: the CLI's
 * way, read into the same options records), or a clusterer object ({@link #withClusterer}). The type parameter is
 * the fitted model's type, so {@code Clustering.fit(column, spec).model()} needs no cast: {@link #defaults()} gives
 * {@code KMeans.Model}, typed options and clusterers give theirs, and a name or map gives {@code Clusterer.Fitted}.
 *
 * @param method    a registered method name (see {@code Clustering.methods()}); the options' or clusterer's when set
 * @param options   typed options, or null
 * @param clusterer a user's own clusterer object, or null
 * @param encoder   an encoder name, or {@code auto} for the column's modality
 * @param params    the method's options as a map, such as {@code k}, {@code seed}, {@code max-iter}, {@code tol};
 *                  with typed options, their {@code toParams()}
 * @param settings  where and how it runs (backend, device, cache folder, threads, encoder batching); null for
 *                  {@link Settings#unset()}; as given, resolved once when a clustering starts
 * @param progress  told how many rows are embedded, batch by batch
 * @param instruction what to group by, in words (see {@link Instruction}), or null to cluster the plain embedding
 * @param <M> the fitted model type
 */
public record ClusterSpec<M extends Clusterer.Fitted>(String method, ClusterOptions<? extends M> options,
                                                      Clusterer<? extends M> clusterer, String encoder,
                                                      Map<String, Object> params, Settings settings,
                                                      Encoder.ProgressListener progress, Instruction instruction) {

    /** Validates and normalises: typed options and a clusterer name the method, and options fill the params. */
    public ClusterSpec {
        if (options != null && clusterer != null) {
            throw new ClusterbyException.BadOption("options", "give either options or a clusterer, not both");
        }
        if (options != null) {
            method = options.method();
            params = options.toParams();
        } else if (clusterer != null) {
            method = clusterer.name();
        }
        if (method == null || method.isBlank()) throw new ClusterbyException.BadOption("method", "must not be blank");
        if (encoder == null || encoder.isBlank()) throw new ClusterbyException.BadOption("encoder", "must not be blank");
        params = Map.copyOf(params == null ? Map.of() : params);
        settings = settings == null ? Settings.unset() : settings;
        progress = progress == null ? Encoder.ProgressListener.NONE : progress;
        if (instruction != null) instruction.effectiveMethod();
    }

    /** k-means with its defaults (k = 8), encoder and backend {@code auto}. */
    public static ClusterSpec<KMeans.Model> defaults() {
        return new ClusterSpec<>("kmeans", null, null, "auto", Map.of(), Settings.unset(), null, null);
    }

    /** Another method by name, configured by the map ({@link #withParams}); typed options are dropped with their method. */
    public ClusterSpec<Clusterer.Fitted> withMethod(String newMethod) {
        Map<String, Object> kept = options != null ? Map.of() : params;
        return new ClusterSpec<>(newMethod, null, null, encoder, kept, settings, progress, instruction);
    }

    /** Typed, validated options; the result's model has their type. */
    public <N extends Clusterer.Fitted> ClusterSpec<N> withOptions(ClusterOptions<N> newOptions) {
        java.util.Objects.requireNonNull(newOptions, "options");
        return new ClusterSpec<>(newOptions.method(), newOptions, null, encoder, Map.of(), settings, progress, instruction);
    }

    /** A user's own clusterer object, used as it is (params are not read); the result's model has its type. */
    public <N extends Clusterer.Fitted> ClusterSpec<N> withClusterer(Clusterer<N> custom) {
        return new ClusterSpec<>(custom.name(), null, custom, encoder, Map.of(), settings, progress, instruction);
    }

    /** The same spec with another encoder. */
    public ClusterSpec<M> withEncoder(String newEncoder) {
        return new ClusterSpec<>(method, options, clusterer, newEncoder, params, settings, progress, instruction);
    }

    /**
     * The method's options as a kebab-case map, read when the clustering runs by the method's
     * {@code Options.fromParams}. Replaces typed options (the map is the whole configuration).
     */
    public ClusterSpec<Clusterer.Fitted> withParams(Map<String, ?> newParams) {
        return new ClusterSpec<>(method, null, clusterer, encoder, Map.copyOf(newParams), settings, progress, instruction);
    }

    /** Adds or replaces one parameter; with typed options, on top of their {@code toParams()}. */
    public ClusterSpec<Clusterer.Fitted> withParam(String key, Object value) {
        Map<String, Object> merged = new LinkedHashMap<>(params);
        merged.put(key, value);
        return withParams(merged);
    }

    /** Replaces the settings; null means {@link Settings#unset()}. They are resolved when a clustering starts. */
    public ClusterSpec<M> withSettings(Settings newSettings) {
        return new ClusterSpec<>(method, options, clusterer, encoder, params, newSettings, progress, instruction);
    }

    /** The compute backend by name (case-insensitive), or {@code auto}; null resolves it from the property or environment. */
    public ClusterSpec<M> withBackend(String newBackend) {
        return withSettings(settings.withBackend(newBackend));
    }

    /** The encoder's device: {@code auto}, {@code cpu} or {@code cuda}; null resolves it from the property or environment. */
    public ClusterSpec<M> withDevice(String newDevice) {
        return withSettings(settings.withDevice(newDevice));
    }

    /** The embedding cache folder; null resolves it from the property or environment. */
    public ClusterSpec<M> withCacheDir(Path dir) {
        return withSettings(settings.withCacheDir(dir));
    }

    /**
     * The text encoder reads at most this many word pieces of each text (special tokens included) and drops the
     * rest; 0 for the encoder's own limit (512 for bge-small). A different limit is a different embedding key.
     */
    public ClusterSpec<M> withMaxTokens(int tokens) {
        return withSettings(settings.withEncoderMaxTokens(tokens));
    }

    /** The same spec with another embedding progress listener. */
    public ClusterSpec<M> withProgress(Encoder.ProgressListener listener) {
        return new ClusterSpec<>(method, options, clusterer, encoder, params, settings, listener, instruction);
    }

    /** Steers the clustering by an instruction; null clusters the plain embedding. Fails if its parts do not fit together. */
    public ClusterSpec<M> withInstruction(Instruction newInstruction) {
        return new ClusterSpec<>(method, options, clusterer, encoder, params, settings, progress, newInstruction);
    }

    /**
     * The clusterer this spec runs: the object, the options' clusterer, or the registered method read from params.
     * The map path is unchecked by construction: a name or map gives {@code ClusterSpec<Clusterer.Fitted>}, and
     * {@link #defaults()} names {@code kmeans}, a built-in that the registry never lets a provider replace.
     */
    @SuppressWarnings("unchecked")
    Clusterer<? extends M> resolve() {
        if (clusterer != null) return clusterer;
        if (options != null) return options.clusterer();
        return (Clusterer<? extends M>) Clusterers.create(method, params);
    }
}
