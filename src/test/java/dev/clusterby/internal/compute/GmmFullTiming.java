package dev.clusterby.internal.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;

/**
 * Standalone timing of the full-covariance GMM kernels at an embedding-sized shape (GmmBench is fixed at d = 32,
 * where skipping the triangle barely matters). Best of several runs per kernel, both backends in one process:
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *        -cp target/classes:target/test-classes:$(cat target/classpath.txt) dev.clusterby.internal.compute.GmmFullTiming [n d k runs]
 * </pre>
 */
public final class GmmFullTiming {
    private GmmFullTiming() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000, d = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 16, runs = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        try (Arena arena = Arena.ofShared()) {
            SplittableRandom random = new SplittableRandom(42);
            FloatMatrix points = Segments.matrix(arena, n, d), means = Segments.matrix(arena, k, d);
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) points.set(i, j, (float) random.nextGaussian());
            for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) means.set(c, j, points.get(c * (n / k), j));
            MemorySegment chol = Segments.floats(arena, (long) k * d * d), logNorm = Segments.doubles(arena, k);
            for (int c = 0; c < k; c++) {
                double logDet = 0;
                for (int r = 0; r < d; r++) {
                    for (int col = r; col < d; col++) {
                        double v = col == r ? 1 / (0.7 + 0.6 * random.nextDouble()) : 0.02 * random.nextGaussian();
                        chol.setAtIndex(FLOAT, (long) c * d * d + (long) r * d + col, (float) v);
                        if (col == r) logDet += Math.log(v);
                    }
                }
                logNorm.setAtIndex(DOUBLE, c, Math.log(1.0 / k) - 0.5 * d * Math.log(2 * Math.PI) + logDet);
            }
            MemorySegment nk = Segments.doubles(arena, k), sumX = Segments.doubles(arena, (long) k * d);
            MemorySegment sumXX = Segments.doubles(arena, (long) k * d * d);
            for (String name : new String[] {"java", "native"}) {
                ComputeBackend b = ComputeBackends.get(name);
                FloatMatrix resp = Segments.matrix(arena, n, k);
                double eBest = Double.MAX_VALUE, mBest = Double.MAX_VALUE;
                for (int run = 0; run < runs; run++) {
                    long t0 = System.nanoTime();
                    b.gmmEStepFull(points, means, chol, logNorm, resp);
                    long t1 = System.nanoTime();
                    b.gmmMoments(points, resp, true, nk, sumX, sumXX);
                    long t2 = System.nanoTime();
                    eBest = Math.min(eBest, (t1 - t0) / 1e6);
                    mBest = Math.min(mBest, (t2 - t1) / 1e6);
                }
                System.out.printf("%-6s %dx%d k=%d full: eStep %.1f ms, moments %.1f ms (best of %d); %s%n",
                        name, n, d, k, eBest, mBest, runs, b.device());
            }
        }
    }
}
