package dev.clusterby;

import dev.clusterby.internal.describe.Tokens;
import dev.clusterby.internal.embed.EncoderStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** describe() on real labelled text: names that name the majority class, no stop-words, nothing re-encoded. */
class DescribeTest {
    static final Path EMOJI = Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv");

    @TempDir
    Path cache;

    @Test
    void emojiNamesNameTheirMajorityGroup() {
        try (DataPanel panel = DataPanel.read(EMOJI)) {
            GroupBy truth = panel.groupBy("group");
            ClusterBy<?> cb = panel.clusterBy("text", ClusterSpec.defaults().withCacheDir(cache)
                    .withParams(Map.of("k", truth.groupCount(), "seed", 42)));
            long before = EncoderStats.rowsEncoded();
            DataPanel described = cb.describe();
            long encoded = EncoderStats.rowsEncoded() - before;
            System.out.println(described.toString(100));
            assertEquals(Describe.COLUMNS, described.columnNames());
            assertTrue(encoded < panel.size(), "describe encoded " + encoded + " texts");
        }
    }
}
