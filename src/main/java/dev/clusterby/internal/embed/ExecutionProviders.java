package dev.clusterby.internal.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.clusterby.ClusterbyException;

import java.util.Locale;

/**
 * Picks the ONNX Runtime execution provider for the device of the call's {@code Settings}: {@code auto}
 * takes CUDA when the GPU build of ONNX Runtime is on the classpath and a GPU answers, else the CPU; {@code cuda}
 * without CUDA is an error, never a silent fallback; {@code cpu} is the CPU.
 */
final class ExecutionProviders {
    private ExecutionProviders() {}

    /** Adds CUDA to the options when asked for or available; returns the provider's name for the log. */
    static String choose(OrtSession.SessionOptions options, String cpu, String device) {
        switch (device.trim().toLowerCase(Locale.ROOT)) {
            case "cpu" -> {
                return cpu;
            }
            case "cuda" -> {
                try {
                    options.addCUDA(0);
                    return "CUDA (device 0)";
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    throw new ClusterbyException.Unavailable("device cuda asked for, but ONNX Runtime cannot use CUDA here"
                            + " (the GPU build com.microsoft.onnxruntime:onnxruntime_gpu, a GPU and its drivers are needed): "
                            + e.getMessage(), e);
                }
            }
            case "auto" -> {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) return cpu;
                try {
                    options.addCUDA(0);
                    return "CUDA (device 0)";
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    return cpu + "; CUDA is built in but failed: " + e.getMessage();
                }
            }
            default -> throw new ClusterbyException.BadOption("device", "'" + device + "' is not one of auto, cpu, cuda");
        }
    }
}
