package dev.clusterby.cli;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.ColumnType;
import dev.clusterby.DataPanel;
import dev.clusterby.SliceBy;
import dev.clusterby.SliceOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clusterby explain INPUT --by COL --target COL --pred COL}: where a model's predictions go wrong. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Find the slices of INPUT where a model errs (Domino's error-aware mixture over the embedding of --by, "
                + "the target and the prediction), ranked by error rate and named.")
final class ExplainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The input file or folder.")
    Path input;

    @Option(names = "--by", required = true, paramLabel = "COL", description = "The text, image or tensor column to slice by.")
    String by;

    @Option(names = "--target", required = true, paramLabel = "COL", description = "The true labels.")
    String target;

    @Option(names = "--pred", required = true, paramLabel = "COL",
            description = "The predicted labels, or a probability of the positive class (target 0/1 or false/true).")
    String pred;

    @Option(names = "--slices", paramLabel = "N", defaultValue = "5", description = "Number of slices (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the input rows plus slice (0 = highest error, -1 = none) and slice_score (.csv, .jsonl).")
    Path out;

    @Option(names = "--encoder", defaultValue = "auto", description = "Encoder name, or auto for the column's modality.")
    String encoder;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed.")
    long seed;

    @Option(names = "--backend", description = "Compute backend: auto, native, java, opencl, scalar.")
    String backend;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Where ONNX encoders run: auto, cpu, cuda.")
    String device;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (slices < 1 || slices > 100) throw new ClusterbyException.BadOption("--slices", "must be 1..100, got " + slices);
        SliceOptions options;
        try {
            options = SliceOptions.defaults().withSlices(slices).withEncoder(encoder).withSeed(seed);
        } catch (ClusterbyException.BadOption e) {
            throw new ClusterbyException.BadOption("--encoder", "must not be blank");
        }
        options = options.withSettings(Flags.settings(backend, device, cacheDir));
        if (!Files.exists(input)) throw new ClusterbyException.BadFile("file not found: " + input);
        try (DataPanel panel = DataPanel.read(input)) {
            if (panel.isEmpty()) throw new ClusterbyException.InvalidData(input + " has no rows");
            for (String name : new String[] {by, target, pred}) panel.column(name);
            SliceBy found = panel.explainBy(by, target, pred, options);
            DataPanel described = found.describe();
            for (int i = 0; i < described.size(); i++) {
                long slice = described.intColumn("slice").getLong(i);
                if (slice < 0) continue;
                stdout.printf(Locale.ROOT, "slice %d: rows=%d error=%.3f name=%s%n", slice,
                        described.intColumn("size").getLong(i), described.doubleColumn("error").getDouble(i),
                        described.stringColumn("name").get(i));
            }
            int[] sizes = found.sizes();
            int inSlices = java.util.Arrays.stream(sizes).sum();
            if (inSlices < panel.size()) stdout.printf(Locale.ROOT, "in no slice: %d rows%n", panel.size() - inSlices);
            if (out != null) write(found);
        }
        return 0;
    }

    private void write(SliceBy found) {
        try (DataPanel labelled = found.toDataPanel()) {
            DataPanel visible = labelled.select(labelled.columns().stream()
                    .filter(c -> c.type() != ColumnType.TENSOR).map(Column::name).toArray(String[]::new));
            visible.write(out);
        }
    }
}
