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
import java.util.concurrent.TimeUnit;

/** The instruction mask statistic: meanAbsGradient of the cosine similarity, n=100k rows of d=384 (≈ 4·n·d flops). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class MaskBench {
    static final int N = 100_000, D = 384;

    @Param({"native", "java", "opencl", "scalar"})
    public String backend;

    private Arena arena;
    private ComputeBackend compute;
    private FloatMatrix points;
    private MemorySegment instruction, out;

    @Setup(Level.Trial)
    public void setUp() {
        compute = BenchData.backend(backend);
        arena = Arena.ofShared();
        points = BenchData.blobs(arena, N, D, 32, BenchData.SEED + 6);
        BenchData.normaliseRows(points); // embeddings are unit length
        FloatMatrix t = BenchData.blobs(arena, 1, D, 1, BenchData.SEED + 7);
        instruction = t.data();
        out = Segments.doubles(arena, D);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment meanAbsGradientCosine() {
        compute.meanAbsGradient(points, instruction, ComputeBackend.Similarity.COSINE, out);
        return out;
    }
}
