package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The registry of clustering methods by name: built-ins, ServiceLoader providers, and ones registered at run time. */
public final class Clusterers {
    private static final Map<String, Function<Params, Clusterer>> REGISTRY = new ConcurrentHashMap<>();

    static {
        REGISTRY.put("kmeans", KMeans::fromParams);
        REGISTRY.put("minibatch-kmeans", MiniBatchKMeans::fromParams);
        REGISTRY.put("gmm", GaussianMixture::fromParams);
        for (ClustererProvider provider : ServiceLoader.load(ClustererProvider.class)) {
            REGISTRY.putIfAbsent(provider.name().toLowerCase(Locale.ROOT), provider::create);
        }
    }

    private Clusterers() {}

    public static void register(String name, Function<Params, Clusterer> factory) {
        REGISTRY.put(name.toLowerCase(Locale.ROOT), factory);
    }

    public static java.util.Set<String> names() {
        return new TreeMap<>(REGISTRY).keySet();
    }

    /** A clusterer of that method configured from params; unknown names and unused params are errors. */
    public static Clusterer create(String method, Map<String, ?> params) {
        Function<Params, Clusterer> factory = REGISTRY.get(method.trim().toLowerCase(Locale.ROOT));
        if (factory == null) throw new ClusterbyException.UnknownName("method", method, names());
        Params read = Params.of(params);
        Clusterer clusterer = factory.apply(read);
        read.requireAllUsed(method);
        return clusterer;
    }
}
