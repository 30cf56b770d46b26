package dev.clusterby.compute.java;

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

    /** Opens the backend, or throws Unavailable when the Vector API module is not in the boot layer. */
    public static VectorBackend create() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            throw new ClusterbyException.Unavailable("the Vector API is not enabled: start the JVM with --add-modules "
                    + MODULE + " (it is left out by default because the JVM then prints an incubator warning at every start)");
        }
        String shape;
        try {
            Class<?> kernels = Class.forName("dev.clusterby.compute.java.VectorKernels", true, VectorBackend.class.getClassLoader());
            shape = (String) kernels.getMethod("describe").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ClusterbyException.Unavailable("the Vector API kernels failed to load: " + e, e);
        }
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        return new VectorBackend(threads, threads + " CPU thread" + (threads == 1 ? "" : "s") + ", Vector API " + shape);
    }

    @Override public String name() { return "java"; }

    @Override public String device() { return device; }

    @Override
    public void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
        Kernels.checkSameWidth(points, centroids);
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.assign(this::parallel, offHeap(points, arena), offHeap(centroids, arena), labels, minDistances, false);
        }
    }

    @Override
    public void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
        Kernels.checkSameWidth(points, centroids);
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.assign(this::parallel, offHeap(points, arena), offHeap(centroids, arena), labels, maxSimilarity, true);
        }
    }

    @Override
    public void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.accumulate(this::parallel, threads, offHeap(points, arena), labels, k, sums, counts);
        }
    }

    @Override
    public double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix out = offHeapOutput(responsibilities, arena);
            double ll = VectorKernels.gmmEStepDiag(this::parallel, threads, offHeap(points, arena), means, precisions, logNorm, out);
            copyBack(out, responsibilities);
            return ll;
        }
    }

    @Override
    public double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        Kernels.checkSameWidth(points, means);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix out = offHeapOutput(responsibilities, arena);
            double ll = VectorKernels.gmmEStepFull(this::parallel, threads, offHeap(points, arena), means, precisionCholesky,
                    logNorm, out);
            copyBack(out, responsibilities);
            return ll;
        }
    }

    @Override
    public void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                           MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.gmmMoments(this::parallel, threads, offHeap(points, arena), offHeap(responsibilities, arena), full,
                    nk, sumX, sumXX);
        }
    }

    @Override
    public void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity,
                                MemorySegment meanAbsGradient) {
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.meanAbsGradient(this::parallel, threads, offHeap(points, arena), instruction,
                    similarity == Similarity.COSINE, meanAbsGradient);
        }
    }

    @Override
    public void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        Kernels.checkKnn(points.rows(), m);
        try (Arena arena = Arena.ofShared()) {
            VectorKernels.knn(this::parallel, offHeap(points, arena), m, indices, distances);
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

    /** Native and readable from the pool's threads (not confined to the caller's). */
    private static boolean shareable(MemorySegment s) {
        return s.isNative() && s.isAccessibleBy(PROBE);
    }

    /**
     * fromMemorySegment needs native (or byte[]) segments, and the pool's threads cannot touch a confined one: a heap
     * float[] view or a confined segment is copied once.
     */
    private static FloatMatrix offHeap(FloatMatrix m, Arena arena) {
        if (shareable(m.data())) return m;
        MemorySegment copy = arena.allocate(Math.max(m.byteSize(), 4), 64);
        MemorySegment.copy(m.data(), 0, copy, 0, m.byteSize());
        return new FloatMatrix(copy, m.rows(), m.cols());
    }

    private static FloatMatrix offHeapOutput(FloatMatrix m, Arena arena) {
        if (shareable(m.data())) return m;
        return new FloatMatrix(arena.allocate(Math.max(m.byteSize(), 4), 64), m.rows(), m.cols());
    }

    private static void copyBack(FloatMatrix from, FloatMatrix to) {
        if (from != to) MemorySegment.copy(from.data(), 0, to.data(), 0, to.byteSize());
    }
}
