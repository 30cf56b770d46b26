package dev.clusterby.internal.compute.nativ;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.clusterby.internal.compute.nativ.foreign.clusterby_h.*;

/**
 * The C kernels of libclusterby (blocked, multithreaded, AVX-512 or AVX2 chosen at run time), called through
 * FFM. Native segments go straight to C; heap segments are copied to native memory for the call. With
 * {@code -Dclusterby.native.sgemm=true}, assignment runs on OpenBLAS's sgemm instead of the C tiles where OpenBLAS
 * loads (see {@link OpenBlas}), and {@link #device()} says so; off by default, since the C tiles measured faster on
 * every shape tried (benchmarks/RESULTS-perf.md).
 */
public final class NativeBackend implements ComputeBackend {
    private static final int CB_OK = 0, CB_EINVAL = -1, CB_ENOMEM = -2;

    static final String SGEMM_PROPERTY = "clusterby.native.sgemm";

    private final int threads;
    private final String device;
    private final MemorySegment sgemm;  // null: the C tiles assign
    private volatile boolean closed;

    private NativeBackend(int threads, boolean useSgemm) {
        this.threads = threads;
        this.sgemm = useSgemm ? OpenBlas.sgemm() : null;
        int used = threads > 0 ? threads : cb_default_threads();
        this.device = used + (used == 1 ? " thread, " : " threads, ") + cb_cpu_path().reinterpret(256).getString(0)
                + ", libclusterby " + cb_version().reinterpret(64).getString(0) + (sgemm != null ? ", OpenBLAS sgemm" : "");
    }

    /** On libclusterby's default thread count (every online processor); clusterby's registry passes {@code Settings.threads()}. */
    public static NativeBackend create() {
        return create(0);
    }

    /** A backend on {@code threads} threads (0 for the default); throws Unavailable with the reason when the library cannot load. */
    public static NativeBackend create(int threads) {
        return create(threads, Boolean.getBoolean(SGEMM_PROPERTY));
    }

    /** As {@link #create(int)}, choosing the assign path (OpenBLAS sgemm where it loads, else the C tiles). */
    static NativeBackend create(int threads, boolean useSgemm) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        NativeLibrary.load();
        return new NativeBackend(threads, useSgemm);
    }

    @Override public String name() { return "native"; }

    @Override public String device() { return device; }

    @Override
    public void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
        assign(points, centroids, labels, minDistances, false);
    }

    @Override
    public void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
        assign(points, centroids, labels, maxSimilarity, true);
    }

    private void assign(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment values, boolean cosine) {
        checkOpen();
        checkSameWidth(points, centroids);
        int n = points.rows();
        try (Call call = new Call()) {
            MemorySegment x = call.in(points.data(), points.byteSize());
            MemorySegment c = call.in(centroids.data(), centroids.byteSize());
            MemorySegment l = call.out(labels, 4L * n, "labels");
            MemorySegment v = call.out(values, 4L * n, cosine ? "maxSimilarity" : "minDistances");
            int d = points.cols(), k = centroids.rows();
            if (sgemm != null) {
                check(cb_assign_sgemm(x, n, d, c, k, cosine ? 1 : 0, sgemm, l, v, threads), "assign");
            } else {
                check(cosine ? cb_assign_cosine(x, n, d, c, k, l, v, threads) : cb_assign_l2(x, n, d, c, k, l, v, threads), "assign");
            }
        }
    }

    @Override
    public void distancesL2(FloatMatrix points, FloatMatrix centroids, FloatMatrix out) {
        checkOpen();
        checkSameWidth(points, centroids);
        int n = points.rows(), k = centroids.rows();
        if (out.rows() != n || out.cols() != k) {
            throw new IllegalArgumentException("out is " + out.rows() + "x" + out.cols() + ", expected " + n + "x" + k);
        }
        try (Call call = new Call()) {
            MemorySegment x = call.in(points.data(), points.byteSize());
            MemorySegment c = call.in(centroids.data(), centroids.byteSize());
            MemorySegment o = call.out(out.data(), 4L * n * k, "out");
            check(cb_distances_l2(x, n, points.cols(), c, k, o, threads), "distancesL2");
        }
    }

    @Override
    public void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
        checkOpen();
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        int n = points.rows(), d = points.cols();
        try (Call call = new Call()) {
            MemorySegment x = call.in(points.data(), points.byteSize());
            MemorySegment l = call.in(labels, 4L * n, "labels");
            MemorySegment s = call.out(sums, 8L * k * d, "sums");
            MemorySegment c = call.out(counts, 8L * k, "counts");
            check(cb_accumulate(x, n, d, l, k, s, c, threads), "accumulate");
        }
    }

    @Override
    public double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        checkOpen();
        checkSameWidth(points, means);
        int k = means.rows();
        if (precisions.rows() != k || precisions.cols() != points.cols()) {
            throw new IllegalArgumentException("precisions are " + precisions.rows() + "x" + precisions.cols() + ", expected " + k + "x" + points.cols());
        }
        checkResponsibilities(points, responsibilities, k);
        try (Call call = new Call()) {
            MemorySegment ll = call.arena.allocate(8);
            check(cb_gmm_estep_diag(call.in(points.data(), points.byteSize()), points.rows(), points.cols(),
                    call.in(means.data(), means.byteSize()), call.in(precisions.data(), precisions.byteSize()),
                    call.in(logNorm, 8L * k, "logNorm"), k,
                    call.out(responsibilities.data(), responsibilities.byteSize(), "responsibilities"), ll, threads), "gmmEStepDiag");
            return ll.get(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    @Override
    public double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky, MemorySegment logNorm,
                               FloatMatrix responsibilities) {
        checkOpen();
        checkSameWidth(points, means);
        int k = means.rows(), d = points.cols();
        checkResponsibilities(points, responsibilities, k);
        try (Call call = new Call()) {
            MemorySegment ll = call.arena.allocate(8);
            check(cb_gmm_estep_full(call.in(points.data(), points.byteSize()), points.rows(), d,
                    call.in(means.data(), means.byteSize()), call.in(precisionCholesky, 4L * k * d * d, "precisionCholesky"),
                    call.in(logNorm, 8L * k, "logNorm"), k,
                    call.out(responsibilities.data(), responsibilities.byteSize(), "responsibilities"), ll, threads), "gmmEStepFull");
            return ll.get(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    @Override
    public void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                           MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        checkOpen();
        int n = points.rows(), d = points.cols(), k = responsibilities.cols();
        if (responsibilities.rows() != n) {
            throw new IllegalArgumentException("responsibilities have " + responsibilities.rows() + " rows for " + n + " points");
        }
        if (k < 1) throw new IllegalArgumentException("responsibilities have no columns");
        try (Call call = new Call()) {
            check(cb_gmm_moments(call.in(points.data(), points.byteSize()), n, d,
                    call.in(responsibilities.data(), responsibilities.byteSize()), k, full ? 1 : 0,
                    call.out(nk, 8L * k, "nk"), call.out(sumX, 8L * k * d, "sumX"),
                    call.out(sumXX, 8L * k * d * (full ? d : 1), "sumXX"), threads), "gmmMoments");
        }
    }

    @Override
    public void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity, MemorySegment meanAbsGradient) {
        checkOpen();
        int d = points.cols();
        try (Call call = new Call()) {
            check(cb_mean_abs_gradient(call.in(points.data(), points.byteSize()), points.rows(), d,
                    call.in(instruction, 4L * d, "instruction"), similarity == Similarity.COSINE ? 1 : 0,
                    call.out(meanAbsGradient, 8L * d, "meanAbsGradient"), threads), "meanAbsGradient");
        }
    }

    @Override
    public void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        checkOpen();
        int n = points.rows();
        if (m < 1 || m >= n) throw new IllegalArgumentException("knn needs 1 <= m < n, got m=" + m + " n=" + n);
        try (Call call = new Call()) {
            check(cb_knn(call.in(points.data(), points.byteSize()), n, points.cols(), m,
                    call.out(indices, 4L * n * m, "indices"), call.out(distances, 4L * n * m, "distances"), threads), "knn");
        }
    }

    /** The library stays loaded for the JVM's life; closing only retires this handle. */
    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the native backend is closed");
    }

    private static void checkSameWidth(FloatMatrix points, FloatMatrix centroids) {
        if (points.cols() != centroids.cols()) {
            throw new IllegalArgumentException("points are " + points.cols() + "-d but centroids are " + centroids.cols() + "-d");
        }
        if (centroids.rows() < 1) throw new IllegalArgumentException("no centroids");
    }

    private static void checkResponsibilities(FloatMatrix points, FloatMatrix responsibilities, int k) {
        if (responsibilities.rows() != points.rows() || responsibilities.cols() != k) {
            throw new IllegalArgumentException("responsibilities are " + responsibilities.rows() + "x" + responsibilities.cols()
                    + ", expected " + points.rows() + "x" + k);
        }
    }

    private static void check(int status, String kernel) {
        switch (status) {
            case CB_OK -> { }
            case CB_EINVAL -> throw new IllegalArgumentException("native " + kernel + " rejected its arguments");
            case CB_ENOMEM -> throw new OutOfMemoryError("native " + kernel + " could not allocate its scratch memory");
            default -> throw new ClusterbyException("native " + kernel + " failed with status " + status);
        }
    }

    /**
     * The segments of one call. Sizes are checked here because C cannot; heap segments get a native copy
     * (outputs are copied back on close), native ones pass through untouched.
     */
    private static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        private MemorySegment[] backTo = new MemorySegment[0];
        private MemorySegment[] from = new MemorySegment[0];

        MemorySegment in(MemorySegment segment, long bytes) {
            return in(segment, bytes, "input");
        }

        MemorySegment in(MemorySegment segment, long bytes, String what) {
            requireSize(segment, bytes, what);
            if (segment.isNative() || bytes == 0) return segment;
            MemorySegment copy = arena.allocate(bytes, 64);
            copy.copyFrom(segment.asSlice(0, bytes));
            return copy;
        }

        MemorySegment out(MemorySegment segment, long bytes, String what) {
            requireSize(segment, bytes, what);
            if (segment.isReadOnly()) throw new IllegalArgumentException(what + " is read-only");
            if (segment.isNative() || bytes == 0) return segment;
            MemorySegment copy = arena.allocate(bytes, 64);
            backTo = java.util.Arrays.copyOf(backTo, backTo.length + 1);
            from = java.util.Arrays.copyOf(from, from.length + 1);
            backTo[backTo.length - 1] = segment.asSlice(0, bytes);
            from[from.length - 1] = copy;
            return copy;
        }

        private static void requireSize(MemorySegment segment, long bytes, String what) {
            if (segment.byteSize() < bytes) {
                throw new IllegalArgumentException(what + " holds " + segment.byteSize() + " bytes but needs " + bytes);
            }
        }

        @Override
        public void close() {
            try {
                for (int i = 0; i < backTo.length; i++) backTo[i].copyFrom(from[i]);
            } finally {
                arena.close();
            }
        }
    }
}
