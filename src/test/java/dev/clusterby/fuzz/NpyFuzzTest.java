package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.DataPanel;

import java.nio.file.Path;

/** The .npy reader (header dictionary, dtypes, shapes) on arbitrary bytes; seeds in NpyFuzzTestInputs. */
class NpyFuzzTest {
    private static final Path FOLDER = FuzzChecks.folder("clusterby-fuzz-npy");

    @FuzzTest(maxDuration = "4s")
    void readNpy(byte[] input) {
        Path file = FuzzChecks.file(FOLDER, "input.npy", input);
        FuzzChecks.check(input, () -> {
            try (DataPanel panel = DataPanel.read(file)) {
                panel.toString(5);
            }
        });
    }
}
