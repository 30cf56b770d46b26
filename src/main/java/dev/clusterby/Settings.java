package dev.clusterby;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How and where clusterby runs: the compute backend, the encoder's device, the cache folder, the thread count and
 * the encoder's batching. One record, carried by {@link ClusterSpec}; nothing else reads system properties or
 * environment variables for these.
 *
 * <p>Each component is resolved once, when the record is made, in this order: the value given here (through the
 * constructor or a {@code with…} method), then the system property, then the environment variable, then the
 * default. A component given as {@code null} (or {@code 0} for the numbers) is "not given".
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>component</th><th>system property</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>backend</td><td>{@code clusterby.backend}</td><td>{@code CLUSTERBY_BACKEND}</td><td>{@code auto}</td></tr>
 *   <tr><td>device</td><td>{@code clusterby.device}</td><td>{@code CLUSTERBY_DEVICE}</td><td>{@code auto}</td></tr>
 *   <tr><td>cacheDir</td><td>{@code clusterby.cacheDir}</td><td>{@code CLUSTERBY_CACHE_DIR}</td>
 *       <td>{@code $XDG_CACHE_HOME/clusterby}, else {@code ~/.cache/clusterby}</td></tr>
 *   <tr><td>threads</td><td>{@code clusterby.threads}</td><td>{@code CLUSTERBY_THREADS}</td><td>every available processor</td></tr>
 *   <tr><td>encoderBatchRows</td><td>{@code clusterby.encoder.batchRows}</td><td>{@code CLUSTERBY_ENCODER_BATCH_ROWS}</td><td>1</td></tr>
 * </table>
 *
 * @param backend          the compute backend's name, case-insensitive ({@code native}, {@code java}, {@code opencl},
 *                         {@code scalar} or a plugged-in one), or {@code auto} for the fastest that runs here
 * @param device           where the ONNX encoders run: {@code auto} (CUDA when the GPU build of ONNX Runtime finds a
 *                         GPU, else the CPU), {@code cpu}, or {@code cuda} (an error where CUDA cannot run)
 * @param cacheDir         the folder of the embedding cache and of extracted native libraries
 * @param threads          how many CPU threads the compute backends and the encoders use, at least 1
 * @param encoderBatchRows at most this many texts per ONNX run; 1 keeps every vector independent of its batch mates
 */
public record Settings(String backend, String device, Path cacheDir, int threads, int encoderBatchRows) {

    /** The devices an encoder can be asked to run on. */
    public static final Set<String> DEVICES = Set.of("auto", "cpu", "cuda");

    /** Fills what was not given from the system property, the environment and the default; then validates. */
    public Settings {
        backend = text(backend, "backend", "clusterby.backend", "CLUSTERBY_BACKEND", "auto");
        if (!backend.matches("[a-z0-9_.:-]+")) {
            throw new ClusterbyException.BadOption("backend", "'" + backend + "' is not a backend name");
        }
        device = text(device, "device", "clusterby.device", "CLUSTERBY_DEVICE", "auto");
        if (!DEVICES.contains(device)) {
            throw new ClusterbyException.BadOption("device", "'" + device + "' is not one of auto, cpu, cuda");
        }
        if (cacheDir == null) cacheDir = defaultCacheDir();
        threads = number(threads, "threads", "clusterby.threads", "CLUSTERBY_THREADS",
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        encoderBatchRows = number(encoderBatchRows, "encoder-batch-rows", "clusterby.encoder.batchRows",
                "CLUSTERBY_ENCODER_BATCH_ROWS", 1);
    }

    /** Every component from its system property, environment variable or default. */
    public static Settings defaults() {
        return new Settings(null, null, null, 0, 0);
    }

    /** A copy with this backend ({@code null} resolves it again from the property, environment or default). */
    public Settings withBackend(String newBackend) {
        return new Settings(newBackend, device, cacheDir, threads, encoderBatchRows);
    }

    /** A copy with this device: {@code auto}, {@code cpu} or {@code cuda}. */
    public Settings withDevice(String newDevice) {
        return new Settings(backend, newDevice, cacheDir, threads, encoderBatchRows);
    }

    /** A copy with this cache folder. */
    public Settings withCacheDir(Path newCacheDir) {
        return new Settings(backend, device, newCacheDir, threads, encoderBatchRows);
    }

    /** A copy with this thread count (0 resolves it again). */
    public Settings withThreads(int newThreads) {
        return new Settings(backend, device, cacheDir, newThreads, encoderBatchRows);
    }

    /** A copy with this encoder batch size in rows (0 resolves it again). */
    public Settings withEncoderBatchRows(int rows) {
        return new Settings(backend, device, cacheDir, threads, rows);
    }

    /** Whether {@link #backend()} leaves the choice to clusterby. */
    public boolean autoBackend() {
        return backend.equals("auto");
    }

    private static String text(String given, String option, String property, String variable, String fallback) {
        String value = given;
        String from = "";
        if (blank(value)) {
            value = System.getProperty(property);
            from = " (from -D" + property + ")";
        }
        if (blank(value)) {
            value = System.getenv(variable);
            from = " (from $" + variable + ")";
        }
        if (blank(value)) return fallback;
        String canonical = value.trim().toLowerCase(Locale.ROOT);
        if (!from.isEmpty() && option.equals("device") && !DEVICES.contains(canonical)) {
            throw new ClusterbyException.BadOption("device", "'" + value.trim() + "'" + from + " is not one of auto, cpu, cuda");
        }
        return canonical;
    }

    private static int number(int given, String option, String property, String variable, int fallback) {
        if (given < 0) throw new ClusterbyException.BadOption(option, "must be at least 1, not " + given);
        if (given > 0) return given;
        String raw = System.getProperty(property);
        String from = "-D" + property;
        if (blank(raw)) {
            raw = System.getenv(variable);
            from = "$" + variable;
        }
        if (blank(raw)) return fallback;
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 1) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ClusterbyException.BadOption(option, "'" + raw.trim() + "' (from " + from + ") is not a whole number of at least 1");
    }

    private static Path defaultCacheDir() {
        String property = System.getProperty("clusterby.cacheDir");
        if (!blank(property)) return Path.of(property.trim());
        String env = System.getenv("CLUSTERBY_CACHE_DIR");
        if (!blank(env)) return Path.of(env.trim());
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (!blank(xdg)) return Path.of(xdg.trim(), "clusterby");
        return Path.of(System.getProperty("user.home"), ".cache", "clusterby");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
