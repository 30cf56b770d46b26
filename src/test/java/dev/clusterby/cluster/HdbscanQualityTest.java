package dev.clusterby.cluster;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import dev.clusterby.Metrics;
import dev.clusterby.internal.io.Idx;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The quality targets for {@code clusterBy(col, "hdbscan")} with no k and every default, on sets the size
 * rules were not chosen on (they were chosen on two spam slices, two emoji slices and Fashion-MNIST train, see
 * benchmarks/RESULTS-hdbscan.md): noise under 20% with noise=keep, between 0.5× and 2× as many clusters as classes,
 * and NMI (noise counted as one more cluster) within 0.1 of k-means given the true k on the same embedding.
 */
class HdbscanQualityTest {
    static final Path EMOJI = Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv");
    static final Path REUTERS = Path.of("src/test/resources/data/reuters-crude-acq.csv");
    static final Path FASHION = Path.of("data/fashion-mnist");

    /**
     * The demo's emoji names. Measured 2026-12-02: 16.1% noise on the native backend, 7.5% on scalar (the layout
     * follows the kNN's rounding); the 24.2% recorded the day before came from earlier layout code.
     */
    @Test
    void emojiNamesEmbeddedWithMinilm() {
        check(DataPanel.read(EMOJI), "text", "group", "minilm", 0.20);
    }

    @Test
    void reutersEmbeddedWithMinilm() {
        check(DataPanel.read(REUTERS), "text", "topic", "minilm", 0.20);
    }

    @Test
    void fashionMnistTestThroughTheAutoImageEncoder() {
        Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz"), labels = FASHION.resolve("t10k-labels-idx1-ubyte.gz");
        assertTrue(Files.exists(images) && Files.exists(labels),
                "Fashion-MNIST is missing from " + FASHION.toAbsolutePath() + "; run scripts/fetch-data.sh");
        check(Idx.readImagesWithLabels(images, labels), "image", "label", "auto", 0.20);
    }

    /** A saved hdbscan model labels the panel again through approximate predict, noise included. */
    @Test
    void savedModelPredictsTheTrainingRowsAgain(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            ClusterBy<?> cb = panel.clusterBy("text", ClusterSpec.defaults().withEncoder("minilm").withMethod("hdbscan"));
            Path file = dir.resolve("emoji.model");
            dev.clusterby.ClusterModel.of(cb).save(file);
            dev.clusterby.ClusterModel loaded = dev.clusterby.ClusterModel.load(file);
            assertEquals("hdbscan", loaded.method());
            int[] fitted = cb.labels().toIntArray(-1), again = loaded.predict(panel).toIntArray(-2);
            int same = 0, clustered = 0, sameClustered = 0;
            for (int i = 0; i < fitted.length; i++) {
                if (fitted[i] == again[i]) same++;
                if (fitted[i] >= 0) {
                    clustered++;
                    if (fitted[i] == again[i]) sameClustered++;
                }
            }
            double ari = Metrics.adjustedRandIndex(fitted, again);
            String what = same + " of " + fitted.length + " rows as fitted; " + sameClustered + " of the " + clustered
                    + " clustered rows; ARI " + ari;
            System.out.println("saved hdbscan model: " + what);
            // Measured 430 of 479 (90%), 367 of 402 clustered rows: new points are placed in the reduced space by their
            // neighbours' layout positions (UMAP's transform start, without its optimisation), which moves some rows.
            assertTrue(sameClustered >= 0.8 * clustered, what);
            assertTrue(same >= 0.8 * fitted.length, what);
        }
    }

    private static void check(DataPanel panel, String by, String label, String encoder, double maxNoise) {
        try (panel) {
            int[] truth = HdbscanTuning.truth(panel.column(label));
            int classes = (int) Arrays.stream(truth).distinct().count();
            ClusterBy<?> cb = panel.clusterBy(by, ClusterSpec.defaults().withEncoder(encoder).withMethod("hdbscan"));
            Hdbscan.Model model = (Hdbscan.Model) cb.model();
            int[] labels = cb.labels().toIntArray(-1);
            ClusterBy<?> kmeans = panel.clusterBy(by, ClusterSpec.defaults().withEncoder(encoder).withParams(Map.of("k", classes)));
            assertEquals(0, kmeans.result().embeddedComputed(), "k-means reuses the cached embedding");
            double nmi = Metrics.normalizedMutualInfo(truth, labels);
            double kmeansNmi = Metrics.normalizedMutualInfo(truth, kmeans.labels().toIntArray(-1));
            String what = model + " nmi=" + nmi + " k-means(k=" + classes + ") nmi=" + kmeansNmi;
            System.out.println(panel.size() + " rows, " + classes + " classes: " + what);
            assertTrue(model.noiseShare() < maxNoise, what);
            assertTrue(model.k() >= 0.5 * classes && model.k() <= 2 * classes, what);
            assertTrue(nmi >= kmeansNmi - 0.1, what);
            // Noise rows stay in the panel as cluster -1.
            DataPanel labelled = cb.toDataPanel();
            assertEquals(panel.size(), labelled.size());
            int[] column = ((IntColumn) labelled.column("cluster")).toIntArray(-2);
            assertEquals(model.noiseCount(), Arrays.stream(column).filter(l -> l == -1).count());
            assertEquals(panel.size() - model.noiseCount(), Arrays.stream(cb.sizes()).sum());
        }
    }
}
