package dev.clusterby.bench;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.DataPanel;
import dev.clusterby.DescribeOptions;
import dev.clusterby.IntColumn;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import dev.clusterby.compute.FloatMatrix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * describe() against the clustering it describes, on n rows (default 100,000) with k = 50: the demo's 479 real emoji
 * texts, repeated, embedded once with MiniLM; each repeat's vector gets Gaussian noise (σ = 0.05 per dimension, then
 * L2-normalised) so the rows are distinct points. Times the k-means fit, a cold describe (name candidates encoded)
 * and a warm one (candidates cached). Writes the texts, labels and vectors to OUT for the scikit-learn peer
 * (benchmarks/peers/describe_peer.py). Usage: DescribeBench EMOJI_CSV OUT_DIR [n] [k]
 */
public final class DescribeBench {
    private DescribeBench() {}

    public static void main(String[] args) throws Exception {
        Path emoji = Path.of(args[0]), out = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 100_000, k = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Files.createDirectories(out);
        try (DataPanel source = DataPanel.read(emoji)) {
            // The 479 texts embedded once (cached on disk after the first run).
            ClusterBy<?> seedClusters = source.clusterBy("text", ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", 2)));
            FloatMatrix base = ((TensorColumn) source.column(seedClusters.embeddingColumn())).matrix();
            List<String> texts = source.stringColumn("text").values();
            int d = base.cols(), m = texts.size();
            String[] repeated = new String[n];
            SplittableRandom random = new SplittableRandom(7);
            TensorColumn vectors = TensorColumn.allocate("vec", n, d);
            FloatMatrix x = vectors.matrix();
            for (int i = 0; i < n; i++) {
                repeated[i] = texts.get(i % m);
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    float v = base.get(i % m, j) + (float) (0.05 * random.nextGaussian());
                    x.set(i, j, v);
                    norm += v * v;
                }
                float scale = (float) (1 / Math.sqrt(norm));
                for (int j = 0; j < d; j++) x.set(i, j, x.get(i, j) * scale);
            }
            try (DataPanel panel = DataPanel.of(StringColumn.of("text", repeated), vectors)) {
                vectors.close();
                long t0 = System.nanoTime();
                ClusterBy<?> cb = panel.clusterBy("vec", ClusterSpec.defaults().withParams(Map.of("k", k, "seed", 1, "n-init", 1)));
                double cluster = (System.nanoTime() - t0) / 1e9;
                DescribeOptions options = DescribeOptions.defaults().withTextColumn("text").withEncoder("minilm");
                long t1 = System.nanoTime();
                DataPanel cold = cb.describe(options);
                double describeCold = (System.nanoTime() - t1) / 1e9;
                long t2 = System.nanoTime();
                cb.describe(options);
                double describeWarm = (System.nanoTime() - t2) / 1e9;
                long t3 = System.nanoTime();
                cb.describe(DescribeOptions.defaults().withTextColumn("text"));
                double describeNoEncoder = (System.nanoTime() - t3) / 1e9;
                System.out.printf("rows=%d k=%d d=%d%n", n, k, d);
                System.out.printf("clusterBy (k-means fit, n-init 1): %.3f s (fit alone %.3f s)%n", cluster, cb.result().fitSeconds());
                System.out.printf("describe, cold (candidates encoded): %.3f s%n", describeCold);
                System.out.printf("describe, warm (candidates cached): %.3f s%n", describeWarm);
                System.out.printf("describe, without an encoder (names by keyword rank): %.3f s%n", describeNoEncoder);
                System.out.println(cold.head(5).toString(5));
                DataPanel.of(panel.column("text"), cb.labels()).write(out.resolve("rows.csv"));
                DataPanel.of(panel.column("vec")).write(out.resolve("vectors.npy"));
            }
        }
    }
}
