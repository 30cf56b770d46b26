package dev.clusterby.internal.compute.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps the JVM's POSIX signal handlers in place across calls into an OpenCL driver.
 *
 * <p>PoCL's CPU device runs LLVM, which installs its crash handlers for SIGSEGV, SIGBUS, SIGILL, SIGINT, SIGTERM and
 * more when a device is enumerated (and PoCL adds one for SIGFPE). HotSpot takes SIGSEGV on purpose: safepoint polls
 * and implicit null checks fault. LLVM's handlers are one-shot ({@code SA_RESETHAND}), so when two Java threads
 * fault together the second meets the default action and the JVM dies with "Segmentation fault" and no hs_err,
 * long after the OpenCL call returned. A {@link Guard} records every handler before a driver call and puts back any
 * the driver replaced. (Starting the JVM with {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so} also prevents this.)
 *
 * <p>Linux only: {@code struct sigaction} differs elsewhere, and the drivers that do this are Linux ones.
 */
final class HostSignalHandlers {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.compute");
    /** glibc's struct sigaction is 152 bytes on x86-64 and aarch64; room to spare, since only its prefix is read. */
    private static final long ACTION_BYTES = 256;
    /** Standard signals; SIGKILL (9) and SIGSTOP (19) cannot be caught. */
    private static final int LAST_SIGNAL = 31;
    /** glibc sets SA_RESTORER on every handler it installs, SIG_DFL included, so it is not a change. */
    private static final int SA_RESTORER = 0x04000000;
    private static final MethodHandle SIGACTION = sigaction().orElse(null);
    private static volatile boolean reported;

    private HostSignalHandlers() {}

    private static Optional<MethodHandle> sigaction() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return Optional.empty();
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("sigaction").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)));
    }

    /** Records the handlers now; closing it restores any that changed since. */
    static Guard guard() {
        return new Guard();
    }

    /** The handlers in force now, one {@code struct sigaction} per signal, or empty off Linux. */
    static MemorySegment snapshot(Arena arena) {
        if (SIGACTION == null) return MemorySegment.NULL;
        MemorySegment actions = arena.allocate(ACTION_BYTES * (LAST_SIGNAL + 1), 16);
        for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
            if (catchable(signal)) call(signal, MemorySegment.NULL, slot(actions, signal));
        }
        return actions;
    }

    /** Signals whose handler address or flags differ between two snapshots. */
    static List<Integer> changed(MemorySegment before, MemorySegment after) {
        List<Integer> signals = new ArrayList<>();
        if (before.equals(MemorySegment.NULL) || after.equals(MemorySegment.NULL)) return signals;
        for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
            if (!catchable(signal)) continue;
            MemorySegment a = slot(before, signal), b = slot(after, signal);
            // sa_handler at 0; sa_flags after the 128-byte mask
            if (a.get(ValueLayout.JAVA_LONG, 0) != b.get(ValueLayout.JAVA_LONG, 0)
                    || (a.get(ValueLayout.JAVA_INT, 136) & ~SA_RESTORER) != (b.get(ValueLayout.JAVA_INT, 136) & ~SA_RESTORER)) {
                signals.add(signal);
            }
        }
        return signals;
    }

    private static boolean catchable(int signal) {
        return signal != 9 && signal != 19;
    }

    private static MemorySegment slot(MemorySegment actions, int signal) {
        return actions.asSlice(ACTION_BYTES * signal, ACTION_BYTES);
    }

    private static void call(int signal, MemorySegment action, MemorySegment previous) {
        try {
            int rc = (int) SIGACTION.invokeExact(signal, action, previous);
            if (rc != 0) throw new IllegalStateException("sigaction(" + signal + ") failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Handlers are process-wide: a guard opened while another thread's driver call has replaced them would record the
     * driver's handlers and put them back. Guards are therefore held one at a time (re-entrant within a thread).
     */
    private static final java.util.concurrent.locks.ReentrantLock ONE_AT_A_TIME = new java.util.concurrent.locks.ReentrantLock();

    /** The handlers before a driver call; {@link #close()} puts back the ones it replaced. */
    static final class Guard implements AutoCloseable {
        private final Arena arena;
        private final MemorySegment before;

        private Guard() {
            ONE_AT_A_TIME.lock();
            try {
                arena = Arena.ofConfined();
                before = snapshot(arena);
            } catch (RuntimeException | Error e) {
                ONE_AT_A_TIME.unlock();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                List<Integer> replaced = changed(before, snapshot(arena));
                for (int signal : replaced) call(signal, slot(before, signal), MemorySegment.NULL);
                if (!replaced.isEmpty() && !reported) {
                    reported = true;
                    LOG.log(System.Logger.Level.DEBUG, "the OpenCL driver replaced the JVM's handlers for signals "
                            + replaced + "; they were put back");
                }
            } finally {
                arena.close();
                ONE_AT_A_TIME.unlock();
            }
        }
    }
}
