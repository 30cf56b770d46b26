package dev.clusterby.cli;

import dev.clusterby.cluster.Clusterers;
import dev.clusterby.compute.ComputeBackends;
import dev.clusterby.embed.Encoders;
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
        for (ComputeBackends.Status status : ComputeBackends.status()) {
            out.printf("  %-7s %-11s %s%s%n", status.name(), status.available() ? "available" : "unavailable",
                    status.detail(), status.isDefault() ? "  (default)" : "");
        }
        out.println("encoders: " + String.join(", ", Encoders.names()) + "  (auto: bge-small for text)");
        out.println("methods: " + String.join(", ", Clusterers.names()));
        out.println("java: " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors");
    }
}
