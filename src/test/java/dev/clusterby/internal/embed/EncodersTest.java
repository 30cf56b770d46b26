package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EncodersTest {

    /** A small real encoder written by a user: a character histogram, L2-normalised. */
    static final class CharHistogram implements Encoder {
        boolean closed;

        @Override public String id() { return "char-histogram"; }
        @Override public String version() { return "1"; }
        @Override public int dimension() { return 8; }
        @Override public Modality modality() { return Modality.TEXT; }
        @Override public void close() { closed = true; }

        @Override
        public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
            for (int row = 0; row < texts.size(); row++) {
                float[] counts = new float[8];
                texts.get(row).chars().forEach(c -> counts[c % 8]++);
                double norm = 0;
                for (float c : counts) norm += c * c;
                for (int d = 0; d < 8; d++) out.set(row, d, norm == 0 ? 0 : (float) (counts[d] / Math.sqrt(norm)));
            }
            progress.onProgress(texts.size(), texts.size());
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        var error = assertThrows(ClusterbyException.UnknownName.class, () -> Encoders.resolve("bert-huge", Encoder.Modality.TEXT));
        for (String name : List.of("bge-small", "minilm", "e5-small")) {
            assertTrue(error.getMessage().contains(name), error.getMessage());
        }
        assertTrue(Encoders.names().containsAll(List.of("bge-small", "minilm", "e5-small")));
    }

    @Test
    void autoForImagesIsTheClassicalEncoder() {
        Encoder auto = Encoders.resolve("auto", Encoder.Modality.IMAGE);
        assertEquals("hog-pca", auto.id());
        assertSame(auto, Encoders.resolve("hog", Encoder.Modality.IMAGE));
        assertThrows(ClusterbyException.BadOption.class, () -> Encoders.resolve("hog-pca", Encoder.Modality.TEXT));
        var wrong = assertThrows(ClusterbyException.BadOption.class, () -> Encoders.resolve("minilm", Encoder.Modality.IMAGE));
        assertTrue(wrong.getMessage().contains("reads text"), wrong.getMessage());
    }

    @Test
    void userEncodersAreSharedCountedAndOwnedByTheRegistry() {
        Encoders.register("char-histogram", CharHistogram::new);
        assertTrue(Encoders.names().contains("char-histogram"));
        Encoder shared = Encoders.resolve("Char-Histogram", Encoder.Modality.TEXT);
        assertSame(shared, Encoders.resolve("char-histogram", Encoder.Modality.TEXT));

        long before = EncoderStats.rowsEncoded();
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate(3L * 8 * Float.BYTES), 3, 8);
            shared.encodeTexts(List.of("abc", "", "hello"), out, Encoder.ProgressListener.NONE);
            shared.close(); // the registry owns it: still usable afterwards
            shared.encodeTexts(List.of("abc", "", "hello"), out, Encoder.ProgressListener.NONE);
        }
        assertTrue(EncoderStats.rowsEncoded() - before >= 6, "rows counted: " + (EncoderStats.rowsEncoded() - before));

        Encoder owned = Encoders.open("char-histogram");
        assertNotSame(shared, owned);
        owned.close();
    }

    @Test
    void sharedOnnxEncodersAreKeyedByDeviceThreadsAndBatching() {
        dev.clusterby.Settings cpu = dev.clusterby.Settings.defaults().withDevice("cpu").withThreads(2).withEncoderBatchRows(1);
        Encoder a = Encoders.resolve("minilm", Encoder.Modality.TEXT, cpu);
        assertSame(a, Encoders.resolve("MiniLM", Encoder.Modality.TEXT, cpu.withDevice("CPU")));
        assertNotSame(a, Encoders.resolve("minilm", Encoder.Modality.TEXT, cpu.withDevice("cuda")));
        assertNotSame(a, Encoders.resolve("minilm", Encoder.Modality.TEXT, cpu.withThreads(3)));
        assertNotSame(a, Encoders.resolve("minilm", Encoder.Modality.TEXT, cpu.withEncoderBatchRows(4)));
        // Settings do not change a plain encoder, so it stays one instance.
        assertSame(Encoders.resolve("hog", Encoder.Modality.IMAGE, cpu), Encoders.resolve("hog", Encoder.Modality.IMAGE, cpu.withDevice("cuda")));
    }
}
