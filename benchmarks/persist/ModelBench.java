package dev.clusterby.bench;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterModel;
import dev.clusterby.ClusterSpec;
import dev.clusterby.DataPanel;
import dev.clusterby.Settings;
import dev.clusterby.TensorColumn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Kept models: file size, load time and predict throughput for k-means k=256 and a diagonal GMM k=32 on 100k×384
 * float32 (256 seeded Gaussian blobs; embeddings "cached" = a tensor column, nothing to encode), and predict on
 * texts with a fresh cache (every row encoded) against the same texts cached. Writes the data to DIR/data.npy so
 * benchmarks/peers/persist_peers.py fits and times scikit-learn on the very same rows.
 * Usage: ModelBench DIR [rows] [texts.csv]
 */
public final class ModelBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path texts = args.length > 2 ? Path.of(args[2]) : null;
        Files.createDirectories(dir);
        int d = 384, blobs = 256;
        SplittableRandom random = new SplittableRandom(12);
        float[][] centres = new float[blobs][d];
        for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) random.nextGaussian();
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(blobs)];
            for (int j = 0; j < d; j++) rows[i][j] = c[j] + (float) (0.5 * random.nextGaussian());
        }
        try (DataPanel panel = DataPanel.of(TensorColumn.of("tensor", rows))) {
            panel.tensorColumn("tensor").writeNpy(dir.resolve("data.npy"));
            measure("kmeans k=256", panel, ClusterSpec.defaults().withParams(Map.of("k", 256, "n-init", 1, "max-iter", 10, "seed", 1)),
                    dir.resolve("kmeans.zip"), n);
            measure("gmm diag k=32", panel, ClusterSpec.defaults().withMethod("gmm")
                    .withParams(Map.of("k", 32, "covariance", "diag", "max-iter", 10, "n-init", 1, "seed", 1)), dir.resolve("gmm.zip"), n);
        }
        if (texts != null) textPredict(dir, texts);
    }

    private static void measure(String what, DataPanel panel, ClusterSpec<?> spec, Path file, int n) {
        long start = System.nanoTime();
        ClusterBy<?> fit = panel.clusterBy("tensor", spec);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        ClusterModel.of(fit).save(file);
        double[] loads = new double[7];
        ClusterModel model = null;
        for (int i = 0; i < loads.length; i++) {
            start = System.nanoTime();
            model = ClusterModel.load(file);
            loads[i] = (System.nanoTime() - start) / 1e9;
        }
        double[] predicts = new double[3];
        for (int i = 0; i < predicts.length; i++) {
            start = System.nanoTime();
            model.predict(panel);
            predicts[i] = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf(Locale.ROOT, "clusterby %-14s n=%d fit=%.1fs file=%d bytes load(median of 7, first)=%.4fs,%.4fs"
                        + " predict(cached, median of 3)=%.0f rows/s%n", what, n, fitSeconds, fileSize(file),
                median(loads), loads[0], n / median(predicts));
    }

    /** Predict on a text column: a fresh cache (every row encoded), then the same rows from the cache. */
    private static void textPredict(Path dir, Path texts) {
        Path cache = dir.resolve("text-cache-fit");
        Path model = dir.resolve("text-kmeans.zip");
        try (DataPanel panel = DataPanel.read(texts)) {
            int k = Math.min(256, panel.size() / 2);
            ClusterModel.of(panel.clusterBy("text", ClusterSpec.defaults().withParams(Map.of("k", k, "seed", 1))
                    .withCacheDir(cache))).save(model);
        }
        ClusterModel loaded = ClusterModel.load(model);
        Path fresh = dir.resolve("text-cache-" + System.nanoTime());
        try (DataPanel panel = DataPanel.read(texts)) {
            long start = System.nanoTime();
            var result = panel.clusterBy("text", loaded, Settings.unset().withCacheDir(fresh), null).result();
            double uncached = (System.nanoTime() - start) / 1e9;
            try (DataPanel again = DataPanel.read(texts)) {
                start = System.nanoTime();
                var cached = again.clusterBy("text", loaded, Settings.unset().withCacheDir(fresh), null).result();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "clusterby text kmeans k=%d n=%d encoder=%s file=%d bytes predict uncached=%.1f rows/s"
                                + " (computed %d) cached=%.0f rows/s (computed %d, cached %d)%n", loaded.k(), panel.size(),
                        loaded.encoder(), fileSize(model), panel.size() / uncached, result.embeddedComputed(),
                        panel.size() / seconds, cached.embeddedComputed(), cached.embeddedCached());
            }
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
