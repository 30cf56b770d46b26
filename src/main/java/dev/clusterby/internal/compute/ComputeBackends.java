package dev.clusterby.internal.compute;

import dev.clusterby.BackendStatus;
import dev.clusterby.internal.Plugins;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds and hands out compute backends, from the {@link ComputeBackendProvider}s that {@link ServiceLoader} finds
 * (the built-in ones are listed in this jar's {@code META-INF/services}). A missing native library, OpenCL platform
 * or module never breaks class loading: it only makes that backend unavailable, with its reason.
 *
 * <p>Asked for by name ({@link Settings#backend()}), a backend that cannot run is an error
 * ({@link ClusterbyException.Unavailable}), never a silent fallback. Under {@code auto} the available provider of
 * highest priority wins; when a faster one had to be skipped, one WARNING says so, once per JVM.
 *
 * <p>The registry owns the backends: one per name and thread count, made on first use. Callers get a view whose
 * {@code close()} does nothing, so one caller cannot break the next; {@link #closeAll()} closes them (tests).
 */
public final class ComputeBackends {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.compute");

    /** By name, highest priority first. Guarded by the class lock. */
    private static Map<String, ComputeBackendProvider> providers;
    /** Open backends by name and thread count. Guarded by the class lock. */
    private static final Map<String, Shared> OPEN = new LinkedHashMap<>();
    /** Why a backend cannot run, by name and thread count. Guarded by the class lock. */
    private static final Map<String, String> UNAVAILABLE = new LinkedHashMap<>();
    private static boolean fallbackLogged;

    private ComputeBackends() {}

    /** The names of all known backends, available or not, highest priority first. */
    public static synchronized List<String> names() {
        return List.copyOf(providers().keySet());
    }

    /** The backend of that name (case-insensitive) with the default settings; fails loudly when it cannot run here. */
    public static ComputeBackend get(String name) {
        return select(Settings.unset().withBackend(name));
    }

    /** The backend the settings name, or under {@code auto} the fastest that runs here. */
    public static ComputeBackend select(Settings given) {
        Settings settings = given.resolve();
        return settings.autoBackend() ? fastest(settings) : byName(settings.backend(), settings);
    }

    /** {@code auto} or blank means the default; anything else is looked up by name (case-insensitive). */
    public static ComputeBackend select(String nameOrAuto) {
        return select(Settings.unset().withBackend(nameOrAuto));
    }

    /** The backend of the default settings (the {@code clusterby.backend} property, {@code CLUSTERBY_BACKEND}, else auto). */
    public static ComputeBackend defaultBackend() {
        return select(Settings.defaults());
    }

    private static synchronized ComputeBackend byName(String name, Settings settings) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        ComputeBackendProvider provider = providers().get(key);
        if (provider == null) throw new ClusterbyException.UnknownName("backend", name, providers().keySet());
        ComputeBackend backend = open(provider, settings);
        if (backend == null) {
            throw new ClusterbyException.Unavailable("backend '" + key + "' was asked for but cannot run here: "
                    + UNAVAILABLE.get(key(key, settings)));
        }
        return backend;
    }

    private static synchronized ComputeBackend fastest(Settings settings) {
        List<String> skipped = new ArrayList<>();
        // Sorted per call: a provider's priority may depend on what it finds (a GPU, say), not only on its class.
        List<ComputeBackendProvider> candidates = providers().values().stream().filter(p -> p.priority() >= 0)
                .sorted(Comparator.comparingInt(ComputeBackendProvider::priority).reversed()).toList();
        for (ComputeBackendProvider provider : candidates) {
            ComputeBackend backend = open(provider, settings);
            if (backend != null) {
                if (!skipped.isEmpty() && !fallbackLogged) {
                    fallbackLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "compute backend auto: falling back to ''{0}'', since {1}",
                            provider.name(), String.join("; ", skipped));
                }
                return backend;
            }
            skipped.add(provider.name() + " cannot run (" + UNAVAILABLE.get(key(provider.name(), settings)) + ")");
        }
        throw new ClusterbyException.Unavailable("no compute backend runs here: " + String.join("; ", skipped));
    }

    /** Every known backend: its device when it runs, else why not; and which one {@code auto} picks. */
    public static List<BackendStatus> status() {
        return status(Settings.defaults());
    }

    /** As {@link #status()} for these settings. */
    public static synchronized List<BackendStatus> status(Settings given) {
        Settings settings = given.resolve();
        String chosen = settings.autoBackend() ? fastest(settings).name() : settings.backend();
        List<BackendStatus> out = new ArrayList<>();
        for (ComputeBackendProvider provider : providers().values()) {
            ComputeBackend backend = open(provider, settings);
            out.add(new BackendStatus(provider.name(), backend != null,
                    backend != null ? backend.device() : UNAVAILABLE.get(key(provider.name(), settings)),
                    provider.name().equalsIgnoreCase(chosen)));
        }
        return out;
    }


    /** Instances are shared per backend name (as registered, lower case) and thread count. */
    private static String key(String name, Settings settings) {
        return name.trim().toLowerCase(Locale.ROOT) + "/" + settings.threads();
    }

    /** The shared backend, opened on first use, or null with the reason in UNAVAILABLE. Holds the class lock. */
    private static ComputeBackend open(ComputeBackendProvider provider, Settings settings) {
        String key = key(provider.name(), settings);
        Shared open = OPEN.get(key);
        if (open != null) return open;
        if (UNAVAILABLE.containsKey(key)) return null;
        try {
            ComputeBackendProvider.Availability availability = provider.availability();
            if (!availability.available()) {
                markUnavailable(key, availability.reason());
                return null;
            }
            ComputeBackend backend = provider.create(settings);
            if (backend == null) throw new ClusterbyException.Unavailable("its provider returned no backend");
            Shared shared = new Shared(backend);
            OPEN.put(key, shared);
            return shared;
        } catch (ClusterbyException.Unavailable e) {
            markUnavailable(key, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            markUnavailable(key, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return null;
    }

    private static void markUnavailable(String key, String reason) {
        UNAVAILABLE.put(key, reason == null ? "unknown reason" : reason);
        LOG.log(System.Logger.Level.DEBUG, "compute backend {0} unavailable: {1}", key, reason);
    }

    /** The providers on the class path, loaded once; a broken one is logged and skipped. Holds the class lock. */
    private static Map<String, ComputeBackendProvider> providers() {
        if (providers != null) return providers;
        List<ComputeBackendProvider> found = new ArrayList<>(Plugins.load(ComputeBackendProvider.class,
                ComputeBackends.class.getClassLoader(), "a compute backend provider"));
        found.sort(Comparator.comparingInt(ComputeBackendProvider::priority).reversed());
        Map<String, ComputeBackendProvider> byName = new LinkedHashMap<>();
        for (ComputeBackendProvider provider : found) {
            String name = provider.name().trim().toLowerCase(Locale.ROOT);
            if (byName.putIfAbsent(name, provider) != null) Plugins.warnTaken("compute backend provider", provider, name);
        }
        if (byName.isEmpty()) throw new IllegalStateException("no ComputeBackendProvider found; is META-INF/services missing?");
        providers = byName;
        return providers;
    }

    /** Closes every opened backend and forgets what was found; for tests and shutdown. */
    public static synchronized void closeAll() {
        for (Shared shared : OPEN.values()) {
            try {
                shared.delegate.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing backend " + shared.name() + " failed: " + e);
            }
        }
        OPEN.clear();
        UNAVAILABLE.clear();
        fallbackLogged = false;
    }

    /** The view a caller gets: every kernel goes to the registry's instance, and {@code close()} does nothing. */
    private static final class Shared implements ComputeBackend {
        private final ComputeBackend delegate;

        Shared(ComputeBackend delegate) {
            this.delegate = delegate;
        }

        @Override public String name() { return delegate.name(); }

        @Override public String device() { return delegate.device(); }

        @Override
        public void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
            delegate.assignL2(points, centroids, labels, minDistances);
        }

        @Override
        public void distancesL2(FloatMatrix points, FloatMatrix centroids, FloatMatrix out) {
            delegate.distancesL2(points, centroids, out);
        }

        @Override
        public void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
            delegate.assignCosine(points, centroids, labels, maxSimilarity);
        }

        @Override
        public void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
            delegate.accumulate(points, labels, k, sums, counts);
        }

        @Override
        public double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                                   FloatMatrix responsibilities) {
            return delegate.gmmEStepDiag(points, means, precisions, logNorm, responsibilities);
        }

        @Override
        public double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky,
                                   MemorySegment logNorm, FloatMatrix responsibilities) {
            return delegate.gmmEStepFull(points, means, precisionCholesky, logNorm, responsibilities);
        }

        @Override
        public void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                               MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
            delegate.gmmMoments(points, responsibilities, full, nk, sumX, sumXX);
        }

        @Override
        public void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity,
                                    MemorySegment meanAbsGradient) {
            delegate.meanAbsGradient(points, instruction, similarity, meanAbsGradient);
        }

        @Override
        public void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
            delegate.knn(points, m, indices, distances);
        }

        /** The registry owns the backend; closing a caller's view leaves it running for everyone else. */
        @Override
        public void close() {}

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
