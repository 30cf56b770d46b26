package dev.clusterby.bench;

import dev.clusterby.internal.io.Npy;
import dev.clusterby.TensorColumn;

import dev.clusterby.cluster.GaussianMixture;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GMM seconds per EM iteration on 20,000×32 float32 blobs: full covariance with 16 components and diag with 32.
 * Per-iteration time = (fit with {@code hi} iterations − fit with {@code lo}) / (hi − lo) at tol 0, so k-means
 * initialisation and the final E-step cancel out. Writes the data to {@code benchmarks/target/gmm-20000x32.npy} for
 * {@code benchmarks/peers/gmm_peers.py}, which times scikit-learn the same way.
 *
 * <p>Usage: {@code benchmarks/gmm-bench.sh [backend] [lo] [hi] [data.npy]} (backend: auto, scalar, java, native,
 * opencl); with a .npy file the fits run on it instead of the generated blobs.
 */
public final class GmmBench {
    private GmmBench() {}

    public static void main(String[] args) throws IOException {
        ComputeBackend backend = ComputeBackends.select(args.length > 0 ? args[0] : "auto");
        int lo = args.length > 1 ? Integer.parseInt(args[1]) : 2, hi = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int n = 20_000, d = 32;
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix data;
            if (args.length > 3) {  // another data set, e.g. the peers script's benchmarks/target/data/gmm_X.npy
                data = ((dev.clusterby.TensorColumn) dev.clusterby.internal.io.Npy.read(Path.of(args[3])).columns().get(0)).matrix();
                System.out.println("data " + args[3] + ": " + data.rows() + "x" + data.cols());
            } else {
                data = blobs(arena, n, d, 16, 7);
                writeNpy(Path.of("benchmarks/target/gmm-20000x32.npy"), data);
            }
            System.out.printf(Locale.ROOT, "backend=%s (%s) cores=%d%n", backend.name(), backend.device(),
                    Runtime.getRuntime().availableProcessors());
            report(data, GaussianMixture.Covariance.FULL, 16, lo, hi, backend);
            report(data, GaussianMixture.Covariance.DIAG, 32, lo, hi, backend);
        }
    }

    private static void report(FloatMatrix data, GaussianMixture.Covariance type, int k, int lo, int hi, ComputeBackend backend) {
        // Warm-up: the first fits run while C2 compiles, which takes one of the two cores.
        for (int rep = 0; rep < 3; rep++) time(data, type, k, hi, backend);
        double best = Double.POSITIVE_INFINITY;
        for (int rep = 0; rep < 3; rep++) {
            double perIteration = (time(data, type, k, hi, backend) - time(data, type, k, lo, backend)) / (hi - lo);
            best = Math.min(best, perIteration);
        }
        System.out.printf(Locale.ROOT, "gmm %s k=%d n=%d d=%d: %.4f s/iteration%n", type.id(), k, data.rows(), data.cols(), best);
    }

    private static double time(FloatMatrix data, GaussianMixture.Covariance type, int k, int iterations, ComputeBackend backend) {
        GaussianMixture.Options options = new GaussianMixture.Options(k, type, 1e-6, 0, iterations, 1, 0);
        long start = System.nanoTime();
        GaussianMixture.Model model = GaussianMixture.fit(data, options, backend);
        if (model.iterations() != iterations) throw new IllegalStateException("ran " + model.iterations());
        return (System.nanoTime() - start) / 1e9;
    }

    /** Gaussian blobs with centres uniform in [−10, 10]^d and unit-ish anisotropic spread. */
    static FloatMatrix blobs(Arena arena, int n, int d, int centres, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] c = new double[centres][d];
        double[][] scale = new double[centres][d];
        for (int i = 0; i < centres; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = random.nextDouble(-10, 10);
                scale[i][j] = random.nextDouble(0.5, 2);
            }
        }
        FloatMatrix out = Segments.matrix(arena, n, d);
        for (int i = 0; i < n; i++) {
            int g = i % centres;
            for (int j = 0; j < d; j++) {
                double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
                out.set(i, j, (float) (c[g][j] + scale[g][j] * gaussian));
            }
        }
        return out;
    }

    static void writeNpy(Path path, FloatMatrix m) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + m.rows() + ", " + m.cols() + "), }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + (int) m.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buffer.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : m.toArray()) buffer.putFloat(v);
        Files.createDirectories(path.getParent());
        Files.write(path, buffer.array());
    }
}
