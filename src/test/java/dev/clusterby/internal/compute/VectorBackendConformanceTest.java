package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;

import dev.clusterby.ClusterbyException;
import dev.clusterby.internal.compute.java.VectorBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Vector API backend against the reference. It needs {@code --add-modules jdk.incubator.vector}, which only the
 * {@code vector-backend} Surefire execution passes; elsewhere the whole class skips with the backend's reason.
 */
class VectorBackendConformanceTest extends BackendConformanceTest {
    private ComputeBackend backend;

    @BeforeAll
    void open() {
        try {
            backend = VectorBackend.create();
        } catch (ClusterbyException.Unavailable e) {
            Assumptions.assumeTrue(false, "java backend unavailable: " + e.getMessage());
        }
    }

    @Override
    protected ComputeBackend backend() {
        return backend;
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) backend.close();
    }
}
