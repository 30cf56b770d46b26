package dev.clusterby.internal.map;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.io.Npy;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmark driver for benchmarks/map-bench.sh (not a test).
 * <ul>
 * <li>{@code sets DIR OUT NAME...}: reads DIR/NAME.csv (features..., label), writes OUT/NAME-umap.csv and OUT/NAME-pca.csv
 *     (x,y per row) and prints the fit times;</li>
 * <li>{@code big N D CENTERS OUT}: N rows of D dims from CENTERS unit-sphere blobs (seeded), written to OUT/big.npy for the
 *     peer, then mapped by the neighbour embedding and by PCA; prints the times.</li>
 * </ul>
 */
public final class MapBench {
    private MapBench() {}

    public static void main(String[] args) throws Exception {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.println("backend " + backend.name() + " (" + backend.device() + ")");
        switch (args[0]) {
            case "sets" -> {
                Path dir = Path.of(args[1]), out = Path.of(args[2]);
                Files.createDirectories(out);
                for (int a = 3; a < args.length; a++) {
                    float[][] x = readCsv(dir.resolve(args[a] + ".csv"));
                    long t0 = System.nanoTime();
                    NeighborEmbedding.Result map = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(2, 42), backend);
                    long t1 = System.nanoTime();
                    float[][] pca = NeighborEmbeddingTest.pca(x, 2);
                    long t2 = System.nanoTime(), cpu2 = cpu();
                    write(out.resolve(args[a] + "-umap.csv"), NeighborEmbeddingTest.rows(map));
                    write(out.resolve(args[a] + "-pca.csv"), pca);
                    System.out.printf("%s n=%d d=%d umap %.2f s pca %.2f s%n", args[a], x.length, x[0].length, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                }
            }
            case "big" -> {
                int n = Integer.parseInt(args[1]), d = Integer.parseInt(args[2]), centers = Integer.parseInt(args[3]);
                Path out = Path.of(args[4]);
                Files.createDirectories(out);
                try (Arena arena = Arena.ofShared()) {
                    FloatMatrix x = blobs(arena, n, d, centers, 20261201L);
                    Npy.write(out.resolve("big.npy"), x);
                    int runs = args.length > 5 ? Integer.parseInt(args[5]) : 1;
                    for (int run = 0; run < runs; run++) { // a first run includes JIT warm-up
                        long t0 = System.nanoTime(), cpu0 = cpu();
                        NeighborEmbedding.Result map = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(2, 42), backend);
                        long t1 = System.nanoTime();
                        System.out.printf("big n=%d d=%d run %d: neighbour embedding %.1f s wall, %.1f s CPU (all threads)%n", n, d, run, (t1 - t0) / 1e9, (cpu() - cpu0) / 1e9);
                        if (run == runs - 1) write(out.resolve("big-umap.csv"), NeighborEmbeddingTest.rows(map));
                    }
                    long t2 = System.nanoTime(), cpu2 = cpu();
                    float[][] rows = new float[n][];
                    for (int i = 0; i < n; i++) rows[i] = x.row(i).toArray(FloatMatrix.FLOAT);
                    NeighborEmbeddingTest.pca(rows, 2);
                    System.out.printf("big PCA %.1f s wall, %.1f s CPU%n", (System.nanoTime() - t2) / 1e9, (cpu() - cpu2) / 1e9);
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** CPU time of this process, all threads, in ns. */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Unit-norm rows around unit-norm centres, like sentence embeddings: centre + noise, then L2-normalised. */
    static FloatMatrix blobs(Arena arena, int n, int d, int centers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] c = new float[centers][d];
        for (float[] row : c) {
            double norm = 0;
            for (int j = 0; j < d; j++) norm += (row[j] = (float) gaussian(random)) * row[j];
            for (int j = 0; j < d; j++) row[j] /= (float) Math.sqrt(norm);
        }
        FloatMatrix x = Segments.matrix(arena, n, d);
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            float[] centre = c[random.nextInt(centers)];
            double norm = 0;
            for (int j = 0; j < d; j++) norm += (row[j] = centre[j] + (float) (0.05 * gaussian(random))) * row[j];
            for (int j = 0; j < d; j++) x.set(i, j, row[j] / (float) Math.sqrt(norm));
        }
        return x;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static float[][] readCsv(Path path) throws IOException {
        List<float[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(path)) {
            if (line.isBlank()) continue;
            String[] cells = line.split(",");
            float[] row = new float[cells.length - 1];
            for (int j = 0; j < row.length; j++) row[j] = Float.parseFloat(cells[j]);
            rows.add(row);
        }
        return rows.toArray(float[][]::new);
    }

    private static void write(Path path, float[][] rows) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(path))) {
            for (float[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.length; c++) line.append(c == 0 ? "" : ",").append(row[c]);
                out.println(line);
            }
        }
    }
}
