package dev.clusterby.internal.compute;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;

/**
 * A test backend that never runs. Its priority is -1 (by name only) unless a test raises it, to see auto skip it.
 * Registered in the test resources' META-INF/services.
 */
public final class SwitchableBackendProvider implements ComputeBackendProvider {
    static final String NAME = "never-runs";
    static volatile int priority = -1;

    /** Made by ServiceLoader. */
    public SwitchableBackendProvider() {}

    @Override public String name() { return NAME; }

    @Override public Availability availability() { return Availability.no("it is a test backend that never runs"); }

    @Override public int priority() { return priority; }

    @Override public ComputeBackend create(Settings settings) {
        throw new ClusterbyException.Unavailable("never runs");
    }
}
