package dev.clusterby.compute;

import dev.clusterby.Settings;

/**
 * A compute backend found through {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.clusterby.compute.ComputeBackendProvider}. The built-in ones are {@code native},
 * {@code java}, {@code opencl} and {@code scalar}.
 *
 * <p>clusterby's registry owns the backends it creates: it makes at most one per name and thread count, hands out
 * views whose {@code close()} does nothing, and closes the backends itself. A provider must not touch optional
 * classes (a native library, JOCL, an incubator module) until {@link #availability()} or {@link #create} runs, so
 * that a missing piece removes the backend with a reason instead of breaking class loading.
 */
public interface ComputeBackendProvider {

    /** The name users select the backend by, lower case, such as {@code native}. */
    String name();

    /**
     * Whether the backend can run here, and if not why, in words a user can act on. Cheap and without side effects
     * beyond loading what the backend needs; {@link #create} may still fail with a reason found only then.
     */
    Availability availability();

    /**
     * The order of the {@code auto} choice: the available provider of highest priority wins. A negative priority
     * means the backend is used only when asked for by name.
     */
    int priority();

    /**
     * Creates the backend for these settings (it reads {@link Settings#threads()} where it runs threads).
     *
     * @throws dev.clusterby.ClusterbyException.Unavailable with the reason when it cannot run here
     */
    ComputeBackend create(Settings settings);

    /**
     * Whether a backend can run, and the reason when it cannot.
     *
     * @param available whether it can run here
     * @param reason    why it cannot, or {@code ""} when it can
     */
    record Availability(boolean available, String reason) {

        /** Validates that an unavailable backend says why. */
        public Availability {
            reason = reason == null ? "" : reason;
            if (!available && reason.isBlank()) throw new IllegalArgumentException("an unavailable backend must say why");
        }

        /** The backend can run. */
        public static Availability yes() {
            return new Availability(true, "");
        }

        /** The backend cannot run, for this reason. */
        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
