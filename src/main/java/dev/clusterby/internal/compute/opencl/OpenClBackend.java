package dev.clusterby.internal.compute.opencl;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.clusterby.internal.compute.Segments.DOUBLE;
import static dev.clusterby.internal.compute.Segments.FLOAT;
import static dev.clusterby.internal.compute.Segments.INT;
import static dev.clusterby.internal.compute.Segments.LONG;
import static org.jocl.CL.*;

/**
 * The {@code opencl} backend, through JOCL: a GPU when a platform has one, else a CPU device such as PoCL.
 * Select the device with {@code -Dclusterby.opencl.device=gpu|cpu|<index>} (the index counts devices over all platforms).
 *
 * <p>It owns one context, queue and program (built once from {@code kernels.cl}); {@link #close()} releases them.
 * Buffers live for one call. Calls are serialised, since kernel arguments are shared state.
 */
public final class OpenClBackend implements ComputeBackend {
    private static final String PROPERTY = "clusterby.opencl.device";
    private static final String[] KERNELS = {"assign_tiled", "assign_naive", "accumulate", "gmm_estep", "gmm_moments",
            "gmm_moments_full", "cosine_coefficients", "cosine_gradient", "knn"};

    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
    private final String device;
    /** Whether the device sums in float64 (cl_khr_fp64); else sums come back as float32. */
    private final boolean fp64;
    private final boolean tiled;
    private boolean closed;

    private OpenClBackend(cl_context context, cl_command_queue queue, cl_program program, String device, boolean fp64,
                          boolean tiled) {
        this.context = context;
        this.queue = queue;
        this.program = program;
        this.device = device;
        this.fp64 = fp64;
        this.tiled = tiled;
    }

    /**
     * On Linux, finds the OpenCL ICD loader before JOCL does: JOCL's native loader prints its failed attempts on
     * stdout, which would end up in a user's output, so a machine without libOpenCL is reported here instead.
     */
    private static void requireIcdLoader() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return;
        for (String name : new String[] {"libOpenCL.so.1", "libOpenCL.so"}) {
            try {
                java.lang.foreign.SymbolLookup.libraryLookup(name, java.lang.foreign.Arena.global());
                return;
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        throw new ClusterbyException.Unavailable("the OpenCL ICD loader (libOpenCL.so.1) is not installed;"
                + " install ocl-icd-libopencl1 and a driver such as pocl-opencl-icd");
    }

    /** Opens the chosen device, or throws Unavailable naming why (no ICD loader, no platform, no such device). */
    public static OpenClBackend create() {
        requireIcdLoader();
        try (var signals = HostSignalHandlers.guard()) {
            return createGuarded();
        }
    }

    private static OpenClBackend createGuarded() {
        List<cl_device_id> devices = new ArrayList<>();
        List<cl_platform_id> owners = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            if (count[0] == 0) throw new ClusterbyException.Unavailable("no OpenCL platform is installed (on Debian: apt-get install pocl-opencl-icd)");
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id platform : platforms) {
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id id : ids) {
                    devices.add(id);
                    owners.add(platform);
                }
            }
        } catch (ClusterbyException.Unavailable e) {
            throw e;
        } catch (CLException e) {
            throw new ClusterbyException.Unavailable("no OpenCL platform: " + e.getMessage()
                    + " (install an ICD, such as pocl-opencl-icd for CPUs)", e);
        } catch (LinkageError e) {
            throw new ClusterbyException.Unavailable("the OpenCL library could not be loaded (" + e.getMessage()
                    + "); install ocl-icd-libopencl1 and a driver such as pocl-opencl-icd", e);
        }
        if (devices.isEmpty()) throw new ClusterbyException.Unavailable("OpenCL platforms exist but offer no device");
        int chosen = choose(devices);
        return open(owners.get(chosen), devices.get(chosen));
    }

    private static int choose(List<cl_device_id> devices) {
        String wanted = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        int firstGpu = -1, firstCpu = -1;
        for (int i = 0; i < devices.size(); i++) {
            long type = getLong(devices.get(i), CL_DEVICE_TYPE);
            if ((type & CL_DEVICE_TYPE_GPU) != 0 && firstGpu < 0) firstGpu = i;
            if ((type & CL_DEVICE_TYPE_CPU) != 0 && firstCpu < 0) firstCpu = i;
        }
        switch (wanted) {
            case "", "auto" -> {
                return firstGpu >= 0 ? firstGpu : firstCpu >= 0 ? firstCpu : 0;
            }
            case "gpu" -> {
                if (firstGpu < 0) throw new ClusterbyException.Unavailable(PROPERTY + "=gpu but no OpenCL GPU device is present");
                return firstGpu;
            }
            case "cpu" -> {
                if (firstCpu < 0) throw new ClusterbyException.Unavailable(PROPERTY + "=cpu but no OpenCL CPU device is present");
                return firstCpu;
            }
            default -> {
                try {
                    int index = Integer.parseInt(wanted);
                    if (index >= 0 && index < devices.size()) return index;
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new ClusterbyException.BadOption(PROPERTY, "expected gpu, cpu or a device index 0.."
                        + (devices.size() - 1) + ", got '" + wanted + "'");
            }
        }
    }

    private static OpenClBackend open(cl_platform_id platform, cl_device_id id) {
        String name = getString(id, CL_DEVICE_NAME).trim() + " (" + getPlatformString(platform, CL_PLATFORM_NAME).trim() + ")";
        boolean fp64 = getString(id, CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64");
        long maxGroup = getSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL_CONTEXT_PLATFORM, platform);
        cl_context context = null;
        cl_command_queue queue = null;
        cl_program program = null;
        OpenClBackend backend = null;
        try {
            context = clCreateContext(properties, 1, new cl_device_id[] {id}, null, null, null);
            queue = clCreateCommandQueueWithProperties(context, id, new cl_queue_properties(), null);
            program = clCreateProgramWithSource(context, 1, new String[] {source()}, null, null);
            try {
                clBuildProgram(program, 1, new cl_device_id[] {id}, "", null, null);
            } catch (CLException e) {
                throw new ClusterbyException.Unavailable("OpenCL kernels failed to build on " + name + ": " + buildLog(program, id), e);
            }
            backend = new OpenClBackend(context, queue, program, name, fp64, maxGroup >= 256);
            for (String kernel : KERNELS) backend.kernels.put(kernel, clCreateKernel(program, kernel, null));
            return backend;
        } catch (CLException e) {
            if (backend != null) backend.close();
            else release(context, queue, program);
            throw new ClusterbyException.Unavailable("OpenCL device " + name + " could not be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (backend != null) backend.close();
            else release(context, queue, program);
            throw e;
        }
    }

    private static void release(cl_context context, cl_command_queue queue, cl_program program) {
        if (program != null) clReleaseProgram(program);
        if (queue != null) clReleaseCommandQueue(queue);
        if (context != null) clReleaseContext(context);
    }

    private static String source() {
        try (InputStream in = OpenClBackend.class.getResourceAsStream("kernels.cl")) {
            if (in == null) throw new ClusterbyException.Unavailable("kernels.cl is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClusterbyException.Unavailable("kernels.cl could not be read: " + e.getMessage(), e);
        }
    }

    @Override public String name() { return "opencl"; }

    @Override public String device() { return device + (fp64 ? "" : ", float32 sums"); }

    // ---- kernels ----

    @Override
    public synchronized void assignL2(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment minDistances) {
        assign(points, centroids, labels, minDistances, false);
    }

    @Override
    public synchronized void assignCosine(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment maxSimilarity) {
        assign(points, centroids, labels, maxSimilarity, true);
    }

    private void assign(FloatMatrix points, FloatMatrix centroids, MemorySegment labels, MemorySegment values, boolean cosine) {
        checkSameWidth(points, centroids);
        checkOpen();
        int n = points.rows(), k = centroids.rows(), d = points.cols();
        if (n == 0) return;
        try (Arena arena = Arena.ofConfined(); Buffers b = new Buffers()) {
            MemorySegment cn = arena.allocate((long) k * Float.BYTES, 64);
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += (double) centroids.get(c, j) * centroids.get(c, j);
                cn.setAtIndex(FLOAT, c, (float) s);
            }
            cl_mem x = b.in(points.data(), points.byteSize()), cen = b.in(centroids.data(), centroids.byteSize());
            cl_mem cnorm = b.in(cn, (long) k * Float.BYTES);
            cl_mem outLabels = b.out((long) n * Integer.BYTES), outValues = b.out((long) n * Float.BYTES);
            cl_kernel kernel = kernels.get(tiled ? "assign_tiled" : "assign_naive");
            args(kernel, x, cen, cnorm, n, k, d, cosine ? 1 : 0, outLabels, outValues);
            if (tiled) run2d(kernel, 16, 16L * ((n + 63) / 64));
            else run1d(kernel, n);
            read(outLabels, labels, (long) n * Integer.BYTES);
            read(outValues, values, (long) n * Float.BYTES);
        }
    }

    @Override
    public synchronized void accumulate(FloatMatrix points, MemorySegment labels, int k, MemorySegment sums, MemorySegment counts) {
        checkOpen();
        int n = points.rows(), d = points.cols();
        long[] count = new long[k];
        for (int i = 0; i < n; i++) {
            int c = labels.getAtIndex(INT, i);
            if (c >= 0 && c < k) count[c]++;
        }
        for (int c = 0; c < k; c++) counts.setAtIndex(LONG, c, count[c]);
        if (d == 0 || k == 0) return;
        try (Buffers b = new Buffers()) {
            cl_mem x = b.in(points.data(), points.byteSize()), l = b.in(labels, (long) n * Integer.BYTES);
            cl_mem out = b.out(accBytes((long) k * d));
            cl_kernel kernel = kernels.get("accumulate");
            args(kernel, x, l, n, k, d, out);
            run1d(kernel, d);
            readAcc(out, sums, (long) k * d);
        }
    }

    @Override
    public synchronized double gmmEStepDiag(FloatMatrix points, FloatMatrix means, FloatMatrix precisions, MemorySegment logNorm,
                                            FloatMatrix responsibilities) {
        checkSameWidth(points, means);
        return eStep(points, means, precisions.data(), precisions.byteSize(), logNorm, responsibilities, false);
    }

    @Override
    public synchronized double gmmEStepFull(FloatMatrix points, FloatMatrix means, MemorySegment precisionCholesky,
                                            MemorySegment logNorm, FloatMatrix responsibilities) {
        checkSameWidth(points, means);
        return eStep(points, means, precisionCholesky, (long) means.rows() * points.cols() * points.cols() * Float.BYTES,
                logNorm, responsibilities, true);
    }

    private double eStep(FloatMatrix points, FloatMatrix means, MemorySegment precisions, long precisionBytes,
                         MemorySegment logNorm, FloatMatrix responsibilities, boolean full) {
        checkOpen();
        int n = points.rows(), k = means.rows(), d = points.cols();
        if (n == 0) return 0;
        try (Arena arena = Arena.ofConfined(); Buffers b = new Buffers()) {
            MemorySegment norms = arena.allocate(accBytes(k), 64);
            for (int c = 0; c < k; c++) putAcc(norms, c, logNorm.getAtIndex(DOUBLE, c));
            cl_mem x = b.in(points.data(), points.byteSize()), mu = b.in(means.data(), means.byteSize());
            cl_mem prec = b.in(precisions, precisionBytes), ln = b.in(norms, accBytes(k));
            cl_mem resp = b.out((long) n * k * Float.BYTES), lse = b.out(accBytes(n));
            cl_kernel kernel = kernels.get("gmm_estep");
            args(kernel, x, mu, prec, ln, n, k, d, full ? 1 : 0, resp, lse);
            run1d(kernel, n);
            read(resp, responsibilities.data(), (long) n * k * Float.BYTES);
            MemorySegment perRow = arena.allocate(accBytes(n), 64);
            read(lse, perRow, accBytes(n));
            double total = 0;
            for (int i = 0; i < n; i++) total += getAcc(perRow, i);
            return total;
        }
    }

    @Override
    public synchronized void gmmMoments(FloatMatrix points, FloatMatrix responsibilities, boolean full,
                                        MemorySegment nk, MemorySegment sumX, MemorySegment sumXX) {
        checkOpen();
        int n = points.rows(), k = responsibilities.cols(), d = points.cols();
        if (k == 0) return;
        if (d == 0) {
            // No columns: only nk is defined.
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += responsibilities.get(i, c);
                nk.setAtIndex(DOUBLE, c, s);
            }
            return;
        }
        try (Buffers b = new Buffers()) {
            cl_mem x = b.in(points.data(), points.byteSize());
            cl_mem r = b.in(responsibilities.data(), responsibilities.byteSize());
            long xx = full ? (long) k * d * d : (long) k * d;
            cl_mem outN = b.out(accBytes(k)), outX = b.out(accBytes((long) k * d)), outXX = b.out(accBytes(xx));
            cl_kernel kernel = kernels.get("gmm_moments");
            args(kernel, x, r, n, k, d, full ? 1 : 0, outN, outX, outXX);
            run1d(kernel, (long) k * d);
            if (full) {
                cl_kernel second = kernels.get("gmm_moments_full");
                args(second, x, r, n, k, d, outXX);
                run1d(second, xx);
            }
            readAcc(outN, nk, k);
            readAcc(outX, sumX, (long) k * d);
            readAcc(outXX, sumXX, xx);
        }
    }

    @Override
    public synchronized void meanAbsGradient(FloatMatrix points, MemorySegment instruction, Similarity similarity,
                                             MemorySegment meanAbsGradient) {
        checkOpen();
        int n = points.rows(), d = points.cols();
        if (similarity == Similarity.DOT || n == 0 || d == 0) {
            // ∂(x·t)/∂x = t for every row: no device work.
            for (int j = 0; j < d; j++) meanAbsGradient.setAtIndex(DOUBLE, j, n == 0 ? 0 : Math.abs((double) instruction.getAtIndex(FLOAT, j)));
            return;
        }
        double tt = 0;
        for (int j = 0; j < d; j++) tt += (double) instruction.getAtIndex(FLOAT, j) * instruction.getAtIndex(FLOAT, j);
        try (Buffers b = new Buffers()) {
            cl_mem x = b.in(points.data(), points.byteSize()), t = b.in(instruction, (long) d * Float.BYTES);
            cl_mem ab = b.out(accBytes(2L * n)), mean = b.out(accBytes(d));
            cl_kernel first = kernels.get("cosine_coefficients");
            args(first, x, t, n, d, Math.sqrt(tt), ab);
            run1d(first, n);
            cl_kernel second = kernels.get("cosine_gradient");
            args(second, x, t, ab, n, d, mean);
            run1d(second, d);
            readAcc(mean, meanAbsGradient, d);
        }
    }

    @Override
    public synchronized void knn(FloatMatrix points, int m, MemorySegment indices, MemorySegment distances) {
        int n = points.rows(), d = points.cols();
        if (m < 1 || m >= n) throw new IllegalArgumentException("knn needs 1 <= m < n, got m=" + m + " n=" + n);
        checkOpen();
        try (Buffers b = new Buffers()) {
            cl_mem x = b.in(points.data(), points.byteSize());
            cl_mem outI = b.out((long) n * m * Integer.BYTES), outD = b.out((long) n * m * Float.BYTES);
            cl_kernel kernel = kernels.get("knn");
            args(kernel, x, n, d, m, outI, outD);
            run1d(kernel, n);
            read(outI, indices, (long) n * m * Integer.BYTES);
            read(outD, distances, (long) n * m * Float.BYTES);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try (var signals = HostSignalHandlers.guard()) {
            for (cl_kernel kernel : kernels.values()) clReleaseKernel(kernel);
            kernels.clear();
            release(context, queue, program);
        }
    }

    // ---- plumbing ----

    /**
     * The buffers of one call, released together. Every kernel call opens one first, so it also spans the call's
     * driver work (PoCL compiles work-group functions at enqueue) with a guard on the JVM's signal handlers.
     */
    private final class Buffers implements AutoCloseable {
        private final HostSignalHandlers.Guard signals = HostSignalHandlers.guard();
        private final List<cl_mem> owned = new ArrayList<>();

        /** A device copy of the first {@code bytes} of the segment. */
        cl_mem in(MemorySegment segment, long bytes) {
            if (bytes == 0) return out(4); // OpenCL has no empty buffers; the kernel never reads it
            Pointer host = Pointer.to(segment.asSlice(0, bytes).asByteBuffer());
            cl_mem mem = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes, host, null);
            owned.add(mem);
            return mem;
        }

        cl_mem out(long bytes) {
            cl_mem mem = clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(bytes, 4), null, null);
            owned.add(mem);
            return mem;
        }

        @Override
        public void close() {
            try {
                for (cl_mem mem : owned) clReleaseMemObject(mem);
                owned.clear();
            } finally {
                signals.close();
            }
        }
    }

    private void read(cl_mem mem, MemorySegment target, long bytes) {
        if (bytes == 0) return;
        clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, bytes, Pointer.to(target.asSlice(0, bytes).asByteBuffer()), 0, null, null);
    }

    /** Reads count sums into float64 entries of target, widening when the device summed in float. */
    private void readAcc(cl_mem mem, MemorySegment target, long count) {
        if (fp64) {
            read(mem, target, count * Double.BYTES);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment floats = arena.allocate(Math.max(count, 1) * Float.BYTES, 64);
            read(mem, floats, count * Float.BYTES);
            for (long i = 0; i < count; i++) target.setAtIndex(DOUBLE, i, floats.getAtIndex(FLOAT, i));
        }
    }

    private long accBytes(long count) {
        return count * (fp64 ? Double.BYTES : Float.BYTES);
    }

    private void putAcc(MemorySegment segment, long index, double value) {
        if (fp64) segment.setAtIndex(DOUBLE, index, value);
        else segment.setAtIndex(FLOAT, index, (float) value);
    }

    private double getAcc(MemorySegment segment, long index) {
        return fp64 ? segment.getAtIndex(DOUBLE, index) : segment.getAtIndex(FLOAT, index);
    }

    private void args(cl_kernel kernel, Object... values) {
        for (int i = 0; i < values.length; i++) {
            switch (values[i]) {
                case cl_mem mem -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(mem));
                case Integer v -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Double v -> {
                    if (fp64) clSetKernelArg(kernel, i, Sizeof.cl_double, Pointer.to(new double[] {v}));
                    else clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v.floatValue()}));
                }
                default -> throw new IllegalArgumentException("unsupported kernel argument " + values[i]);
            }
        }
    }

    private void run1d(cl_kernel kernel, long items) {
        if (items == 0) return;
        clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {items}, null, 0, null, null);
    }

    private void run2d(cl_kernel kernel, long x, long y) {
        clEnqueueNDRangeKernel(queue, kernel, 2, null, new long[] {x, y}, new long[] {16, 16}, 0, null, null);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the opencl compute backend is closed");
    }

    private static void checkSameWidth(FloatMatrix points, FloatMatrix centroids) {
        if (points.cols() != centroids.cols()) {
            throw new IllegalArgumentException("points are " + points.cols() + "-d but centroids are " + centroids.cols() + "-d");
        }
        if (centroids.rows() < 1) throw new IllegalArgumentException("no centroids");
    }

    private static String buildLog(cl_program program, cl_device_id id) {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, id, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(program, id, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    private static String getString(cl_device_id id, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(id, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetDeviceInfo(id, param, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, 0, Math.max(0, bytes.length - 1), StandardCharsets.UTF_8);
    }

    private static String getPlatformString(cl_platform_id id, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(id, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetPlatformInfo(id, param, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, 0, Math.max(0, bytes.length - 1), StandardCharsets.UTF_8);
    }

    private static long getLong(cl_device_id id, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(id, param, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }

    private static long getSize(cl_device_id id, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(id, param, Sizeof.size_t, Pointer.to(value), null);
        return value[0];
    }
}
