package dev.clusterby.internal.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
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
