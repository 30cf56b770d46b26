package dev.clusterby.bench.compute;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The machine's practical peak for the % column: OpenBLAS sgemm (bytedeco 0.3.31, which picks its kernels from the
 * CPU it finds) on size² matrices, 2·size³ flops, on OpenBLAS's default threads (every core).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class SgemmBench {
    @Param({"4096"})
    public int size;

    private FloatPointer a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        long count = (long) size * size;
        SplittableRandom random = new SplittableRandom(BenchData.SEED + 8);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        a = new FloatPointer(values);
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        b = new FloatPointer(values);
        c = new FloatPointer(count);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
    }

    @Benchmark
    public FloatPointer openblasSgemm() {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, size, size, size, 1f, a, size, b, size, 0f, c, size);
        return c;
    }
}
