package dev.clusterby.internal.embed;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.embed.Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Everything that changes a vector changes the key; what does not, does not. And the saved optimised model. */
class EncoderFingerprintsTest {
    private static String version(OnnxTextEncoder.Spec spec, OnnxTextEncoder.Tuning tuning) {
        try (OnnxTextEncoder encoder = OnnxTextEncoder.deferred(spec, tuning)) {
            return encoder.version();
        }
    }

    @Test
    void settingsThatChangeVectorsChangeTheKey() {
        OnnxTextEncoder.Tuning perRow = new OnnxTextEncoder.Tuning(64, 2, 1);
        String base = version(OnnxTextEncoder.MINILM, perRow);
        // The default routes texts of more than T tokens to the model as shipped: T is in the key.
        assertTrue(base.endsWith("-mean-256-" + PerRowQuantization.SCHEME + "-alone" + OnnxTextEncoder.ALONE_ABOVE_TOKENS), base);
        assertNotEquals(base, version(OnnxTextEncoder.MINILM, perRow.withQuantization(OnnxTextEncoder.Quantization.PER_ROW)),
                "routing long texts alone");
        assertNotEquals(base, version(OnnxTextEncoder.MINILM.withMaxLength(128), perRow), "max tokens");
        assertNotEquals(base, version(OnnxTextEncoder.MINILM, perRow.withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR)), "quantisation");
        OnnxTextEncoder.Tuning tensor1 = new OnnxTextEncoder.Tuning(1, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR);
        OnnxTextEncoder.Tuning tensor16 = new OnnxTextEncoder.Tuning(16, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR);
        assertNotEquals(version(OnnxTextEncoder.MINILM, tensor1), version(OnnxTextEncoder.MINILM, tensor16), "per-tensor batching moves vectors");
        assertNotEquals(base, version(OnnxTextEncoder.BGE_SMALL, perRow), "model file and pooling");
        // Batch rows, threads and the device layout move no vector under per-row scales (BatchInvarianceTest).
        assertEquals(base, version(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(1, 1, 1)));
        assertEquals(base, version(OnnxTextEncoder.MINILM, new OnnxTextEncoder.Tuning(32, 1, 2)));
    }

    @Test
    void maxTokensFromSettingsReachTheEncoderAndItsKey() {
        Encoder own = Encoders.resolve("minilm", Encoder.Modality.TEXT, Settings.unset());
        Encoder short64 = Encoders.resolve("minilm", Encoder.Modality.TEXT, Settings.unset().withEncoderMaxTokens(64));
        assertNotSame(own, short64);
        assertTrue(short64.version().contains("-mean-64-"), short64.version());
        assertNotEquals(own.version(), short64.version());
        var error = assertThrows(ClusterbyException.BadOption.class,
                () -> Encoders.resolve("minilm", Encoder.Modality.TEXT, Settings.unset().withEncoderMaxTokens(513)));
        assertTrue(error.getMessage().contains("max-tokens") && error.getMessage().contains("512"), error.getMessage());
    }

    @Test
    void theOptimisedModelIsSavedOnceReusedAndRebuiltWhenCorrupt(@TempDir Path cache) throws IOException {
        OnnxTextEncoder.Tuning tuning = new OnnxTextEncoder.Tuning(16, 1, 1, "cpu", OnnxTextEncoder.Quantization.PER_ROW, cache);
        List<String> texts = List.of("a red heart", "the price of crude oil rose again today");
        float[] first;
        try (OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, tuning)) {
            first = BatchInvarianceTest.encode(encoder, texts);
        }
        Path saved = onlySaved(cache);
        assertTrue(Files.isRegularFile(saved.resolveSibling(saved.getFileName() + ".sha256")));
        long modified = Files.getLastModifiedTime(saved).toMillis();
        try (OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, tuning)) {
            assertArrayEquals(first, BatchInvarianceTest.encode(encoder, texts), 1e-6f, "from the saved model");
        }
        assertEquals(modified, Files.getLastModifiedTime(saved).toMillis(), "reused, not rewritten");
        Files.write(saved, new byte[] {1, 2, 3});
        try (OnnxTextEncoder encoder = OnnxTextEncoder.load(OnnxTextEncoder.MINILM, tuning)) {
            assertArrayEquals(first, BatchInvarianceTest.encode(encoder, texts), 1e-6f, "after a rebuild");
        }
        assertTrue(Files.size(onlySaved(cache)) > 1000, "the corrupt file was replaced");
    }

    private static Path onlySaved(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("onnx"))) {
            List<Path> models = files.filter(f -> f.getFileName().toString().endsWith(".onnx")).toList();
            assertEquals(1, models.size(), models.toString());
            return models.getFirst();
        }
    }
}
