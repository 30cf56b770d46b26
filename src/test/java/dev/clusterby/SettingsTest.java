package dev.clusterby;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** One settings record: the API, then the system property, then the environment, then the default. */
class SettingsTest {

    @Test
    void theApiWinsOverThePropertyWhichWinsOverTheDefault() {
        withProperty("clusterby.backend", "SCALAR", () -> {
            assertEquals("scalar", Settings.defaults().backend());
            assertEquals("native", Settings.defaults().withBackend("Native").backend());
            assertEquals("native", ClusterSpec.defaults().withBackend("NATIVE").settings().backend());
        });
        withProperty("clusterby.threads", "3", () -> {
            assertEquals(3, Settings.defaults().threads());
            assertEquals(5, Settings.defaults().withThreads(5).threads());
        });
        withProperty("clusterby.cacheDir", "/tmp/from-property", () -> {
            assertEquals(Path.of("/tmp/from-property"), Settings.defaults().cacheDir());
            assertEquals(Path.of("/x"), ClusterSpec.defaults().withCacheDir(Path.of("/x")).settings().cacheDir());
        });
        withProperty("clusterby.encoder.batchRows", "8", () -> assertEquals(8, Settings.defaults().encoderBatchRows()));
        if (System.getenv("CLUSTERBY_DEVICE") == null) assertEquals("auto", Settings.defaults().device());
        if (System.getenv("CLUSTERBY_ENCODER_BATCH_ROWS") == null) assertEquals(64, Settings.defaults().encoderBatchRows());
        if (System.getenv("CLUSTERBY_THREADS") == null) {
            assertEquals(Runtime.getRuntime().availableProcessors(), Settings.defaults().threads());
        }
    }

    @Test
    void resolvedOnceWhenMade() {
        Settings made = Settings.defaults().withDevice("cpu");
        withProperty("clusterby.device", "cuda", () -> {
            assertEquals("cpu", made.device());
            assertEquals("cpu", made.withThreads(2).device(), "a copy keeps what was resolved");
            assertEquals("cuda", Settings.defaults().device());
        });
    }

    @Test
    void badValuesNameTheOption() {
        var device = assertThrows(ClusterbyException.BadOption.class, () -> Settings.defaults().withDevice("GPU"));
        assertTrue(device.getMessage().contains("'device'") && device.getMessage().contains("auto, cpu, cuda"), device.getMessage());
        assertEquals("cuda", Settings.defaults().withDevice(" CUDA ").device());
        withProperty("clusterby.device", "tpu", () -> {
            var e = assertThrows(ClusterbyException.BadOption.class, Settings::defaults);
            assertTrue(e.getMessage().contains("clusterby.device") && e.getMessage().contains("auto, cpu, cuda"), e.getMessage());
        });
        var threads = assertThrows(ClusterbyException.BadOption.class, () -> Settings.defaults().withThreads(-1));
        assertTrue(threads.getMessage().contains("'threads'"), threads.getMessage());
        withProperty("clusterby.threads", "many", () -> {
            var e = assertThrows(ClusterbyException.BadOption.class, Settings::defaults);
            assertTrue(e.getMessage().contains("clusterby.threads"), e.getMessage());
        });
        assertThrows(ClusterbyException.BadOption.class, () -> Settings.defaults().withBackend("na tive"));
    }

    @Test
    void aGivenValueWinsOverAMalformedPropertyAndIsNeverCheckedAgainstIt() {
        withProperty("clusterby.device", "gpu", () -> withProperty("clusterby.threads", "0", () -> {
            // As the CLI builds it: --device cpu with a bad property beside it must run on the CPU, not fail.
            ClusterSpec<?> spec = ClusterSpec.defaults().withDevice("cpu").withSettings(
                    ClusterSpec.defaults().withDevice("cpu").settings().withThreads(2));
            Settings resolved = spec.settings().resolve();
            assertEquals("cpu", resolved.device());
            assertEquals(2, resolved.threads());
            assertTrue(resolved.isResolved());
            assertSame(resolved, resolved.resolve(), "resolving twice reads nothing again");
            // Not given, the malformed value is an error naming where it came from.
            var e = assertThrows(ClusterbyException.BadOption.class, () -> Settings.unset().withThreads(2).resolve());
            assertTrue(e.getMessage().contains("-Dclusterby.device") && e.getMessage().contains("'gpu'"), e.getMessage());
        }));
    }

    static void withProperty(String key, String value, Runnable body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            body.run();
        } finally {
            if (before == null) System.clearProperty(key);
            else System.setProperty(key, before);
        }
    }
}
