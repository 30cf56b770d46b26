package dev.clusterby.internal.compute.nativ;

import dev.clusterby.internal.compute.BackendConformanceTest;
import dev.clusterby.compute.ComputeBackend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenBLAS-fused assignment (off by default, {@code -Dclusterby.native.sgemm=true}) on every shape. */
class NativeSgemmConformanceTest extends BackendConformanceTest {
    private NativeBackend backend;

    @Override
    protected ComputeBackend backend() {
        if (backend == null) {
            assumeTrue(NativeBackend.class.getResource("/native/linux-x86_64/libclusterby.so") != null, "libclusterby was not built");
            assumeTrue(OpenBlas.sgemm() != null, "OpenBLAS did not load here");
            backend = NativeBackend.create(0, true);
        }
        return backend;
    }
}
