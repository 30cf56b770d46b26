package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PanelReadersWritersTest {
    @TempDir Path dir;

    @Test
    void missingEmptyAndUnknownFilesAreBadFiles() throws IOException {
        Path missing = dir.resolve("nope.csv");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(missing));
        assertEquals("file not found: " + missing, error.getMessage());

        Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(empty));
        assertEquals("empty file: " + empty, error.getMessage());

        Path unknown = Files.writeString(dir.resolve("notes.txt"), "hello");
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(unknown));
        assertTrue(error.getMessage().startsWith(unknown + ": unknown file format; supported: .csv"), error.getMessage());
        assertTrue(error.getMessage().contains(".npy") && error.getMessage().contains("IDX"), error.getMessage());

        Path gzipText = Files.write(dir.resolve("text.gz"), IdxTest.gzip("a,b\n".getBytes()));
        error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(gzipText));
        assertTrue(error.getMessage().startsWith(gzipText + ": a gzip file that does not hold IDX data"), error.getMessage());
    }

    @Test
    void contentDecidesWhenTheExtensionDoesNot() throws IOException {
        Path npy = Files.write(dir.resolve("vectors.bin"), NpyTest.numpyArange2x3());
        try (DataPanel panel = DataPanel.read(npy)) {
            assertEquals(3, panel.tensorColumn("tensor").dim());
        }
        Path idx = Files.write(dir.resolve("labels.dat"), IdxTest.labels(4, 5));
        try (DataPanel panel = DataPanel.read(idx)) {
            assertArrayEquals(new long[] {4, 5}, panel.intColumn("label").toLongArray());
        }
    }

    @Test
    void unknownWriteExtensionListsSupportedOnes() {
        Path file = dir.resolve("out.xlsx");
        try (DataPanel panel = DataPanel.of(IntColumn.of("a", 1))) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> panel.write(file));
            assertEquals("cannot write " + file + ": unknown extension; supported: .csv, .tsv, .jsonl, .ndjson, .npy, .parquet", error.getMessage());
        }
    }

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTempFile() throws IOException {
        Path file = Files.writeString(dir.resolve("keep.csv"), "old\n");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> AtomicFiles.write(file, out -> {
            out.write("half-written".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("cannot write " + file + ": disk full", error.getMessage());
        assertEquals("old\n", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void overwriteReplacesContentAndKeepsPermissions() throws IOException {
        Path file = Files.writeString(dir.resolve("out.csv"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        try (DataPanel panel = DataPanel.of(IntColumn.of("a", 1, 2))) {
            panel.write(file);
        }
        assertEquals("a\n1\n2\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path nowhere = dir.resolve("no-such-dir/out.csv");
        try (DataPanel panel = DataPanel.of(IntColumn.of("a", 1))) {
            var error = assertThrows(ClusterbyException.BadFile.class, () -> panel.write(nowhere));
            assertTrue(error.getMessage().startsWith("cannot write " + nowhere) && error.getMessage().contains("does not exist"),
                    error.getMessage());
        }
    }
}
