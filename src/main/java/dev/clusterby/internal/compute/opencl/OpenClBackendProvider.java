package dev.clusterby.internal.compute.opencl;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;

import java.lang.reflect.InvocationTargetException;

/**
 * The {@code opencl} backend, through JOCL, an optional dependency. This class names no JOCL type, so it loads
 * without JOCL and reports the backend unavailable; {@link OpenClBackend} is reached by name only when JOCL is there.
 *
 * <p>Never chosen by {@code auto}: on a CPU device (PoCL) it is a portability check, slower than {@code native},
 * and a GPU pays a copy per call; ask for it by name.
 */
public final class OpenClBackendProvider implements ComputeBackendProvider {
    static final String JOCL = "org.jocl:jocl:2.0.6";

    /** Made by {@link java.util.ServiceLoader}. */
    public OpenClBackendProvider() {}

    @Override public String name() { return "opencl"; }

    @Override public Availability availability() {
        try {
            Class.forName("org.jocl.CL", false, OpenClBackendProvider.class.getClassLoader());
            return Availability.yes();
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.no("JOCL is not on the classpath: add " + JOCL + " (an optional dependency) to use OpenCL");
        }
    }

    @Override public int priority() { return -1; }

    @Override public ComputeBackend create(Settings settings) {
        Availability availability = availability();
        if (!availability.available()) throw new ClusterbyException.Unavailable(availability.reason());
        try {
            Class<?> type = Class.forName("dev.clusterby.internal.compute.opencl.OpenClBackend", true,
                    OpenClBackendProvider.class.getClassLoader());
            return (ComputeBackend) type.getMethod("create").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new ClusterbyException.Unavailable("OpenCL cannot start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ClusterbyException.Unavailable("OpenCL cannot start: " + e, e);
        }
    }
}
