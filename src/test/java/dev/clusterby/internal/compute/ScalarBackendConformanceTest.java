package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;

import dev.clusterby.internal.compute.java.ScalarBackend;

/** The reference against itself: checks that the suite's data, shapes and tolerances are sound. */
class ScalarBackendConformanceTest extends BackendConformanceTest {
    private static final ScalarBackend BACKEND = ScalarBackend.create();

    @Override
    protected ComputeBackend backend() {
        return BACKEND;
    }
}
