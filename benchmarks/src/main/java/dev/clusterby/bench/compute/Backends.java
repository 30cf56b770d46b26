package dev.clusterby.bench.compute;

import dev.clusterby.internal.compute.ComputeBackends;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints which backends run in this JVM (to stderr, with the device or the reason) and, on stdout, the comma-separated
 * names of those that do, among the arguments (default: all). run-compute.sh passes that list to JMH's -p backend.
 */
public final class Backends {
    private Backends() {}

    public static void main(String[] args) {
        List<String> wanted = args.length > 0 ? List.of(args) : ComputeBackends.names();
        List<String> available = new ArrayList<>();
        for (dev.clusterby.BackendStatus s : ComputeBackends.status()) {
            if (!wanted.contains(s.name())) continue;
            System.err.printf("backend %-7s %s: %s%n", s.name(), s.available() ? "runs" : "SKIPPED", s.detail());
            if (s.available()) available.add(s.name());
        }
        System.out.println(String.join(",", available));
    }
}
