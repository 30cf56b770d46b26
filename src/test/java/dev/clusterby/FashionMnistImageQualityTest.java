package dev.clusterby;

import dev.clusterby.Metrics;
import dev.clusterby.internal.io.Idx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The auto image encoder (hog-pca) plus k-means on the 10,000 Fashion-MNIST test images, k=10. Measured here
 * (benchmarks/RESULTS-images.md): ARI 0.495, NMI 0.637; raw pixels give 0.34 / 0.49. The bar is ARI ≥ 0.42 and
 * NMI ≥ 0.62; this asserts the measured level less 0.015. Fails, never skips, without the data.
 */
class FashionMnistImageQualityTest {
    static final Path DATA = Path.of("data/fashion-mnist");

    @TempDir
    Path cache;

    @Test
    void autoImageEncoderClustersFashionMnist() {
        Path images = DATA.resolve("t10k-images-idx3-ubyte.gz"), labels = DATA.resolve("t10k-labels-idx1-ubyte.gz");
        assertTrue(Files.isRegularFile(images) && Files.isRegularFile(labels),
                "Fashion-MNIST is missing from " + DATA.toAbsolutePath() + "; run scripts/fetch-data.sh");
        try (DataPanel panel = Idx.readImagesWithLabels(images, labels)) {
            ClusterBy<?> cb = panel.clusterBy("image", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", 10, "seed", 42, "n-init", 10)));
            assertEquals("hog-pca", cb.result().encoder());
            assertTrue(cb.errors().isEmpty());
            int[] truth = panel.intColumn("label").toIntArray(-1), got = cb.labels().toIntArray(-1);
            double ari = Metrics.adjustedRandIndex(truth, got), nmi = Metrics.normalizedMutualInfo(truth, got);
            assertTrue(ari >= 0.48 && nmi >= 0.622, "ARI " + ari + ", NMI " + nmi + " (measured 0.495 / 0.637)");
        }
    }
}
