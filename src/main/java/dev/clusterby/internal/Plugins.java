package dev.clusterby.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Plug-ins found through {@link ServiceLoader}, for the three registries (clusterers, encoders, compute backends):
 * a provider that cannot load (a broken jar, a missing class) is logged once at WARNING and skipped, so one bad
 * plug-in never takes the built-ins down with it.
 */
public final class Plugins {
    private static final System.Logger LOG = System.getLogger("dev.clusterby");

    private Plugins() {}

    /** Every provider of the type that loads, in ServiceLoader order; {@code what} names them in the warning. */
    public static <T> List<T> load(Class<T> type, ClassLoader loader, String what) {
        List<T> found = new ArrayList<>();
        var iterator = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) break;
                found.add(iterator.next());
            } catch (ServiceConfigurationError e) {
                LOG.log(System.Logger.Level.WARNING, "skipping " + what + " that cannot load: " + e.getMessage());
            }
        }
        return found;
    }

    /** Warns that a provider was skipped because another one already has its name. */
    public static void warnTaken(String what, Object provider, String name) {
        LOG.log(System.Logger.Level.WARNING, what + " " + provider.getClass().getName() + " uses the taken name '"
                + name + "'; skipped");
    }
}
