package dev.clusterby.internal.compute.opencl;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PoCL's LLVM replaces HotSpot's SIGSEGV handler (and a dozen others) when a device is enumerated; the next pair of
 * simultaneous safepoint faults then killed the test JVM with no hs_err. The backend must leave them as it found them.
 */
class HostSignalHandlersTest {
    private static final int SIGXCPU = 24; // unused by HotSpot

    @Test
    void aGuardPutsBackAHandlerReplacedInsideIt() throws Throwable {
        assumeLinux();
        Linker linker = Linker.nativeLinker();
        MethodHandle sigaction = linker.downcallHandle(linker.defaultLookup().find("sigaction").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment before = HostSignalHandlers.snapshot(arena);
            try (var guard = HostSignalHandlers.guard()) {
                MemorySegment ignore = arena.allocate(256, 16); // sa_handler = SIG_IGN (1), empty mask, no flags
                ignore.set(ValueLayout.JAVA_LONG, 0, 1L);
                assertEquals(0, (int) sigaction.invokeExact(SIGXCPU, ignore, MemorySegment.NULL));
                assertEquals(List.of(SIGXCPU), HostSignalHandlers.changed(before, HostSignalHandlers.snapshot(arena)));
            }
            assertEquals(List.of(), HostSignalHandlers.changed(before, HostSignalHandlers.snapshot(arena)));
        }
    }

    @Test
    void openingAndUsingTheBackendLeavesEverySignalHandlerAsItWas() {
        assumeLinux();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment before = HostSignalHandlers.snapshot(arena);
            try (OpenClBackend backend = open()) {
                int n = 300, k = 5, d = 8;
                FloatMatrix points = new FloatMatrix(arena.allocate(4L * n * d, 64), n, d);
                FloatMatrix centroids = new FloatMatrix(arena.allocate(4L * k * d, 64), k, d);
                for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) points.set(i, j, (i * 31 + j * 7) % 13);
                for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) centroids.set(c, j, c * 3 + j);
                backend.assignL2(points, centroids, arena.allocate(4L * n, 64), arena.allocate(4L * n, 64));
                backend.knn(points, 3, arena.allocate(4L * n * 3, 64), arena.allocate(4L * n * 3, 64));
                assertEquals(List.of(), HostSignalHandlers.changed(before, HostSignalHandlers.snapshot(arena)),
                        "signals whose handler the driver left replaced");
            }
            assertEquals(List.of(), HostSignalHandlers.changed(before, HostSignalHandlers.snapshot(arena)));
        }
    }

    private static OpenClBackend open() {
        try {
            return OpenClBackend.create();
        } catch (ClusterbyException.Unavailable e) {
            Assumptions.assumeTrue(false, "no OpenCL platform: install pocl-opencl-icd (" + e.getMessage() + ")");
            throw e;
        }
    }

    private static void assumeLinux() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "signal handlers are read through glibc's struct sigaction");
    }
}
