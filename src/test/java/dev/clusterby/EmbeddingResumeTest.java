package dev.clusterby;

import dev.clusterby.cluster.Clusterer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A failed encoding resumes from its checkpoint: the rerun encodes only the rows that are missing, with the real MiniLM. */
class EmbeddingResumeTest {
    @TempDir
    Path folder;

    @AfterEach
    void restore() {
        Embeddings.checkpointRows = Embeddings.CHECKPOINT_ROWS;
    }

    private ClusterSpec<Clusterer.Fitted> spec(Path cache, dev.clusterby.embed.Encoder.ProgressListener progress) {
        return ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", 2, "seed", 7)).withCacheDir(cache)
                .withProgress(progress);
    }

    @Test
    void aRunThatFailsMidwayIsResumedWhereItStopped() throws IOException {
        Path reuters = folder.resolve("reuters.csv");
        try (InputStream in = getClass().getResourceAsStream("/data/reuters-crude-acq.csv")) {
            Files.copy(in, reuters);
        }
        Embeddings.checkpointRows = 16;
        Path cache = folder.resolve("cache");
        try (DataPanel panel = DataPanel.read(reuters)) {
            RuntimeException stop = new RuntimeException("stopped at row 40");
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> panel.clusterBy("text", spec(cache, (done, total) -> {
                if (done >= 40) throw stop;
            })));
            assertSame(stop, thrown);
        }
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterResult<?> resumed = panel.clusterBy("text", spec(cache, null)).result();
            // Chunks of 16: rows 0–31 were on disk when row 40 failed, so 32 come from the checkpoint and 38 are encoded.
            assertEquals(32, resumed.embeddedResumed());
            assertEquals(32, resumed.embeddedCached());
            assertEquals(70 - 32, resumed.embeddedComputed());
            float[][] vectors = vectors(panel);
            try (DataPanel fresh = DataPanel.read(reuters)) {
                ClusterResult<?> once = fresh.clusterBy("text", spec(folder.resolve("fresh"), null)).result();
                assertEquals(70, once.embeddedComputed());
                assertEquals(0, once.embeddedResumed());
                float[][] expected = vectors(fresh);
                for (int row = 0; row < 70; row++) assertArrayEquals(expected[row], vectors[row], 1e-5f, "row " + row);
            }
        }
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterResult<?> hit = panel.clusterBy("text", spec(cache, null)).result();
            assertEquals(70, hit.embeddedCached());
            assertEquals(0, hit.embeddedResumed());
        }
    }

    @Test
    void theProgressListenerHearsEveryTokenThroughTheCheckpointedChunks() throws IOException {
        Path reuters = folder.resolve("reuters.csv");
        try (InputStream in = getClass().getResourceAsStream("/data/reuters-crude-acq.csv")) {
            Files.copy(in, reuters);
        }
        Embeddings.checkpointRows = 16;
        long[] heard = new long[2];
        dev.clusterby.embed.Encoder.ProgressListener listener = new dev.clusterby.embed.Encoder.ProgressListener() {
            @Override public void onProgress(int done, int total) { heard[1] = done; }

            @Override public void onTokens(long tokens) { heard[0] += tokens; }
        };
        long[] direct = new long[1];
        try (DataPanel panel = DataPanel.read(reuters)) {
            panel.clusterBy("text", spec(folder.resolve("cache"), listener));
            java.util.List<String> texts = new java.util.ArrayList<>();
            for (int row = 0; row < panel.size(); row++) texts.add(((StringColumn) panel.column("text")).get(row));
            try (var encoder = dev.clusterby.internal.embed.Encoders.open("minilm", Settings.unset());
                 java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                var out = new dev.clusterby.compute.FloatMatrix(arena.allocate(70L * encoder.dimension() * 4), 70, encoder.dimension());
                encoder.encodeTexts(texts, out, new dev.clusterby.embed.Encoder.ProgressListener() {
                    @Override public void onProgress(int done, int total) {}

                    @Override public void onTokens(long tokens) { direct[0] += tokens; }
                });
            }
        }
        assertEquals(70, heard[1]);
        assertTrue(direct[0] > 70 * 3, "tokens counted by the encoder: " + direct[0]);
        assertEquals(direct[0], heard[0], "tokens the CLI's closing line reports");
    }

    private static float[][] vectors(DataPanel panel) {
        TensorColumn t = (TensorColumn) panel.column("minilm(text)");
        float[][] out = new float[t.size()][];
        for (int row = 0; row < t.size(); row++) out[row] = t.get(row);
        return out;
    }
}
