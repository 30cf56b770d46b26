package dev.clusterby.internal.embed;

import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOP_FallbackServiceProvider;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * DJL's tokenizers log through the SLF4J API, and clusterby brings no SLF4J provider: the application chooses one.
 * When it has none, SLF4J 2 falls back to its no-operation logger and prints a three-line warning on stderr, about a
 * logging API the application never asked for. So before DJL first logs, and only when no provider is on the class
 * path and the application has not named one with {@code slf4j.provider}, this names SLF4J's own no-operation
 * provider through that documented property (with {@code slf4j.internal.verbosity=WARN}, unless set, so that SLF4J
 * does not announce the choice), lets SLF4J initialise, and clears both again. The outcome is what SLF4J would have
 * done, without the warning. An application that adds a provider (slf4j-jdk14, logback, ...) gets DJL's messages
 * through it, and this does nothing. If SLF4J was already initialised, this changes nothing either.
 */
final class QuietSlf4j {
    private QuietSlf4j() {}

    private static final String PROVIDER_KEY = "slf4j.provider";
    private static final String VERBOSITY_KEY = "slf4j.internal.verbosity";
    private static volatile boolean done;

    static void ensure() {
        if (done) return;
        synchronized (QuietSlf4j.class) {
            if (done) return;
            done = true;
            if (System.getProperty(PROVIDER_KEY) != null || hasProvider()) return;
            boolean setVerbosity = System.getProperty(VERBOSITY_KEY) == null;
            System.setProperty(PROVIDER_KEY, NOP_FallbackServiceProvider.class.getName());
            if (setVerbosity) System.setProperty(VERBOSITY_KEY, "WARN");
            try {
                LoggerFactory.getILoggerFactory();
            } finally {
                System.clearProperty(PROVIDER_KEY);
                if (setVerbosity) System.clearProperty(VERBOSITY_KEY);
            }
        }
    }

    /** As SLF4J looks: its own class loader; providers are listed, not instantiated. A broken one is SLF4J's to report. */
    private static boolean hasProvider() {
        try {
            return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader()).stream().findAny().isPresent();
        } catch (ServiceConfigurationError e) {
            return true;
        }
    }
}
