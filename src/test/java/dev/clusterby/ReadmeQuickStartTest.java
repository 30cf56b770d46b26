package dev.clusterby;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java quick start is the code that src/it/quickstart compiles and runs against the installed library
 * (the Invoker build in verify), so the two must say the same thing, line for line.
 */
class ReadmeQuickStartTest {

    @Test
    void theReadmeQuickStartIsTheOneTheDownstreamProjectRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Java quick start");
        assertTrue(section >= 0, "README has no quick start section");
        int start = readme.indexOf("try (", section);
        int end = readme.indexOf("```", start);
        List<String> documented = trimmed(readme.substring(start, end));
        // The snippet closes the try block; the program goes on to print what it found before closing it.
        assertEquals("}", documented.getLast());
        documented = documented.subList(0, documented.size() - 1);

        String program = Files.readString(Path.of("src/it/quickstart/src/main/java/example/QuickStart.java"));
        int from = program.indexOf("// --- README quick start begins ---");
        int to = program.indexOf("// --- README quick start ends ---");
        assertTrue(from >= 0 && to > from, "QuickStart.java lost its markers");
        List<String> run = trimmed(program.substring(program.indexOf('\n', from) + 1, to));
        assertEquals(run, documented);
    }

    private static List<String> trimmed(String block) {
        return block.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
