package dev.clusterby.cli;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.Embedding;
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

/** {@code clusterby embed INPUT --by COL}: the n×d float32 embedding clustering would use, in input order. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write the embedding of a text or image column as an n×d float32 .npy, through the same cache as cluster.")
final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The input file or folder.")
    Path input;

    @Option(names = "--by", paramLabel = "COL", required = true, description = "The text or image column to embed.")
    String by;

    @Option(names = "--encoder", defaultValue = "auto", description = "Encoder name, or auto for the column's modality.")
    String encoder;

    @Option(names = "--out", paramLabel = "FILE.npy", description = "Where to write the embedding.")
    Path out;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
        if (out != null) {
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                throw new ClusterbyException.BadOption("--out", "writes a .npy file; got " + out);
            }
            PredictCommand.checkWritable(out, "--out");
        }
        if (!Files.exists(input)) throw new ClusterbyException.BadFile("file not found: " + input);
        try (DataPanel panel = DataPanel.read(input)) {
            if (panel.isEmpty()) throw new ClusterbyException.InvalidData(input + " has no rows");
            panel.column(by);
            ProgressBar progress = new ProgressBar(stderr, "embedding");
            Embedding embedding = panel.embedding(by, encoder, Flags.settings(null, null, cacheDir), progress);
            progress.finish();
            if (out != null) embedding.tensor().writeNpy(out);
            stdout.printf(Locale.ROOT, "embedding: %d x %d float32, encoder %s%s%n", embedding.tensor().size(),
                    embedding.tensor().dim(), embedding.encoder(), out == null ? "" : ", written to " + out);
            stdout.printf(Locale.ROOT, "embedded: %d computed, %d cached%n", embedding.computed(), embedding.cached());
        }
        return 0;
    }
}
