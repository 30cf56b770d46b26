package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.ImageColumn;

import java.io.IOException;

/**
 * Image decoding (PNG, JPEG, GIF, BMP through ImageIO, with the pixel budget) on arbitrary bytes: a value, an
 * IOException (the row's reason, −1) or a ClusterbyException. The budget is lowered here so that a small input
 * declaring a large image is refused by the budget, as a big one would be by the default.
 */
class ImageDecodingFuzzTest {
    static {
        System.setProperty("clusterby.image.maxPixels", Long.toString(1L << 20));
    }

    @FuzzTest(maxDuration = "4s")
    void decodeImage(byte[] input) {
        FuzzChecks.check(input, () -> {
            try {
                new ImageColumn.BytesSource("fuzz", input).decode();
            } catch (IOException unreadable) {
                // the row gets -1 with this reason; an allowed outcome
            }
        });
    }
}
