package dev.clusterby.fuzz;

import dev.clusterby.ClusterbyException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every reader's fuzz target checks: the only outcomes are a value or a {@link ClusterbyException}, and the
 * heap a reading allocates stays in proportion to its input ({@link #BASE_BYTES} plus {@link #BYTES_PER_BYTE} per
 * input byte). Any other exception, or too much allocation, is a finding. Hangs are Jazzer's (its per-input timeout).
 */
final class FuzzChecks {
    /** What any reading may allocate whatever its size: buffers, a JSON parser, an image decoder's tables. */
    static final long BASE_BYTES = 32L << 20;
    /** Allocation allowed per input byte beyond the base (cells, strings, decoded pixels of a small image). */
    static final long BYTES_PER_BYTE = 2_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzChecks() {}

    /** A reading of the input that may fail only with a ClusterbyException. */
    @FunctionalInterface
    interface Reading {
        void run() throws Exception;
    }

    /**
     * Runs the reading and fails the fuzz input on any other exception or on out-of-proportion allocation. A
     * reading over the allowance is measured once more before it counts: the first reading of a kind loads (and
     * Jazzer instruments) classes on this thread, which is no reading's cost, and a reader is deterministic.
     */
    static void check(byte[] input, Reading reading) {
        long allowed = BASE_BYTES + BYTES_PER_BYTE * input.length;
        long allocated = measured(reading);
        if (allocated > allowed) allocated = measured(reading);
        if (allocated > allowed) {
            throw new IllegalStateException("reading " + input.length + " bytes allocated " + allocated
                    + " bytes on the heap, more than the " + allowed + " allowed");
        }
    }

    private static long measured(Reading reading) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        outcome(reading);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void outcome(Reading reading) {
        try {
            reading.run();
        } catch (ClusterbyException expected) {
            // a clear error is an allowed outcome
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a checked exception escaped the reader", e);
        }
    }

    /** Writes the input to a file of that name in a fresh folder under the JVM's temp folder. */
    static Path file(Path folder, String name, byte[] input) {
        try {
            Path file = folder.resolve(name);
            Files.write(file, input);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path folder(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
