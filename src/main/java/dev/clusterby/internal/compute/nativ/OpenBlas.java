package dev.clusterby.internal.compute.nativ;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The optional OpenBLAS sgemm that {@code cb_assign_sgemm} runs on: bytedeco's build (it picks its kernels for the
 * CPU at run time), loaded through JavaCPP on first use, never in a static initialiser. When the jars are missing or
 * the library fails, the native backend keeps its C kernels and this says why in one log line.
 */
final class OpenBlas {
    private static final String JAVACPP_LOGGER = "org.bytedeco.javacpp.logger";
    private static final System.Logger LOG = System.getLogger(OpenBlas.class.getName());

    private static boolean tried;
    private static MemorySegment sgemm;

    private OpenBlas() {}

    /** The address of {@code cblas_sgemm}, or null where OpenBLAS is unavailable. */
    static synchronized MemorySegment sgemm() {
        if (tried) return sgemm;
        tried = true;
        try {
            // JavaCPP writes its own warnings to stderr; through SLF4J they reach java.util.logging like DJL's.
            if (System.getProperty(JAVACPP_LOGGER) == null) System.setProperty(JAVACPP_LOGGER, "slf4j");
            // By name: compiling against JavaCPP's classes drags in annotation warnings, and the jars stay optional.
            Class<?> presets = Class.forName("org.bytedeco.openblas.global.openblas_nolapack", false, OpenBlas.class.getClassLoader());
            Class.forName("org.bytedeco.javacpp.Loader").getMethod("load", Class.class).invoke(null, presets);
            SymbolLookup lookup = SymbolLookup.loaderLookup();
            MemorySegment gemm = lookup.find("cblas_sgemm").orElseThrow(() -> new UnsatisfiedLinkError("no cblas_sgemm"));
            MemorySegment threads = lookup.find("openblas_set_num_threads")
                    .orElseThrow(() -> new UnsatisfiedLinkError("no openblas_set_num_threads"));
            // cb_assign_sgemm gives each of its threads its own row blocks, so the BLAS must not fan out again.
            MethodHandle set = Linker.nativeLinker().downcallHandle(threads, FunctionDescriptor.ofVoid(JAVA_INT));
            set.invokeExact(1);
            sgemm = gemm;
        } catch (Throwable e) {  // no jars, UnsatisfiedLinkError, JavaCPP's RuntimeExceptions (wrapped by invoke)
            if (e instanceof VirtualMachineError vm && !(e instanceof StackOverflowError)) throw vm;
            if (e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null) e = ite.getCause();
            LOG.log(System.Logger.Level.WARNING, "OpenBLAS unavailable, the native backend assigns with its C kernels: {0}", e.toString());
        }
        return sgemm;
    }
}
