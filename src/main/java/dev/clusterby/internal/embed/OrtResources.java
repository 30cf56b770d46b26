package dev.clusterby.internal.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/** Small pieces the ONNX encoders share: direct input buffers and closing what they own. */
final class OrtResources {
    private static final System.Logger LOG = System.getLogger(OrtResources.class.getName());

    private OrtResources() {}

    /** A native-order direct buffer, so ONNX Runtime reads the tensor without a copy. */
    static LongBuffer directLongs(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** The stack of the threads that create and run sessions: reserved address space, touched only as used. */
    static final long DEEP_STACK_BYTES = 256L << 20;

    /** What {@link #onDeepStack} runs: creating a session. */
    interface SessionWork<T> {
        T call() throws OrtException;
    }

    /**
     * The process's ONNX Runtime environment, made on a deep stack: its native creation recursed about 12,000 frames
     * deep here and overflowed a 1 MB main thread (SIGSEGV, no hs_err) when the caller's stack was already in use.
     */
    static OrtEnvironment environmentOnDeepStack() {
        try {
            return onDeepStack(OrtEnvironment::getEnvironment);
        } catch (OrtException e) {
            throw new IllegalStateException(e); // getEnvironment throws no OrtException
        }
    }

    /** The one thread that makes ONNX Runtime's environment and sessions; it lives as long as the JVM. */
    private static final java.util.concurrent.ExecutorService DEEP = java.util.concurrent.Executors.newSingleThreadExecutor(work -> {
        Thread thread = new Thread(null, work, "clusterby-onnx", DEEP_STACK_BYTES);
        thread.setDaemon(true);
        return thread;
    });
    private static volatile Thread deepThread;

    /**
     * Runs {@code work} on a long-lived thread of ours with a {@link #DEEP_STACK_BYTES} stack and waits for it.
     * ONNX Runtime's native code can recurse deeper than the 1 MB a Java thread gets by default, and an overflow there
     * kills the process with no Java error. The thread never exits, so nothing ONNX Runtime keeps per creating thread
     * outlives it.
     */
    static <T> T onDeepStack(SessionWork<T> work) throws OrtException {
        if (Thread.currentThread() == deepThread) return work.call();
        java.util.concurrent.Future<T> result = DEEP.submit(() -> {
            deepThread = Thread.currentThread();
            return work.call();
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the session is being built natively; leaving would orphan it
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof OrtException ort) throw ort;
                    if (cause instanceof RuntimeException runtime) throw runtime;
                    if (cause instanceof Error error) throw error;
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Closes sessions (nulls allowed) and the tokenizer; a failure is logged, never thrown, so the rest still close. */
    static void closeQuietly(HuggingFaceTokenizer tokenizer, OrtSession... sessions) {
        for (OrtSession session : sessions) {
            if (session == null) continue;
            try {
                session.close();
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, "closing an ONNX session failed: " + e.getMessage());
            }
        }
        if (tokenizer != null) tokenizer.close();
    }
}
