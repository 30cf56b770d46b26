package dev.clusterby.internal.compute.nativ;

import dev.clusterby.compute.FloatMatrix;

import dev.clusterby.ClusterbyException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibraryTest {
    @Test
    void skipPropertyMakesTheBackendUnavailableWithItsReason() {
        System.setProperty(NativeLibrary.SKIP_PROPERTY, "true");
        try {
            var e = assertThrows(ClusterbyException.Unavailable.class, NativeBackend::create);
            assertTrue(e.getMessage().contains(NativeLibrary.SKIP_PROPERTY), e.getMessage());
        } finally {
            System.clearProperty(NativeLibrary.SKIP_PROPERTY);
        }
    }

    @Test
    void closedBackendRefusesWork() {
        if (NativeLibrary.class.getResource("/native/linux-x86_64/libclusterby.so") == null) return;
        NativeBackend backend = NativeBackend.create();
        backend.close();
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.knn(
                new dev.clusterby.compute.FloatMatrix(java.lang.foreign.MemorySegment.ofArray(new float[4]), 2, 2), 1,
                java.lang.foreign.MemorySegment.ofArray(new int[2]), java.lang.foreign.MemorySegment.ofArray(new float[2])));
    }
}
