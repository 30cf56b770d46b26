package dev.clusterby.cli;

import dev.clusterby.BackendStatus;
import dev.clusterby.Clustering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/** {@code clusterby info}: backends and their devices, encoders, methods. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "List compute backends, encoders and methods.")
final class InfoCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("compute backends:");
        for (BackendStatus status : Clustering.backends()) {
            out.printf("  %-7s %-11s %s%s%n", status.name(), status.available() ? "available" : "unavailable",
                    status.detail(), status.isDefault() ? "  (default)" : "");
        }
        out.println("encoders: " + String.join(", ", Clustering.encoders()) + "  (auto: bge-small for text)");
        out.println("methods: " + String.join(", ", Clustering.methods()));
        out.println("java: " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors");
    }
}
