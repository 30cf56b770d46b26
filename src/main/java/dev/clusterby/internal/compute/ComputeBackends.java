package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.nativ.NativeBackend;
import dev.clusterby.internal.compute.opencl.OpenClBackend;
import dev.clusterby.internal.compute.java.ScalarBackend;
import dev.clusterby.internal.compute.java.VectorBackend;

import dev.clusterby.ClusterbyException;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds and hands out compute backends. Accelerated backends are loaded by class name, so a missing native
 * library, OpenCL platform or module never breaks class loading: it only removes that backend, with one
 * logged reason. A backend asked for by name that cannot run is an error, never a silent fallback.
 *
 * <p>Selection order: the API ({@link #get}), then the {@code clusterby.backend} system property, then the
 * {@code CLUSTERBY_BACKEND} environment variable, then the fastest available.
 */
public final class ComputeBackends {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.compute");

    /** Known backends, fastest first; each class has a public static {@code create()} that throws Unavailable with its reason. */
    private static final Map<String, String> CLASSES = new LinkedHashMap<>();

    static {
        CLASSES.put("native", "dev.clusterby.internal.compute.nativ.NativeBackend");
        CLASSES.put("java", "dev.clusterby.internal.compute.java.VectorBackend");
        CLASSES.put("opencl", "dev.clusterby.internal.compute.opencl.OpenClBackend");
        CLASSES.put("scalar", "dev.clusterby.internal.compute.java.ScalarBackend");
    }

    private static final Map<String, ComputeBackend> OPEN = new ConcurrentHashMap<>();
    private static final Map<String, String> UNAVAILABLE = new ConcurrentHashMap<>();

    private ComputeBackends() {}

    /** The names of all known backends, available or not. */
    public static List<String> names() {
        return List.copyOf(CLASSES.keySet());
    }

    /** The backend of that name, shared and owned by this registry; fails loudly when it cannot run here. */
    public static ComputeBackend get(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (!CLASSES.containsKey(key)) throw new ClusterbyException.UnknownName("backend", name, CLASSES.keySet());
        ComputeBackend backend = tryOpen(key);
        if (backend == null) {
            throw new ClusterbyException.Unavailable("backend '" + key + "' was asked for but cannot run here: "
                    + UNAVAILABLE.get(key));
        }
        return backend;
    }

    /** The backend named by the system property or environment, else the fastest that runs here. */
    public static ComputeBackend defaultBackend() {
        String requested = System.getProperty("clusterby.backend");
        if (requested == null || requested.isBlank()) requested = System.getenv("CLUSTERBY_BACKEND");
        if (requested != null && !requested.isBlank() && !requested.equalsIgnoreCase("auto")) return get(requested);
        return fastest();
    }

    /** {@code auto} or blank means the default; anything else is looked up by name. */
    public static ComputeBackend select(String nameOrAuto) {
        if (nameOrAuto == null || nameOrAuto.isBlank() || nameOrAuto.equalsIgnoreCase("auto")) return defaultBackend();
        return get(nameOrAuto);
    }

    private static ComputeBackend fastest() {
        for (String name : CLASSES.keySet()) {
            // OpenCL on a CPU (PoCL) is a portability check, not the fastest CPU path; it is the default only on a GPU.
            if (name.equals("opencl")) continue;
            ComputeBackend backend = tryOpen(name);
            if (backend != null) return backend;
        }
        throw new IllegalStateException("the scalar backend always loads");
    }

    /** Every known backend: its device when it runs, else why not. */
    public static List<Status> status() {
        List<Status> out = new ArrayList<>();
        String defaultName = defaultBackend().name();
        for (String name : CLASSES.keySet()) {
            ComputeBackend backend = tryOpen(name);
            out.add(new Status(name, backend != null, backend != null ? backend.device() : UNAVAILABLE.get(name),
                    name.equals(defaultName)));
        }
        return out;
    }

    /** One row of {@link #status()}. */
    public record Status(String name, boolean available, String detail, boolean isDefault) {}

    private static ComputeBackend tryOpen(String name) {
        ComputeBackend open = OPEN.get(name);
        if (open != null) return open;
        if (UNAVAILABLE.containsKey(name)) return null;
        synchronized (ComputeBackends.class) {
            open = OPEN.get(name);
            if (open != null) return open;
            if (UNAVAILABLE.containsKey(name)) return null;
            try {
                Class<?> type = Class.forName(CLASSES.get(name));
                ComputeBackend backend = (ComputeBackend) type.getMethod("create").invoke(null);
                OPEN.put(name, backend);
                return backend;
            } catch (InvocationTargetException e) {
                markUnavailable(name, e.getCause() == null ? e.toString() : e.getCause().getMessage());
            } catch (ReflectiveOperationException | LinkageError e) {
                markUnavailable(name, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return null;
        }
    }

    private static void markUnavailable(String name, String reason) {
        UNAVAILABLE.put(name, reason == null ? "unknown reason" : reason);
        LOG.log(System.Logger.Level.INFO, "compute backend ''{0}'' unavailable, falling back: {1}", name, reason);
    }

    /** Closes every opened backend; for tests and shutdown. */
    public static synchronized void closeAll() {
        OPEN.values().forEach(ComputeBackend::close);
        OPEN.clear();
        UNAVAILABLE.clear();
    }
}
