package dev.clusterby;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The device applies to the call that asks for it; runs leave nothing in the temp folder. */
class DeviceAndTempFilesTest {
    @TempDir
    Path tmp;

    private static final List<String> TEXTS = List.of("oil prices rose", "crude output fell", "opec cut supply",
            "the bank bought a stake", "shares of the merger", "takeover bid accepted");

    private static ClusterSpec<?> spec(Path cache) {
        return ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", 2, "seed", 3)).withCacheDir(cache);
    }

    @Test
    void cudaAskedForFailsThatCallOnlyAndCpuCallsAroundItWork() {
        // A fresh panel and cache folder per call, so the encoder must really run on the device asked for.
        assertEquals(6, cluster(spec(tmp.resolve("a")).withDevice("cpu")));
        boolean cudaHere = ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
        if (!cudaHere) {
            var e = assertThrows(ClusterbyException.Unavailable.class, () -> cluster(spec(tmp.resolve("b")).withDevice("cuda")));
            assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        }
        assertEquals(6, cluster(spec(tmp.resolve("c")).withDevice("cpu")));
        assertEquals(6, cluster(spec(tmp.resolve("d"))));
    }

    private static int cluster(ClusterSpec<?> spec) {
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", TEXTS))) {
            return panel.clusterBy("text", spec).result().labels().size();
        }
    }

    @Test
    void anAutoCallPrintsNothingAtInfoOrAbove() {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) records.add(record);
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", TEXTS))) {
            // Threads no other test uses, so a new encoder opens inside this call.
            ClusterSpec<?> auto = spec(tmp).withSettings(Settings.defaults().withCacheDir(tmp.resolve("auto"))
                    .withDevice("auto").withThreads(3));
            assertEquals(6, panel.clusterBy("text", auto).result().labels().size());
        } finally {
            root.removeHandler(handler);
        }
        assertTrue(records.isEmpty(), records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList().toString());
    }

    @Test
    void twoRunsLeaveNothingNewInTheTempFolder() throws Exception {
        Path temp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path cache = tmp.resolve("cache");
        for (int run = 0; run < 2; run++) {
            Path log = tmp.resolve("child-" + run + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                    "-Djava.io.tmpdir=" + temp, "-Dclusterby.cacheDir=" + cache,
                    "-cp", System.getProperty("java.class.path"), Child.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child run " + run + " timed out");
            assertEquals(0, child.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("native 6"), Files.readString(log));
        }
        assertEquals(List.of(), list(temp), "the temp folder after two runs");
        assertEquals(1, list(cache.resolve("native")).size(), list(cache.resolve("native")).toString());
        assertEquals(1, list(cache.resolve("onnxruntime")).size(), list(cache.resolve("onnxruntime")).toString());
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** One clustering of text on the native backend: loads ONNX Runtime and libclusterby. */
    public static final class Child {
        public static void main(String[] args) {
            try (DataPanel panel = DataPanel.of(StringColumn.of("text", TEXTS))) {
                ClusterResult<?> result = panel.clusterBy("text", ClusterSpec.defaults().withEncoder("minilm")
                        .withBackend("native").withParams(Map.of("k", 2, "seed", 3))).result();
                System.out.println(result.backend() + " " + result.labels().size());
            }
        }
    }
}
