package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;

import dev.clusterby.ClusterbyException;
import dev.clusterby.internal.compute.nativ.NativeBackend;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The C kernels against the reference. Skipped only where the build made no library; a built one must load. */
class NativeBackendConformanceTest extends BackendConformanceTest {
    private static final String RESOURCE = "/native/linux-x86_64/libclusterby.so";
    private NativeBackend backend;

    @Override
    protected ComputeBackend backend() {
        if (backend == null) {
            assumeTrue(NativeBackend.class.getResource(RESOURCE) != null,
                    "libclusterby was not built (no cmake/cc, another platform, or -Dnative.skip=true)");
            try {
                backend = NativeBackend.create();
            } catch (ClusterbyException.Unavailable e) {
                fail("libclusterby was built but does not load: " + e.getMessage());
            }
        }
        return backend;
    }
}
