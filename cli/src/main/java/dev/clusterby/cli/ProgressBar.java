package dev.clusterby.cli;

import dev.clusterby.embed.Encoder;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr with rows/s and the time left, redrawn at most ten times a second. A run that
 * embedded for more than {@link #SUMMARY_AFTER_SECONDS} seconds ends with one line: rows, tokens, seconds, rows/s.
 */
final class ProgressBar implements Encoder.ProgressListener {
    static final double SUMMARY_AFTER_SECONDS = 3;
    static final double MIN_RATE_SECONDS = 0.25;
    private final PrintWriter err;
    private final String label;
    /** From construction, just before the embedding call: the first callback comes only after a whole batch. */
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;
    private int rows;
    private long tokens;
    private long lastProgress;

    ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void onTokens(long count) {
        tokens += count;
    }

    @Override
    public void onProgress(int done, int total) {
        long now = System.nanoTime();
        rows = done;
        lastProgress = now;
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        double seconds = (now - start) / 1e9;
        // no rate until there is time to divide by
        double rate = seconds >= MIN_RATE_SECONDS ? done / seconds : 0;
        String left = done >= total ? "done" : rate > 0 ? "ETA " + duration((total - done) / rate) : "ETA ?";
        err.printf("\r%s [%s%s] %d/%d rows, %s rows/s, %s   ", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, rate > 0 ? String.format("%.0f", rate) : "?", left);
        err.flush();
        drawn = true;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Ends the bar's line, once, so whatever comes next (a result, an {@code error:}) starts a line of its own. */
    void finish() {
        if (!drawn) return;
        drawn = false;
        err.println();
        double seconds = (lastProgress - start) / 1e9;
        if (seconds > SUMMARY_AFTER_SECONDS) {
            err.printf("embedded %d rows, %d tokens in %.1f s, %.0f rows/s%n", rows, tokens, seconds, rows / seconds);
        }
        err.flush();
    }
}
