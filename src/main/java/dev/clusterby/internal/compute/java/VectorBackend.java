package dev.clusterby.internal.compute.java;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code java} backend: the Vector API ({@code jdk.incubator.vector}) over row blocks on a small pool of threads.
 *
 * <p>The JVM prints "WARNING: Using incubator modules" whenever the module is in the boot layer, and HotSpot refuses
 * to define it in a child layer ("Class loader must be the boot class loader", JDK 25), so there is no way to load
 * it on demand. This backend therefore runs only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; otherwise {@link #create()} says so. Like Lucene, nothing here touches
 * the Vector API: {@link VectorKernels} is loaded by name after the module check.
 *
 * <p>Threads: a fixed pool of daemon threads owned by this backend, not the common ForkJoin pool, so that kernels
 * get every core even while user code runs parallel streams, and blocking waits never starve that shared pool.
 */
public final class VectorBackend implements ComputeBackend {
    static final String MODULE = "jdk.incubator.vector";

    private final int threads;
    private final ExecutorService pool;
    private final String device;
    private volatile boolean closed;

    private VectorBackend(int threads, String device) {
        this.threads = threads;
        this.device = device;
        AtomicInteger count = new AtomicInteger();
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "clusterby-vector-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Why the backend cannot run here (the module is not in the boot layer), else null. */
    static String whyNot() {
        if (ModuleLayer.boot().findModule(MODULE).isPresent()) return null;
        return "the Vector API is not enabled: start the JVM with --add-modules " + MODULE
                + " (it is left out by default because the JVM then prints an incubator warning at every start)";
    }

    /** Opens the backend on every available processor. */
    public static VectorBackend create() {
        return create(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** Opens the backend on {@code threads} threads, or throws Unavailable when the Vector API module is not in the boot layer. */
    public static VectorBackend create(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        String reason = whyNot();
        if (reason != null) throw new ClusterbyException.Unavailable(reason);
        String shape;
        try {
            Class<?> kernels = Class.forName("dev.clusterby.internal.compute.java.VectorKernels", true, VectorBackend.class.getClassLoader());
            shape = (String) kernels.getMethod("describe").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ClusterbyException.Unavailable("the Vector API kernels failed to load: " + e, e);
        }
        return new VectorBackend(threads, threads + " CPU thread" + (threads == 1 ? "" : "s") + ", Vector API " + shape);
    }

    @Override public String name() { return "java"; }

    @Override public String device() { return device; }

    @Override
    public void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
        Kernels.checkSameWidth(points, centroids);
        try (Staged staged = new Staged()) {
            VectorKernels.assign(this::parallel, staged.in(points), staged.in(centroids), staged.out(labels),
                    staged.out(minDistances), false);
            staged.copyBack();
        }
    }

    @Override
    public void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
        Kernels.checkSameWidth(points, centroids);
        try (Staged staged = new Staged()) {
            VectorKernels.assign(this::parallel, staged.in(points), staged.in(centroids), staged.out(labels),
                    staged.out(maxSimilarity), true);
            staged.copyBack();
        }
    }

    @Override
    public void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
        try (Staged staged = new Staged()) {
            VectorKernels.accumulate(this::parallel, threads, staged.in(points), staged.in(labels), k, staged.out(sums),
                    staged.out(counts));
            staged.copyBack();
        }
    }

    @Override
    public double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        try (Staged staged = new Staged()) {
            double ll = VectorKernels.gmmEStepDiag(this::parallel, threads, staged.in(points), staged.in(means),
                    staged.in(precisions), staged.in(logNorm), staged.out(responsibilities));
            staged.copyBack();
            return ll;
        }
    }

    @Override
    public double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        try (Staged staged = new Staged()) {
            double ll = VectorKernels.gmmEStepFull(this::parallel, threads, staged.in(points), staged.in(means),
                    staged.in(precisionCholesky), staged.in(logNorm), staged.out(responsibilities));
            staged.copyBack();
            return ll;
        }
    }

    @Override
    public void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                           MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        try (Staged staged = new Staged()) {
            VectorKernels.gmmMoments(this::parallel, threads, staged.in(points), staged.in(responsibilities), full,
                    staged.out(nk), staged.out(sumX), staged.out(sumXX));
            staged.copyBack();
        }
    }

    @Override
    public void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity,
                                MemorySegment meanAbsGradient) {
        try (Staged staged = new Staged()) {
            VectorKernels.meanAbsGradient(this::parallel, threads, staged.in(points), staged.in(instruction),
                    similarity == Similarity.COSINE, staged.out(meanAbsGradient));
            staged.copyBack();
        }
    }

    @Override
    public void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        Kernels.checkKnn(points.rows(), m);
        try (Staged staged = new Staged()) {
            VectorKernels.knn(this::parallel, staged.in(points), m, staged.out(indices), staged.out(distances));
            staged.copyBack();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) pool.shutdownNow();
    }

    /** Work over [0, count) split into one contiguous chunk per thread (multiples of grain); body(thread, from, to). */
    interface RangeBody {
        void run(int thread, int from, int to);
    }

    /** How the kernels run a range in parallel; implemented by {@link #parallel}. */
    interface Parallel {
        /** Runs body over [0, count) in at most {@code threads} chunks and returns the number of chunks used. */
        int run(int count, int grain, RangeBody body);
    }

    private int parallel(int count, int grain, RangeBody body) {
        if (closed) throw new IllegalStateException("the java compute backend is closed");
        int units = (count + grain - 1) / grain;
        int chunks = Math.max(1, Math.min(threads, units));
        if (chunks == 1 || pool == null) {
            body.run(0, 0, count);
            return 1;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int t = 1; t < chunks; t++) {
            int from = Math.min(count, (int) ((long) units * t / chunks) * grain);
            int to = Math.min(count, (int) ((long) units * (t + 1) / chunks) * grain);
            int thread = t;
            futures.add(pool.submit(() -> body.run(thread, from, to)));
        }
        // The caller takes the first chunk rather than idling.
        RuntimeException failure = null;
        try {
            body.run(0, 0, Math.min(count, (int) ((long) units / chunks) * grain));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for kernel threads", e);
            }
        }
        if (failure != null) throw failure;
        return chunks;
    }

    /** Never started: a segment it may access is not confined to one thread, so the pool's threads may access it too. */
    private static final Thread PROBE = Thread.ofPlatform().unstarted(() -> {});

    /** Native and usable from the pool's threads (not confined to the caller's). */
    private static boolean shareable(MemorySegment s) {
        return s.isNative() && s.isAccessibleBy(PROBE);
    }

    /**
     * The arguments of one call as the pool's threads can use them: {@code fromMemorySegment} needs native memory, and
     * a confined segment is the caller's alone, so heap views and confined segments go through shared copies (inputs
     * copied in, outputs copied back by {@link #copyBack}); other segments are used as they are.
     */
    private static final class Staged implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final List<MemorySegment[]> outputs = new ArrayList<>();

        MemorySegment in(MemorySegment s) {
            if (shareable(s)) return s;
            MemorySegment copy = arena.allocate(Math.max(s.byteSize(), 8), 64);
            MemorySegment.copy(s, 0, copy, 0, s.byteSize());
            return copy.asSlice(0, s.byteSize());
        }

        FloatMatrix in(FloatMatrix m) {
            MemorySegment data = in(m.data());
            return data == m.data() ? m : new FloatMatrix(data, m.rows(), m.cols());
        }

        MemorySegment out(MemorySegment s) {
            if (shareable(s)) return s;
            MemorySegment copy = arena.allocate(Math.max(s.byteSize(), 8), 64).asSlice(0, s.byteSize());
            outputs.add(new MemorySegment[] {copy, s});
            return copy;
        }

        FloatMatrix out(FloatMatrix m) {
            MemorySegment data = out(m.data());
            return data == m.data() ? m : new FloatMatrix(data, m.rows(), m.cols());
        }

        /** Copies the staged outputs to the caller's segments (on the caller's thread). */
        void copyBack() {
            for (MemorySegment[] pair : outputs) MemorySegment.copy(pair[0], 0, pair[1], 0, pair[1].byteSize());
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
