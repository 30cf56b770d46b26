package dev.clusterby.internal.compute.java;

import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;

/** The {@code scalar} reference backend: always available, chosen by {@code auto} only when nothing faster runs. */
public final class ScalarBackendProvider implements ComputeBackendProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public ScalarBackendProvider() {}

    @Override public String name() { return "scalar"; }

    @Override public Availability availability() { return Availability.yes(); }

    @Override public int priority() { return 0; }

    @Override public ComputeBackend create(Settings settings) {
        return ScalarBackend.create();
    }
}
