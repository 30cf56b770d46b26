package dev.clusterby.cli;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterModel;
import dev.clusterby.ClusterbyException;
import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clusterby predict MODEL INPUT}: label the rows of INPUT with a saved model, without refitting. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Label the rows of INPUT with a model saved by cluster --save-model (no refit).")
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file.")
    Path model;

    @Parameters(index = "1", paramLabel = "INPUT", description = "The input file or folder.")
    Path input;

    @Option(names = "--by", paramLabel = "COL", description = "The column to label (default: the model's column).")
    String by;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the rows plus a cluster column (.csv, .jsonl) or the labels (.npy).")
    Path out;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--backend", description = "Compute backend: auto, native, java, opencl, scalar.")
    String backend;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
        Settings settings = Flags.settings(backend, null, cacheDir);
        if (out != null) checkWritable(out, "--out");
        ClusterModel kept = ClusterModel.load(model);
        if (!Files.exists(input)) throw new ClusterbyException.BadFile("file not found: " + input);
        try (DataPanel panel = DataPanel.read(input)) {
            if (panel.isEmpty()) throw new ClusterbyException.InvalidData(input + " has no rows");
            String column = by != null ? by
                    : panel.hasColumn(kept.column()) || kept.modality() != ClusterModel.Modality.TENSOR ? kept.column()
                    : ClusterCommand.onlyTensorColumn(panel);
            if (!panel.hasColumn(column)) {
                throw new ClusterbyException.BadOption("--by", "column '" + column + "' is not in " + input
                        + "; its columns are " + panel.columnNames());
            }
            ProgressBar progress = new ProgressBar(stderr, "embedding");
            ClusterBy<?> labelled = panel.clusterBy(column, kept, settings, progress);
            progress.finish();
            Report.clusters(stdout, labelled, names(kept), panel.column(column).type() == ColumnType.TENSOR ? null : column, 3);
            if (out != null) ClusterCommand.write(labelled, out);
            var result = labelled.result();
            stdout.printf(Locale.ROOT, "embedded: %d computed, %d cached%n", result.embeddedComputed(), result.embeddedCached());
            stdout.printf(Locale.ROOT, "predict: %s k=%d rows=%d seconds=%.3f%n", kept.method(), kept.k(), panel.size(),
                    result.fitSeconds());
        }
        return 0;
    }

    /** The model's cluster names and keywords (saved from cluster's describe table) in the table Report prints. */
    private static DataPanel names(ClusterModel kept) {
        if (kept.names() == null) return DataPanel.of(IntColumn.of("cluster", new int[0]));
        int[] ids = java.util.stream.IntStream.range(0, kept.k()).toArray();
        List<String> keywords = kept.descriptions() != null ? kept.descriptions() : java.util.Collections.nCopies(kept.k(), "");
        return DataPanel.of(IntColumn.of("cluster", ids), StringColumn.of("name", kept.names().toArray(String[]::new)),
                StringColumn.of("keywords", keywords.toArray(String[]::new)));
    }

    /** The folder of an output file must exist, so a long run does not fail at its end. */
    static void checkWritable(Path file, String option) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ClusterbyException.BadOption(option, "the folder of " + file + " does not exist");
        }
        if (Files.isDirectory(file)) throw new ClusterbyException.BadOption(option, file + " is a folder");
    }
}
