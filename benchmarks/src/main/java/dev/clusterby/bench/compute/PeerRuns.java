package dev.clusterby.bench.compute;

import dev.clusterby.DataPanel;
import dev.clusterby.TensorColumn;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.io.Npy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * clusterby's side of peers/peers.py, on the very .npy files the peers read: Lloyd from the same initial centroids
 * as scikit-learn, and diagonal-GMM EM from the same initial parameters. Prints one parseable line per run:
 * {@code peer kmeans backend=B iters=N sec_per_iter=S inertia=I} and
 * {@code peer gmm-diag backend=B iters=N sec_per_iter=S lower_bound=L}. Seconds exclude seeding and loading:
 * each iteration is timed alone, after one untimed warm-up iteration from the same start.
 *
 * <p>Work segments come from a confined arena, as in {@code KMeans}; a backend that fails on those (a kernel writing
 * them from its own threads) is reported, then rerun on a shared arena and marked {@code arena=shared}.
 *
 * <p>Usage: PeerRuns DATA_DIR ITERATIONS BACKEND...
 */
public final class PeerRuns {
    private PeerRuns() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        for (int a = 2; a < args.length; a++) {
            String name = args[a];
            ComputeBackend backend;
            try {
                backend = BenchData.backend(name);
            } catch (IllegalStateException e) {
                System.out.println("peer skipped backend=" + name + " reason=" + e.getMessage().replace('\n', ' '));
                continue;
            }
            for (String task : new String[] {"kmeans", "gmm-diag"}) {
                try {
                    run(task, dir, iterations, backend, false);
                } catch (RuntimeException e) {
                    System.out.println("peer failed " + task + " backend=" + name + " arena=confined reason=" + e);
                    try {
                        run(task, dir, iterations, backend, true);
                    } catch (RuntimeException again) {
                        System.out.println("peer failed " + task + " backend=" + name + " arena=shared reason=" + again);
                    }
                }
            }
        }
    }

    private static void run(String task, Path dir, int iterations, ComputeBackend backend, boolean shared) {
        try (Arena arena = shared ? Arena.ofShared() : Arena.ofConfined()) {
            String tag = shared ? "(shared-arena)" : "";
            if (task.equals("kmeans")) kmeans(dir, iterations, backend, arena, tag);
            else gmmDiag(dir, iterations, backend, arena, tag);
        }
    }

    private static void kmeans(Path dir, int iterations, ComputeBackend backend, Arena arena, String tag) {
        try (DataPanel xPanel = Npy.read(dir.resolve("kmeans_X.npy")); DataPanel cPanel = Npy.read(dir.resolve("kmeans_C0.npy"))) {
            FloatMatrix x = tensor(xPanel), c0 = tensor(cPanel);
            FloatMatrix centroids = Segments.matrix(arena, c0.rows(), c0.cols());
            LloydStep lloyd = new LloydStep(arena, x, centroids);
            MemorySegment.copy(c0.data(), 0, centroids.data(), 0, c0.byteSize());
            lloyd.iterate(backend); // warm-up (JIT, thread pools); then restart from the same centroids
            MemorySegment.copy(c0.data(), 0, centroids.data(), 0, c0.byteSize());
            double[] seconds = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                lloyd.iterate(backend);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            // Final labels agree with the final centroids, as scikit-learn's inertia_.
            backend.assignL2(x, centroids, lloyd.labels, lloyd.best);
            System.out.printf(Locale.ROOT, "peer kmeans backend=%s%s iters=%d sec_per_iter=%.5f median=%.5f inertia=%.6e%n",
                    backend.name(), tag, iterations, mean(seconds), median(seconds), lloyd.lastInertia());
        }
    }

    private static void gmmDiag(Path dir, int iterations, ComputeBackend backend, Arena arena, String tag) {
        try (DataPanel xPanel = Npy.read(dir.resolve("gmm_X.npy")); DataPanel mPanel = Npy.read(dir.resolve("gmm_means0.npy"));
             DataPanel pPanel = Npy.read(dir.resolve("gmm_precisions0.npy"))) {
            FloatMatrix x = tensor(xPanel), m0 = tensor(mPanel), p0 = tensor(pPanel);
            FloatMatrix means = Segments.matrix(arena, m0.rows(), m0.cols());
            FloatMatrix precisions = Segments.matrix(arena, p0.rows(), p0.cols());
            GmmDiagStep em = null;
            double lowerBound = Double.NaN;
            double[] seconds = new double[iterations];
            for (int pass = 0; pass < 2; pass++) { // pass 0 warms up, pass 1 is timed; both start from the same parameters
                MemorySegment.copy(m0.data(), 0, means.data(), 0, m0.byteSize());
                MemorySegment.copy(p0.data(), 0, precisions.data(), 0, p0.byteSize());
                if (em == null) em = new GmmDiagStep(arena, x, means, precisions);
                double[] weights = new double[m0.rows()];
                Arrays.fill(weights, 1.0 / m0.rows());
                em.setLogNorm(weights);
                for (int i = 0; i < (pass == 0 ? 1 : iterations); i++) {
                    long t0 = System.nanoTime();
                    lowerBound = em.iterate(backend);
                    if (pass == 1) seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "peer gmm-diag backend=%s%s iters=%d sec_per_iter=%.5f median=%.5f lower_bound=%.6f%n",
                    backend.name(), tag, iterations, mean(seconds), median(seconds), lowerBound);
        }
    }

    private static FloatMatrix tensor(DataPanel panel) {
        return ((TensorColumn) panel.column("tensor")).matrix();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
