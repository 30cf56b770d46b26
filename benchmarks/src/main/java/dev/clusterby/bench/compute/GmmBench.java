package dev.clusterby.bench.compute;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;

/**
 * GMM kernels on 20k×32 blobs: diagonal with 32 components, full with 16 (E-step, M-step moments), and one whole
 * diagonal EM iteration (E-step + moments + scikit-learn's M-step), the figure compared with scikit-learn.
 * {@code -p dataShape=5000x384} runs the same at embedding size, where full covariance's O(n·k·d²) dominates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class GmmBench {
    static final int K_DIAG = 32, K_FULL = 16;

    @Param({"native", "java", "opencl", "scalar"})
    public String backend;

    /** rows x columns of the data. */
    @Param({"20000x32"})
    public String dataShape;

    private int n, d;

    private Arena arena;
    private ComputeBackend compute;
    private FloatMatrix points, diagMeans, diagPrecisions, diagResp, fullMeans, fullResp;
    private FloatMatrix startMeans, startPrecisions;
    private MemorySegment diagLogNorm, fullLogNorm, precisionCholesky, nk, sumX, sumXXDiag, sumXXFull;
    private GmmDiagStep em;

    @Setup(Level.Trial)
    public void setUp() {
        compute = BenchData.backend(backend);
        n = Integer.parseInt(dataShape.substring(0, dataShape.indexOf('x')));
        d = Integer.parseInt(dataShape.substring(dataShape.indexOf('x') + 1));
        arena = Arena.ofShared();
        points = BenchData.blobs(arena, n, d, K_DIAG, BenchData.SEED + 2);
        SplittableRandom random = new SplittableRandom(BenchData.SEED + 3);

        startMeans = BenchData.sampleRows(arena, points, K_DIAG, BenchData.SEED + 4);
        startPrecisions = Segments.matrix(arena, K_DIAG, d);
        for (int c = 0; c < K_DIAG; c++) {
            for (int j = 0; j < d; j++) startPrecisions.set(c, j, (float) (1 / (0.5 + random.nextDouble())));
        }
        diagMeans = copy(startMeans);
        diagPrecisions = copy(startPrecisions);
        em = new GmmDiagStep(arena, points, diagMeans, diagPrecisions);
        diagResp = em.resp;
        diagLogNorm = em.logNorm;

        // Full: upper-triangular precision Cholesky factors (as scikit-learn's precisions_cholesky_), positive diagonal.
        fullMeans = BenchData.sampleRows(arena, points, K_FULL, BenchData.SEED + 5);
        precisionCholesky = Segments.floats(arena, (long) K_FULL * d * d);
        fullLogNorm = Segments.doubles(arena, K_FULL);
        for (int c = 0; c < K_FULL; c++) {
            double logDet = 0;
            for (int r = 0; r < d; r++) {
                for (int col = r; col < d; col++) {
                    double v = col == r ? 1 / (0.7 + 0.6 * random.nextDouble()) : 0.1 * random.nextGaussian();
                    precisionCholesky.setAtIndex(FLOAT, (long) c * d * d + (long) r * d + col, (float) v);
                    if (col == r) logDet += Math.log(v);
                }
            }
            fullLogNorm.setAtIndex(DOUBLE, c, Math.log(1.0 / K_FULL) - 0.5 * d * Math.log(2 * Math.PI) + logDet);
        }
        fullResp = Segments.matrix(arena, n, K_FULL);

        nk = Segments.doubles(arena, K_DIAG);
        sumX = Segments.doubles(arena, (long) K_DIAG * d);
        sumXXDiag = Segments.doubles(arena, (long) K_DIAG * d);
        sumXXFull = Segments.doubles(arena, (long) K_FULL * d * d);
        // Responsibilities for the moments benchmarks.
        compute.gmmEStepDiag(points, diagMeans, diagPrecisions, diagLogNorm, diagResp);
        compute.gmmEStepFull(points, fullMeans, precisionCholesky, fullLogNorm, fullResp);
    }

    private FloatMatrix copy(FloatMatrix m) {
        FloatMatrix out = Segments.matrix(arena, m.rows(), m.cols());
        MemorySegment.copy(m.data(), 0, out.data(), 0, m.byteSize());
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public double eStepDiag() {
        return compute.gmmEStepDiag(points, diagMeans, diagPrecisions, diagLogNorm, diagResp);
    }

    @Benchmark
    public double eStepFull() {
        return compute.gmmEStepFull(points, fullMeans, precisionCholesky, fullLogNorm, fullResp);
    }

    @Benchmark
    public MemorySegment momentsDiag() {
        compute.gmmMoments(points, diagResp, false, nk, sumX, sumXXDiag);
        return sumXXDiag;
    }

    @Benchmark
    public MemorySegment momentsFull() {
        compute.gmmMoments(points, fullResp, true, nk, sumX, sumXXFull);
        return sumXXFull;
    }

    /** Every call starts from the same parameters, so each measures the same iteration. */
    @Benchmark
    public double emIterationDiag() {
        MemorySegment.copy(startMeans.data(), 0, diagMeans.data(), 0, startMeans.byteSize());
        MemorySegment.copy(startPrecisions.data(), 0, diagPrecisions.data(), 0, startPrecisions.byteSize());
        double[] weights = new double[K_DIAG];
        java.util.Arrays.fill(weights, 1.0 / K_DIAG);
        em.setLogNorm(weights);
        return em.iterate(compute);
    }
}
