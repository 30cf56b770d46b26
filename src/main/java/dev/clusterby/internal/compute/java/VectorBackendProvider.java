package dev.clusterby.internal.compute.java;

import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;

/** The {@code java} backend: the Vector API, where the JVM was started with {@code --add-modules jdk.incubator.vector}. */
public final class VectorBackendProvider implements ComputeBackendProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public VectorBackendProvider() {}

    @Override public String name() { return "java"; }

    @Override public Availability availability() {
        String reason = VectorBackend.whyNot();
        return reason == null ? Availability.yes() : Availability.no(reason);
    }

    @Override public int priority() { return 200; }

    @Override public ComputeBackend create(Settings settings) {
        return VectorBackend.create(settings.threads());
    }
}
