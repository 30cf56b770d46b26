package dev.clusterby.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void aBatchThatLandsAtOnceShowsNoRateYet() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "embedding");
        bar.onTokens(640);
        bar.onProgress(64, 479);
        String line = text.toString();
        assertTrue(line.contains("64/479 rows, ? rows/s, ETA ?"), line);
        assertFalse(line.matches(".*\\d{4,} rows/s.*"), line);
    }

    @Test
    void theLastDrawSaysDone() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "embedding");
        bar.onProgress(10, 10);
        assertTrue(text.toString().contains("10/10 rows") && text.toString().contains("done"), text.toString());
    }
}
