package dev.clusterby.internal.embed;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counters for encoders. Tests read them to prove, for example, that a cache hit encoded nothing.
 * Every encoder handed out by {@link Encoders} counts, user encoders included.
 */
public final class EncoderStats {
    private static final AtomicLong ROWS_ENCODED = new AtomicLong();

    private EncoderStats() {}

    /** Rows passed through any encoder's {@code encodeTexts} since start (or since the last {@link #reset()}). */
    public static long rowsEncoded() {
        return ROWS_ENCODED.get();
    }

    /** Sets the counters back to zero; for tests. */
    public static void reset() {
        ROWS_ENCODED.set(0);
    }

    static void addRowsEncoded(long rows) {
        ROWS_ENCODED.addAndGet(rows);
    }
}
