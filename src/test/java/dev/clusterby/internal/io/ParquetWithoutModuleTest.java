package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The core has no Parquet: asking for it names the module to add, and nothing is written or lost. */
class ParquetWithoutModuleTest {
    @TempDir Path dir;

    @Test
    void readingAParquetFileOrSparkFolderNamesTheModule() throws IOException {
        Path file = Files.write(dir.resolve("rows.parquet"), "PAR1....PAR1".getBytes());
        var error = assertThrows(ClusterbyException.Unavailable.class, () -> DataPanel.read(file));
        assertEquals("cannot read " + file + ": Parquet needs the module dev.clusterby:clusterby-parquet:0.1.0-SNAPSHOT "
                + "on the classpath (add that dependency; the core library leaves Parquet's Hadoop dependencies out)", error.getMessage());

        Path sparkOutput = Files.createDirectory(dir.resolve("out"));
        Files.write(sparkOutput.resolve("part-00000-abc.snappy.parquet"), "PAR1....PAR1".getBytes());
        Files.write(sparkOutput.resolve("_SUCCESS"), new byte[0]);
        error = assertThrows(ClusterbyException.Unavailable.class, () -> DataPanel.read(sparkOutput));
        assertTrue(error.getMessage().contains("dev.clusterby:clusterby-parquet"), error.getMessage());
    }

    @Test
    void writingParquetNamesTheModuleAndKeepsTheOldFile() throws IOException {
        Path target = Files.writeString(dir.resolve("labels.parquet"), "old");
        try (DataPanel panel = DataPanel.of(IntColumn.of("cluster", 1, 2))) {
            var error = assertThrows(ClusterbyException.Unavailable.class, () -> panel.write(target));
            assertTrue(error.getMessage().startsWith("cannot write " + target + ": Parquet needs the module "
                    + "dev.clusterby:clusterby-parquet"), error.getMessage());
        }
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
