package dev.clusterby.cluster;

import dev.clusterby.Metrics;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Times for benchmarks/RESULTS-hdbscan.md; not a JUnit test.
 * <ul>
 * <li>{@code tribuo N D TIMEOUT_S}: blobs (20 centres) + 5% uniform noise, N×D; clusterby's hdbscan (min-cluster-size
 *     20, min-samples 10, no reduction) against Tribuo 4.3.2's HdbscanTrainer (minClusterSize 20, k 10, L2, KD-tree,
 *     2 threads) on the same data, with the ARI between the two; Tribuo is abandoned after TIMEOUT_S.</li>
 * <li>{@code deviation N D}: the approximate tree against the exact one on the same data: ARI, clusters, noise,
 *     MST weight.</li>
 * <li>{@code pipeline N}: N×384 synthetic unit vectors (60 topics: random directions plus noise, as an embedding
 *     set of that size), the whole default pipeline (reduce to 5, approximate tree).</li>
 * <li>{@code layouts N}: on the same rows, the reduction alone with the default settings (15 neighbours,
 *     Euclidean weights) and the candidate tried on 2026-12-02 (30 neighbours, cosine weights), one
 *     after the other in this JVM, with wall and CPU seconds: what the change costs the pipeline.</li>
 * </ul>
 */
public final class HdbscanBench {
    private HdbscanBench() {}

    public static void main(String[] args) throws Exception {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.println("backend " + backend.name() + " " + backend.device());
        switch (args[0]) {
            case "tribuo" -> tribuo(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), backend);
            case "deviation" -> deviation(Integer.parseInt(args[1]), Integer.parseInt(args[2]), backend);
            case "pipeline" -> pipeline(Integer.parseInt(args[1]), backend);
            case "layouts" -> layouts(Integer.parseInt(args[1]), backend);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** This process's CPU seconds so far (all threads): on a shared machine, the figure that load does not inflate. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    static float[] blobs(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int centres = 20, noise = n / 20;
        double[][] c = new double[centres][d];
        for (double[] row : c) for (int j = 0; j < d; j++) row[j] = random.nextDouble() * 60;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (i < n - noise) {
                double[] centre = c[i % centres];
                for (int j = 0; j < d; j++) x[i * d + j] = (float) (centre[j] + gaussian(random));
            } else {
                for (int j = 0; j < d; j++) x[i * d + j] = (float) (random.nextDouble() * 60);
            }
        }
        return x;
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static FloatMatrix matrix(Arena arena, float[] x, int n, int d) {
        FloatMatrix m = Segments.matrix(arena, n, d);
        MemorySegment.copy(x, 0, m.data(), FloatMatrix.FLOAT, 0, x.length);
        return m;
    }

    static Hdbscan.Options options() {
        return Hdbscan.Options.defaults().withMinClusterSize(20).withMinSamples(10).withReduce(Hdbscan.Options.NO_REDUCE);
    }

    static void tribuo(int n, int d, int timeout, ComputeBackend backend) throws Exception {
        float[] x = blobs(n, d, 42);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = matrix(arena, x, n, d);
            Hdbscan.fit(matrix(arena, blobs(2000, d, 1), 2000, d), options(), backend); // warm-up
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            Hdbscan.Model ours = Hdbscan.fit(m, options(), backend);
            double oursS = (System.nanoTime() - t0) / 1e9, oursCpu = cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "clusterby n=%d d=%d %.2f s (cpu %.1f s)  %s%n", n, d, oursS, oursCpu, ours);
            ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tribuo");
                t.setDaemon(true);
                return t;
            });
            long t1 = System.nanoTime();
            double c1 = cpuSeconds();
            Future<int[]> theirs = pool.submit(() -> TribuoHdbscan.labels(x, n, d, 20, 10, 2));
            try {
                int[] labels = theirs.get(timeout, TimeUnit.SECONDS);
                double theirsS = (System.nanoTime() - t1) / 1e9;
                double theirsCpu = cpuSeconds() - c1;
                System.out.printf(Locale.ROOT, "tribuo    n=%d d=%d %.2f s (cpu %.1f s)  speed-up %.1fx (cpu %.1fx)  ARI(clusterby, tribuo)=%.4f%n", n, d,
                        theirsS, theirsCpu, theirsS / oursS, theirsCpu / oursCpu, Metrics.adjustedRandIndex(ours.labels(), labels));
            } catch (TimeoutException e) {
                System.out.printf(Locale.ROOT, "tribuo    n=%d d=%d > %d s (stopped; cpu %.1f s so far)  speed-up > %.1fx (cpu > %.1fx)%n", n, d,
                        timeout, cpuSeconds() - c1, timeout / oursS, (cpuSeconds() - c1) / oursCpu);
            }
            System.exit(0);
        }
    }

    static void deviation(int n, int d, ComputeBackend backend) {
        float[] x = blobs(n, d, 42);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = matrix(arena, x, n, d);
            long t0 = System.nanoTime();
            Hdbscan.Model exact = Hdbscan.fit(m, options().withTree(Hdbscan.Tree.EXACT), backend);
            double exactS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Hdbscan.Model approx = Hdbscan.fit(m, options().withTree(Hdbscan.Tree.APPROXIMATE), backend);
            double approxS = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "n=%d d=%d exact %.2f s k=%d noise=%.2f%%; approximate %.2f s k=%d noise=%.2f%%; ARI %.4f%n",
                    n, d, exactS, exact.k(), 100 * exact.noiseShare(), approxS, approx.k(), 100 * approx.noiseShare(),
                    Metrics.adjustedRandIndex(exact.labels(), approx.labels()));
        }
    }

    static void layouts(int n, ComputeBackend backend) {
        int d = 384;
        float[] x = topics(n, d, new int[n]);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = matrix(arena, x, n, d);
            for (boolean current : new boolean[]{false, true, false, true}) {
                var options = new dev.clusterby.internal.map.NeighborEmbedding.Options(Hdbscan.AUTO_REDUCE_DIMENSIONS,
                        current ? 30 : 15, 0.0, 0, 5, 50, 42, current);
                long t0 = System.nanoTime();
                double c0 = cpuSeconds();
                dev.clusterby.internal.map.NeighborEmbedding.fit(m, options, backend);
                System.out.printf(Locale.ROOT, "layout n=%d d=%d %s (%d neighbours, %s weights): %.1f s (cpu %.1f s)%n", n, d,
                        current ? "current" : "previous", options.neighbors(), current ? "cosine" : "euclidean",
                        (System.nanoTime() - t0) / 1e9, cpuSeconds() - c0);
            }
        }
    }

    /** n unit rows of d columns around 60 random topic directions (Gaussian noise 1.2 per column); truth gets the topic. */
    static float[] topics(int n, int d, int[] truth) {
        int topics = 60;
        SplittableRandom random = new SplittableRandom(7);
        double[][] c = new double[topics][d];
        for (double[] row : c) for (int j = 0; j < d; j++) row[j] = gaussian(random);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int t = i % topics;
            truth[i] = t;
            double norm = 0;
            for (int j = 0; j < d; j++) {
                double v = c[t][j] + 1.2 * gaussian(random);
                x[i * d + j] = (float) v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < d; j++) x[i * d + j] *= inv;
        }
        return x;
    }

    static void pipeline(int n, ComputeBackend backend) {
        int d = 384;
        int[] truth = new int[n];
        float[] x = topics(n, d, truth);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix m = matrix(arena, x, n, d);
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            Hdbscan.Model model = Hdbscan.fit(m, Hdbscan.Options.forEmbeddings(), backend);
            double s = (System.nanoTime() - t0) / 1e9, cpu = cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "pipeline n=%d d=%d %.1f s (cpu %.1f s)  %s  NMI %.3f%n", n, d, s, cpu, model,
                    Metrics.normalizedMutualInfo(truth, model.labels()));
        }
    }
}
