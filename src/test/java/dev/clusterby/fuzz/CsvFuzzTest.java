package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.DataPanel;

import java.nio.file.Path;

/** The CSV reader (type inference included) on arbitrary bytes; seeds in CsvFuzzTestInputs. */
class CsvFuzzTest {
    private static final Path FOLDER = FuzzChecks.folder("clusterby-fuzz-csv");

    @FuzzTest(maxDuration = "4s")
    void readCsv(byte[] input) {
        Path file = FuzzChecks.file(FOLDER, "input.csv", input);
        FuzzChecks.check(input, () -> {
            try (DataPanel panel = DataPanel.read(file)) {
                panel.toString(5);
            }
        });
    }
}
