package dev.clusterby.cluster;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Measures the large-input k-means rules (benchmarks/RESULTS-scale.md); not a JUnit test. Every set is split once
 * into a training part (80%) and a held-out part (20%) by a fixed seed.
 * <ul>
 * <li>{@code seeding FILE SEEDS k...}: Lloyd to convergence on the training rows from (a) greedy k-means++ on all of
 *     them, (b) k-means++ on a 256·k sample, (c) k-means||; the objective relative to (a), mean over seeds, and the
 *     seeding time.</li>
 * <li>{@code sample FILE SEEDS k...}: fits on the training rows with sample = f·k for several f (and all rows), with
 *     0 and 2 full iterations; the held-out objective (each held-out row to its nearest centroid) relative to
 *     sample=all, mean over seeds, and the fit time.</li>
 * </ul>
 * FILE is a CSV of features then a label (DefaultsTuning's export) or a clusterby {@code .emb} cache file.
 */
public final class ScaleTuning {
    private ScaleTuning() {}

    public static void main(String[] args) throws Exception {
        int seeds = Integer.parseInt(args[2]);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix all = read(Path.of(args[1]), arena);
            FloatMatrix[] split = split(all, arena);
            ComputeBackend backend = ComputeBackends.defaultBackend();
            System.out.printf("%s: %d rows × %d (train %d, held-out %d), backend %s%n", args[1], all.rows(), all.cols(),
                    split[0].rows(), split[1].rows(), backend.name());
            for (int a = 3; a < args.length; a++) {
                int k = Integer.parseInt(args[a]);
                switch (args[0]) {
                    case "seeding" -> seeding(split[0], k, seeds, backend);
                    case "sample" -> sample(split[0], split[1], k, seeds, backend);
                    default -> throw new IllegalArgumentException(args[0]);
                }
            }
        }
        ComputeBackends.closeAll();
    }

    static void seeding(FloatMatrix train, int k, int seeds, ComputeBackend backend) {
        KMeans.Options options = new KMeans.Options(k, 300, 1e-4, 0, 1, false).withSample(KMeans.SAMPLE_ALL);
        double[] sum = new double[3], seconds = new double[3];
        for (int s = 0; s < seeds; s++) {
            for (int variant = 0; variant < 3; variant++) {
                SplittableRandom random = new SplittableRandom(1000 + s);
                long start = System.nanoTime();
                float[] centres = switch (variant) {
                    case 0 -> KMeansSeeding.plusPlus(train, null, k, random, backend);
                    case 1 -> {
                        int m = Math.min(train.rows(), KMeans.ROWS_PER_CLUSTER * k);
                        try (Arena arena = Arena.ofShared()) {
                            yield KMeansSeeding.plusPlus(KMeansSeeding.gather(train, KMeansSeeding.sample(train.rows(), m, random), 0, m, arena),
                                    null, k, random, backend);
                        }
                    }
                    default -> KMeansSeeding.parallel(train, k, 2, 2.0, random, backend);
                };
                seconds[variant] += (System.nanoTime() - start) / 1e9;
                sum[variant] += KMeans.lloydFrom(train, options, centres, backend).inertia();
            }
        }
        System.out.printf("k=%d seeds=%d  converged objective / full k-means++: sample-256k %.5f  k-means|| %.5f;"
                        + "  seeding s: full %.2f  sample %.2f  k-means|| %.2f%n", k, seeds, sum[1] / sum[0], sum[2] / sum[0],
                seconds[0] / seeds, seconds[1] / seeds, seconds[2] / seeds);
    }

    static void sample(FloatMatrix train, FloatMatrix heldOut, int k, int seeds, ComputeBackend backend) {
        int[] factors = {32, 64, 128, 256, 512, 1024};
        int[] fullIters = {0, 2};
        double reference = 0, referenceSeconds = 0;
        double[][] heldOutSum = new double[factors.length][fullIters.length], time = new double[factors.length][fullIters.length];
        for (int s = 0; s < seeds; s++) {
            KMeans.Options base = new KMeans.Options(k, 300, 1e-4, 2000 + s, 1, false);
            long start = System.nanoTime();
            KMeans.Model full = KMeans.fit(train, base.withSample(KMeans.SAMPLE_ALL), backend);
            referenceSeconds += (System.nanoTime() - start) / 1e9;
            reference += objective(heldOut, full, backend);
            for (int f = 0; f < factors.length; f++) {
                if ((long) factors[f] * k >= train.rows()) continue;
                for (int g = 0; g < fullIters.length; g++) {
                    start = System.nanoTime();
                    KMeans.Model model = KMeans.fit(train, base.withSample(factors[f] * k).withFullIter(fullIters[g]), backend);
                    time[f][g] += (System.nanoTime() - start) / 1e9;
                    heldOutSum[f][g] += objective(heldOut, model, backend);
                }
            }
        }
        StringBuilder line = new StringBuilder(String.format("k=%d seeds=%d all: %.2fs;", k, seeds, referenceSeconds / seeds));
        for (int f = 0; f < factors.length; f++) {
            if ((long) factors[f] * k >= train.rows()) continue;
            for (int g = 0; g < fullIters.length; g++) {
                line.append(String.format("  %d·k+%d: %.5f (%.2fs)", factors[f], fullIters[g], heldOutSum[f][g] / reference, time[f][g] / seeds));
            }
        }
        System.out.println(line);
    }

    /** Sum over the rows of the squared distance to the nearest centroid. */
    static double objective(FloatMatrix rows, KMeans.Model model, ComputeBackend backend) {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix c = new FloatMatrix(Segments.copyOf(arena, model.centroids()), model.k(), model.dimension());
            MemorySegment labels = Segments.ints(arena, rows.rows()), best = Segments.floats(arena, rows.rows());
            backend.assignL2(rows, c, labels, best);
            double total = 0;
            for (int i = 0; i < rows.rows(); i++) total += best.getAtIndex(Segments.FLOAT, i);
            return total;
        }
    }

    private static FloatMatrix[] split(FloatMatrix all, Arena arena) {
        int n = all.rows();
        int[] heldOut = KMeansSeeding.sample(n, n / 5, new SplittableRandom(99));
        boolean[] out = new boolean[n];
        for (int i : heldOut) out[i] = true;
        int[] train = new int[n - heldOut.length];
        for (int i = 0, t = 0; i < n; i++) if (!out[i]) train[t++] = i;
        return new FloatMatrix[] {KMeansSeeding.gather(all, train, 0, train.length, arena),
                KMeansSeeding.gather(all, heldOut, 0, heldOut.length, arena)};
    }

    static FloatMatrix read(Path file, Arena arena) throws IOException {
        if (!file.toString().endsWith(".emb")) return DefaultsTuning.readCsv(arena, file, false).x();
        try (FileChannel channel = FileChannel.open(file)) {
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            ValueLayout.OfInt le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            int rows = map.get(le, 8), cols = map.get(le, 12), keyLength = map.get(le, 16);
            long header = 8 + 5L * Integer.BYTES + keyLength;
            FloatMatrix out = Segments.matrix(arena, rows, cols);
            MemorySegment.copy(map, header, out.data(), 0, (long) rows * cols * Float.BYTES);
            return out;
        }
    }
}
