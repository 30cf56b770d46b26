package dev.clusterby.compute.nativ;

import dev.clusterby.compute.BackendConformanceTest;
import dev.clusterby.compute.ComputeBackend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenBLAS-fused assignment on every shape (the default backend takes it only where it is faster). */
class NativeSgemmConformanceTest extends BackendConformanceTest {
    private NativeBackend backend;

    @Override
    protected ComputeBackend backend() {
        if (backend == null) {
            assumeTrue(NativeBackend.class.getResource("/native/linux-x86_64/libclusterby.so") != null, "libclusterby was not built");
            assumeTrue(OpenBlas.sgemm() != null, "OpenBLAS did not load here");
            backend = NativeBackend.create(0, NativeBackend.Sgemm.ALWAYS);
        }
        return backend;
    }
}
