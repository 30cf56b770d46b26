package dev.clusterby.internal.cluster;

import dev.clusterby.internal.Plugins;
import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.Agglomerative;
import dev.clusterby.cluster.ClusterOptions;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.cluster.ClustererProvider;
import dev.clusterby.cluster.GaussianMixture;
import dev.clusterby.cluster.Hdbscan;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.cluster.MiniBatchKMeans;
import dev.clusterby.cluster.Params;
import dev.clusterby.cluster.Spectral;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The registry of clustering methods by name: the built-ins, then ServiceLoader providers. Every entry goes
 * through the method's typed options ({@code Options.fromParams}), so the map path and the typed path validate
 * alike. Built-in names cannot be replaced, which keeps {@code ClusterSpec.defaults()}'s model type sound.
 */
public final class Clusterers {
    private static final Map<String, Function<Params, ? extends ClusterOptions<?>>> REGISTRY;

    static {
        Map<String, Function<Params, ? extends ClusterOptions<?>>> registry = new LinkedHashMap<>();
        registry.put("kmeans", KMeans.Options::fromParams);
        registry.put("minibatch-kmeans", MiniBatchKMeans.Options::fromParams);
        registry.put("gmm", GaussianMixture.Options::fromParams);
        registry.put("hierarchical", Agglomerative.Options::fromParams);
        registry.put("spectral", Spectral.Options::fromParams);
        registry.put("hdbscan", Hdbscan.Options::fromParams);
        for (ClustererProvider provider : Plugins.load(ClustererProvider.class, Clusterers.class.getClassLoader(), "a clusterer provider")) {
            String name = provider.name().trim().toLowerCase(Locale.ROOT);
            if (registry.putIfAbsent(name, provider::options) != null) Plugins.warnTaken("clusterer provider", provider, name);
        }
        REGISTRY = Collections.unmodifiableMap(registry);
    }

    private Clusterers() {}

    /** The registered names, sorted. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(new TreeMap<>(REGISTRY).keySet());
    }

    /**
     * The options of that method read from params; unknown names and unread params are errors. {@code seed} is
     * always accepted: scripts pass the same {@code --seed} to every method, and a deterministic one ignores it.
     */
    public static ClusterOptions<?> options(String method, Map<String, ?> params) {
        Function<Params, ? extends ClusterOptions<?>> factory = REGISTRY.get(method.trim().toLowerCase(Locale.ROOT));
        if (factory == null) throw new ClusterbyException.UnknownName("method", method, names());
        Params read = Params.of(params);
        ClusterOptions<?> options = factory.apply(read);
        read.raw("seed");
        read.requireAllUsed(method);
        return options;
    }

    /** A clusterer of that method configured from params, as {@link #options} reads them. */
    public static Clusterer<?> create(String method, Map<String, ?> params) {
        return options(method, params).clusterer();
    }
}
