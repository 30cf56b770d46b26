package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;

import dev.clusterby.ClusterbyException;
import dev.clusterby.internal.compute.opencl.OpenClBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The OpenCL backend against the reference, on whatever device it picks (PoCL on CPU-only machines); skips without a platform. */
class OpenClBackendConformanceTest extends BackendConformanceTest {
    private ComputeBackend backend;

    @BeforeAll
    void open() {
        try {
            backend = OpenClBackend.create();
        } catch (ClusterbyException.Unavailable e) {
            Assumptions.assumeTrue(false, "no OpenCL platform: install pocl-opencl-icd (" + e.getMessage() + ")");
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
