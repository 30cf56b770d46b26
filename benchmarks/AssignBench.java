import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * A tiny timing main (not JMH): GFLOP/s of assignL2 on n×d points and k centroids, counting 2·n·k·d flops, and one
 * Lloyd iteration (assignL2 then accumulate).
 * Run from the repository root after {@code ./mvnw -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt}:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp target/classes:$(cat target/cp.txt)
 * benchmarks/AssignBench.java java opencl}
 */
public class AssignBench {
    public static void main(String[] args) {
        int n = 100_000, d = 128, k = 256, reps = 5;
        try (Arena arena = Arena.ofShared()) {
            SplittableRandom random = new SplittableRandom(1);
            FloatMatrix points = Segments.matrix(arena, n, d), centroids = Segments.matrix(arena, k, d);
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) points.set(i, j, (float) random.nextGaussian());
            for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) centroids.set(c, j, (float) random.nextGaussian());
            MemorySegment labels = Segments.ints(arena, n), distances = Segments.floats(arena, n);
            MemorySegment sums = Segments.doubles(arena, (long) k * d), counts = Segments.longs(arena, k);
            double flops = 2.0 * n * k * d;
            for (String name : args.length == 0 ? new String[] {"java"} : args) {
                ComputeBackend backend = ComputeBackends.get(name);
                for (int w = 0; w < 3; w++) backend.assignL2(points, centroids, labels, distances);
                double best = Double.MAX_VALUE, total = 0, lloyd = Double.MAX_VALUE;
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    backend.assignL2(points, centroids, labels, distances);
                    long t1 = System.nanoTime();
                    backend.accumulate(points, labels, k, sums, counts);
                    double s = (t1 - t0) / 1e9;
                    best = Math.min(best, s);
                    lloyd = Math.min(lloyd, (System.nanoTime() - t0) / 1e9);
                    total += s;
                }
                System.out.printf("%-7s %-45s assignL2 %dx%d k=%d: best %.1f ms (%.1f GFLOP/s), mean %.1f ms (%.1f GFLOP/s); Lloyd iteration best %.1f ms%n",
                        name, backend.device(), n, d, k, best * 1e3, flops / best / 1e9, total / reps * 1e3, flops / (total / reps) / 1e9, lloyd * 1e3);
            }
            ComputeBackends.closeAll();
        }
    }
}
