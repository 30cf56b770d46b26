package dev.clusterby.cli;

import dev.clusterby.embed.Encoder;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
final class ProgressBar implements Encoder.ProgressListener {
    private final PrintWriter err;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void onProgress(int done, int total) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        double seconds = (now - start) / 1e9;
        err.printf("\r%s [%s%s] %d/%d rows, %.0f rows/s", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, seconds > 0 ? done / seconds : 0);
        err.flush();
        drawn = true;
    }

    /** Ends the bar's line, once, so whatever comes next (a result, an {@code error:}) starts a line of its own. */
    void finish() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
