package dev.clusterby.internal.compute;

import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Clustering;
import dev.clusterby.Settings;
import dev.clusterby.TensorColumn;
import dev.clusterby.compute.ComputeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** The registry: names in any case, shared instances that survive a caller's close, and when "falling back" is said. */
class ComputeBackendsTest {

    @AfterEach
    void reset() {
        SwitchableBackendProvider.priority = -1;
        ComputeBackends.closeAll();
    }

    @Test
    void namesAreCaseInsensitive() {
        assertEquals("scalar", ComputeBackends.get("SCALAR").name());
        assertEquals("scalar", ComputeBackends.select(Settings.defaults().withBackend(" Scalar ")).name());
        assertEquals("scalar", Settings.defaults().withBackend("SCALAR").backend());
        assertEquals("native", ComputeBackends.get("Native").name());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            assertEquals("java", ComputeBackends.get("JAVA").name());
        }
    }

    @Test
    void builtInProvidersAreFoundByServiceLoader() {
        assertTrue(ComputeBackends.names().containsAll(List.of("native", "java", "opencl", "scalar")), ComputeBackends.names().toString());
        assertEquals("native", ComputeBackends.names().getFirst());
    }

    @Test
    void closingASharedBackendLeavesItWorkingForTheNextCall() {
        ComputeBackend first = ComputeBackends.get("native");
        first.close();
        first.close();
        ComputeBackend again = ComputeBackends.get("native");
        assertEquals("native", again.name());
        try (TensorColumn points = twoBlobs()) {
            int[] labels = Clustering.fit(points, ClusterSpec.defaults().withBackend("native")
                    .withParams(Map.of("k", 2, "seed", 1))).labels().toIntArray(-1);
            assertNotEquals(labels[0], labels[labels.length - 1]);
            // The view a caller closed still runs kernels too.
            first.knn(points.matrix(), 1, java.lang.foreign.Arena.global().allocate(4L * points.size()),
                    java.lang.foreign.Arena.global().allocate(4L * points.size()));
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        var e = assertThrows(ClusterbyException.UnknownName.class, () -> ComputeBackends.get("cuda-blas"));
        for (String known : List.of("native", "java", "opencl", "scalar")) assertTrue(e.getMessage().contains(known), e.getMessage());
    }

    @Test
    void aBackendAskedForByNameFailsLoudlyWithoutFallingBack() {
        SwitchableBackendProvider.priority = 1000;
        List<LogRecord> records = capture(() -> {
            var e = assertThrows(ClusterbyException.Unavailable.class, () -> ComputeBackends.get("NEVER-RUNS"));
            assertTrue(e.getMessage().contains("never runs"), e.getMessage());
        });
        assertTrue(records.stream().noneMatch(r -> r.getMessage().contains("falling back")), messages(records));
        assertTrue(records.stream().noneMatch(r -> r.getLevel().intValue() >= Level.INFO.intValue()), messages(records));
    }

    @Test
    void autoSkippingAFasterBackendWarnsOnce() {
        SwitchableBackendProvider.priority = 1000;
        List<LogRecord> records = capture(() -> {
            assertEquals("native", ComputeBackends.select("auto").name());
            assertEquals("native", ComputeBackends.select(Settings.defaults().withBackend("AUTO")).name());
        });
        List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        assertEquals(1, warnings.size(), messages(records));
        assertTrue(format(warnings.getFirst()).contains("falling back to 'native'"), format(warnings.getFirst()));
        assertTrue(format(warnings.getFirst()).contains("never-runs"), format(warnings.getFirst()));
    }

    @Test
    void autoWithNothingSkippedSaysNothing() {
        List<LogRecord> records = capture(() -> assertEquals("native", ComputeBackends.select("auto").name()));
        assertTrue(records.stream().noneMatch(r -> r.getLevel().intValue() >= Level.INFO.intValue()), messages(records));
    }

    @Test
    void threadsComeFromTheSettings() {
        assertTrue(ComputeBackends.select(Settings.defaults().withBackend("native").withThreads(1)).device().startsWith("1 thread,"));
        assertTrue(ComputeBackends.select(Settings.defaults().withBackend("native").withThreads(2)).device().startsWith("2 threads,"));
    }

    private static TensorColumn twoBlobs() {
        TensorColumn points = TensorColumn.allocate("p", 40, 2);
        for (int i = 0; i < 40; i++) {
            points.matrix().set(i, 0, (i < 20 ? 0f : 10f) + (i % 5) * 0.01f);
            points.matrix().set(i, 1, (i % 3) * 0.01f);
        }
        return points;
    }

    /** What the compute logger says while {@code body} runs, at every level. */
    static List<LogRecord> capture(Runnable body) {
        Logger logger = Logger.getLogger("dev.clusterby.compute");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord record) { records.add(record); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        try {
            body.run();
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(before);
        }
        return records;
    }

    private static String format(LogRecord record) {
        return new java.util.logging.SimpleFormatter().formatMessage(record);
    }

    private static String messages(List<LogRecord> records) {
        return records.stream().map(r -> r.getLevel() + " " + format(r)).toList().toString();
    }
}
