package dev.clusterby.internal.embed;

import dev.clusterby.embed.ImageInput;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;

/** Decodes a range of images on a bounded pool, handing each to a sink on the thread that decoded it. */
final class ImageDecoding {
    private ImageDecoding() {}

    /** Takes one decoded image; {@code row} is the image's index in the input list. An IOException fails that row alone. */
    @FunctionalInterface
    interface Sink {
        void accept(int row, BufferedImage image) throws IOException;
    }

    /** Decoding is CPU-bound and holds whole images in memory, so the pool is the cores, at most 8. */
    static int threads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    static ExecutorService newPool(String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads(),
                task -> Thread.ofPlatform().daemon().name("clusterby-decode-" + name + "-" + count.incrementAndGet()).unstarted(task));
    }

    /**
     * Decodes images [from, to) in parallel; each failure's reason goes into {@code failures} under its row.
     * An unchecked exception from decoding or the sink stops the rest and is rethrown here.
     */
    static void decode(ExecutorService pool, List<? extends ImageInput> images, int from, int to, Sink sink,
                       SortedMap<Integer, String> failures) {
        AtomicInteger next = new AtomicInteger(from);
        AtomicBoolean stop = new AtomicBoolean();
        int workers = Math.min(threads(), to - from);
        List<Future<?>> futures = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                for (int row; !stop.get() && (row = next.getAndIncrement()) < to; ) {
                    try {
                        BufferedImage image = images.get(row).decode();
                        if (image == null) throw new IOException("the decoder returned no image");
                        sink.accept(row, image);
                    } catch (IOException e) {
                        synchronized (failures) {
                            failures.put(row, reason(e));
                        }
                    } catch (RuntimeException | Error e) {
                        stop.set(true);
                        throw e;
                    }
                }
                return null;
            }));
        }
        RuntimeException first = null;
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r
                            : e.getCause() instanceof Error err ? propagate(err) : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                stop.set(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding images", e);
            }
        }
        if (first != null) throw first;
    }

    private static RuntimeException propagate(Error error) {
        throw error;
    }

    static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
