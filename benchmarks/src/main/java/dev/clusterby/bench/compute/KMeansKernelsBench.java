package dev.clusterby.bench.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * k-means kernels: assignL2 (2·n·k·d flops), accumulate (n·d adds) and one full Lloyd iteration (assign +
 * accumulate + centroid update), per backend and shape n×d×k. The scalar reference is too slow for the large shapes:
 * run it with {@code -p backend=scalar -p shape=20000x64x32} (run-compute.sh does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class KMeansKernelsBench {
    @Param({"native", "java", "opencl"})
    public String backend;

    /** n×d×k: the headline shape, a small one, and an odd one that fits no tile. */
    @Param({"100000x128x256", "20000x64x32", "4099x385x257"})
    public String shape;

    private Arena arena;
    private ComputeBackend compute;
    private FloatMatrix points, centroids, start;
    private MemorySegment labels, best;
    private LloydStep lloyd;

    @Setup(Level.Trial)
    public void setUp() {
        compute = BenchData.backend(backend);
        int[] s = BenchData.shape(shape);
        int n = s[0], d = s[1], k = s[2];
        if (backend.equals("scalar") && (long) n * d * k > 50_000_000L) {
            throw new IllegalStateException("SKIPPED scalar at " + shape + ": the reference runs only at the smallest shape");
        }
        arena = Arena.ofShared();
        points = BenchData.blobs(arena, n, d, 64, BenchData.SEED);
        start = BenchData.sampleRows(arena, points, k, BenchData.SEED + 1);
        centroids = BenchData.sampleRows(arena, points, k, BenchData.SEED + 1);
        lloyd = new LloydStep(arena, points, centroids);
        labels = lloyd.labels;
        best = lloyd.best;
        compute.assignL2(points, start, labels, best); // labels for accumulate
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment assignL2() {
        compute.assignL2(points, start, labels, best);
        return labels;
    }

    @Benchmark
    public MemorySegment accumulate() {
        compute.accumulate(points, labels, start.rows(), lloyd.sums, lloyd.counts);
        return lloyd.sums;
    }

    /** Every call starts from the same centroids, so each measures the same iteration. */
    @Benchmark
    public FloatMatrix lloydIteration() {
        MemorySegment.copy(start.data(), 0, centroids.data(), 0, start.byteSize());
        lloyd.iterate(compute);
        return centroids;
    }
}
