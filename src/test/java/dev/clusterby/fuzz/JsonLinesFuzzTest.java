package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.DataPanel;

import java.nio.file.Path;

/** The JSON Lines reader (nested values, vectors, type inference) on arbitrary bytes; seeds in JsonLinesFuzzTestInputs. */
class JsonLinesFuzzTest {
    private static final Path FOLDER = FuzzChecks.folder("clusterby-fuzz-jsonl");

    @FuzzTest(maxDuration = "4s")
    void readJsonLines(byte[] input) {
        Path file = FuzzChecks.file(FOLDER, "input.jsonl", input);
        FuzzChecks.check(input, () -> {
            try (DataPanel panel = DataPanel.read(file)) {
                panel.toString(5);
            }
        });
    }
}
