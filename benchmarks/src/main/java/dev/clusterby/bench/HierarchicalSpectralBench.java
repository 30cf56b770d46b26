package dev.clusterby.bench;

import dev.clusterby.cluster.Agglomerative;
import dev.clusterby.Metrics;
import dev.clusterby.cluster.Spectral;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times ward on N×D and spectral (kNN affinity) on the first SN rows of the same seeded Gaussian blobs, and
 * writes the data as .npy so {@code benchmarks/peers/hier_spectral_peers.py} times scikit-learn on identical input.
 *
 * <p>Usage: {@code HierarchicalSpectralBench [outDir] [n=20000] [d=50] [spectralN=10000] [clusters=20]}.
 * Run through {@code benchmarks/hier-bench.sh}.
 */
public final class HierarchicalSpectralBench {
    private HierarchicalSpectralBench() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/hier-bench");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int d = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int spectralN = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int clusters = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.printf(Locale.ROOT, "backend %s (%s), %d cores, java %s%n", backend.name(), backend.device(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix data = Segments.matrix(arena, n, d);
            int[] truth = blobs(data, clusters, 42);
            Files.createDirectories(out);
            writeNpy(out.resolve("blobs.npy"), data);
            writeLabels(out.resolve("labels.npy"), truth);
            FloatMatrix spectralData = new FloatMatrix(data.data(), spectralN, d);
            int[] spectralTruth = java.util.Arrays.copyOf(truth, spectralN);

            // Warm-up on a small slice so the JIT has compiled the hot loops.
            FloatMatrix warm = new FloatMatrix(data.data(), Math.min(n, 2000), d);
            Agglomerative.fit(warm, Agglomerative.Options.of(clusters), backend);
            Spectral.fit(warm, Spectral.Options.of(clusters), backend);

            Clock clock = new Clock();
            Agglomerative.Model ward = Agglomerative.fit(data, Agglomerative.Options.of(clusters), backend);
            System.out.printf(Locale.ROOT, "ward %dx%d k=%d: %s, ARI %.4f%n", n, d, clusters, clock.lap(),
                    Metrics.adjustedRandIndex(truth, ward.labels()));

            Agglomerative.Model single = Agglomerative.fit(data,
                    Agglomerative.Options.of(clusters).withLinkage(Agglomerative.Linkage.SINGLE), backend);
            System.out.printf(Locale.ROOT, "single %dx%d k=%d: %s, ARI %.4f%n", n, d, clusters, clock.lap(),
                    Metrics.adjustedRandIndex(truth, single.labels()));

            for (boolean normalize : new boolean[] {true, false}) {
                Spectral.Model spectral = Spectral.fit(spectralData, Spectral.Options.of(clusters).withNormalizeRows(normalize), backend);
                System.out.printf(Locale.ROOT, "spectral nearest-neighbors(10) %dx%d k=%d normalize-rows=%s: %s, ARI %.4f%n",
                        spectralN, d, clusters, normalize, clock.lap(), Metrics.adjustedRandIndex(spectralTruth, spectral.labels()));
            }
            // The kNN step alone, to separate the backend's share from the eigensolver's.
            backend.knn(spectralData, 9, Segments.ints(arena, spectralN * 9L), Segments.floats(arena, spectralN * 9L));
            System.out.printf(Locale.ROOT, "  of which backend.knn(m=9) %dx%d: %s%n", spectralN, d, clock.lap());
        }
    }

    /** Wall and process CPU seconds since the last lap (CPU time is the fairer figure on a shared machine). */
    private static final class Clock {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private long wall = System.nanoTime(), cpu = os.getProcessCpuTime();

        String lap() {
            long nowWall = System.nanoTime(), nowCpu = os.getProcessCpuTime();
            String out = String.format(Locale.ROOT, "%.2f s wall, %.2f s CPU", (nowWall - wall) / 1e9, (nowCpu - cpu) / 1e9);
            wall = nowWall;
            cpu = nowCpu;
            return out;
        }
    }

    /** Gaussian blobs: centres uniform in [-10, 10]^d, unit spread; labels i mod clusters. */
    static int[] blobs(FloatMatrix out, int clusters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = new double[clusters][out.cols()];
        for (double[] centre : centres) for (int j = 0; j < centre.length; j++) centre[j] = random.nextDouble(-10, 10);
        int[] truth = new int[out.rows()];
        for (int i = 0; i < out.rows(); i++) {
            truth[i] = i % clusters;
            for (int j = 0; j < out.cols(); j++) {
                double g = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
                out.set(i, j, (float) (centres[truth[i]][j] + 4.0 * g));
            }
        }
        return truth;
    }

    private static void writeNpy(Path path, FloatMatrix m) throws IOException {
        ByteBuffer body = ByteBuffer.allocate((int) m.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m.rows(); i++) for (int j = 0; j < m.cols(); j++) body.putFloat(m.get(i, j));
        write(path, "<f4", "(" + m.rows() + ", " + m.cols() + ")", body.array());
    }

    private static void writeLabels(Path path, int[] labels) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(labels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int label : labels) body.putInt(label);
        write(path, "<i4", "(" + labels.length + ",)", body.array());
    }

    private static void write(Path path, String dtype, String shape, byte[] body) throws IOException {
        StringBuilder header = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        try (OutputStream os = Files.newOutputStream(path)) {
            os.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            os.write(header.length() & 0xff);
            os.write(header.length() >> 8);
            os.write(header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            os.write(body);
        }
    }
}
