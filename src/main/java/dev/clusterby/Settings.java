package dev.clusterby;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How and where clusterby runs: the compute backend, the encoder's device, the cache folder, the thread count and
 * the encoder's batching. One record, carried by {@link ClusterSpec}; nothing else reads system properties or
 * environment variables for these.
 *
 * <p>A component given as {@code null} (or {@code 0} for the numbers) is "not given". {@link #resolve()} fills each
 * one that is not given, once, in this order: the system property, then the environment variable, then the default;
 * a value given through the API (or a CLI option) always wins, even over a malformed property or variable. A
 * clustering call resolves its spec's settings once when it starts; {@link #defaults()} is the resolved form of
 * {@link #unset()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>component</th><th>system property</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>backend</td><td>{@code clusterby.backend}</td><td>{@code CLUSTERBY_BACKEND}</td><td>{@code auto}</td></tr>
 *   <tr><td>device</td><td>{@code clusterby.device}</td><td>{@code CLUSTERBY_DEVICE}</td><td>{@code auto}</td></tr>
 *   <tr><td>cacheDir</td><td>{@code clusterby.cacheDir}</td><td>{@code CLUSTERBY_CACHE_DIR}</td>
 *       <td>{@code $XDG_CACHE_HOME/clusterby}, else {@code ~/.cache/clusterby}</td></tr>
 *   <tr><td>threads</td><td>{@code clusterby.threads}</td><td>{@code CLUSTERBY_THREADS}</td><td>every available processor</td></tr>
 *   <tr><td>encoderBatchRows</td><td>{@code clusterby.encoder.batchRows}</td><td>{@code CLUSTERBY_ENCODER_BATCH_ROWS}</td><td>64</td></tr>
 *   <tr><td>encoderMaxTokens</td><td>{@code clusterby.encoder.maxTokens}</td><td>{@code CLUSTERBY_ENCODER_MAX_TOKENS}</td>
 *       <td>the encoder's own (512 for bge-small and e5-small, 256 for minilm)</td></tr>
 * </table>
 *
 * @param backend          the compute backend's name, case-insensitive ({@code native}, {@code java}, {@code opencl},
 *                         {@code scalar} or a plugged-in one), or {@code auto} for the fastest that runs here
 * @param device           where the ONNX encoders run: {@code auto} (CUDA when the GPU build of ONNX Runtime finds a
 *                         GPU, else the CPU), {@code cpu}, or {@code cuda} (an error where CUDA cannot run)
 * @param cacheDir         the folder of the embedding cache and of extracted native libraries
 * @param threads          how many CPU threads the compute backends and the encoders use, at least 1
 * @param encoderBatchRows at most this many texts per ONNX run (and at most 8,192 tokens); a text's vector does not
 *                         depend on it, nor on its batch mates
 * @param encoderMaxTokens a text encoder reads at most this many word pieces of a text (special tokens included)
 *                         and drops the rest; 0 for the encoder's own limit. Part of the embedding key
 */
public record Settings(String backend, String device, Path cacheDir, int threads, int encoderBatchRows, int encoderMaxTokens) {

    /** Texts per encoder run by default; the 8,192-token budget binds first for texts over 128 tokens (RESULTS-embed.md). */
    private static final int DEFAULT_BATCH_ROWS = 64;

    /** The devices an encoder can be asked to run on. */
    public static final Set<String> DEVICES = Set.of("auto", "cpu", "cuda");

    /** Validates and canonicalises the components that are given; the others stay "not given" until {@link #resolve()}. */
    public Settings {
        backend = canonical(backend);
        if (backend != null && problem("backend", backend) != null) {
            throw new ClusterbyException.BadOption("backend", "'" + backend + "' " + problem("backend", backend));
        }
        device = canonical(device);
        if (device != null && problem("device", device) != null) {
            throw new ClusterbyException.BadOption("device", "'" + device + "' " + problem("device", device));
        }
        if (threads < 0) throw new ClusterbyException.BadOption("threads", "must be at least 1, not " + threads);
        if (encoderBatchRows < 0) {
            throw new ClusterbyException.BadOption("encoder-batch-rows", "must be at least 1, not " + encoderBatchRows);
        }
        if (encoderMaxTokens < 0) {
            throw new ClusterbyException.BadOption("max-tokens", "must be at least 1, not " + encoderMaxTokens);
        }
    }

    /** Settings with the encoder's own token limit. */
    public Settings(String backend, String device, Path cacheDir, int threads, int encoderBatchRows) {
        this(backend, device, cacheDir, threads, encoderBatchRows, 0);
    }

    /** Nothing given: every component comes from its system property, environment variable or default on {@link #resolve()}. */
    public static Settings unset() {
        return new Settings(null, null, null, 0, 0);
    }

    /** Every component from its system property, environment variable or default, resolved now. */
    public static Settings defaults() {
        return unset().resolve();
    }

    /**
     * These settings with every component filled: the given value, else the system property, else the environment
     * variable, else the default. A malformed property or variable is an error naming it; a given value never reads it.
     */
    public Settings resolve() {
        if (isResolved()) return this;
        return new Settings(
                backend != null ? backend : text("backend", "clusterby.backend", "CLUSTERBY_BACKEND", "auto"),
                device != null ? device : text("device", "clusterby.device", "CLUSTERBY_DEVICE", "auto"),
                cacheDir != null ? cacheDir : defaultCacheDir(),
                threads > 0 ? threads : number("threads", "clusterby.threads", "CLUSTERBY_THREADS",
                        Math.max(1, Runtime.getRuntime().availableProcessors())),
                encoderBatchRows > 0 ? encoderBatchRows : number("encoder-batch-rows", "clusterby.encoder.batchRows",
                        "CLUSTERBY_ENCODER_BATCH_ROWS", DEFAULT_BATCH_ROWS),
                encoderMaxTokens > 0 ? encoderMaxTokens : lookup("clusterby.encoder.maxTokens", "CLUSTERBY_ENCODER_MAX_TOKENS") == null ? 0
                        : number("max-tokens", "clusterby.encoder.maxTokens", "CLUSTERBY_ENCODER_MAX_TOKENS", 0));
    }

    /** Whether every component is filled, as after {@link #resolve()}. */
    public boolean isResolved() {
        return backend != null && device != null && cacheDir != null && threads > 0 && encoderBatchRows > 0;
    }

    /** A copy with this backend ({@code null} resolves it again from the property, environment or default). */
    public Settings withBackend(String newBackend) {
        return new Settings(newBackend, device, cacheDir, threads, encoderBatchRows, encoderMaxTokens);
    }

    /** A copy with this device: {@code auto}, {@code cpu} or {@code cuda}. */
    public Settings withDevice(String newDevice) {
        return new Settings(backend, newDevice, cacheDir, threads, encoderBatchRows, encoderMaxTokens);
    }

    /** A copy with this cache folder. */
    public Settings withCacheDir(Path newCacheDir) {
        return new Settings(backend, device, newCacheDir, threads, encoderBatchRows, encoderMaxTokens);
    }

    /** A copy with this thread count (0 resolves it again). */
    public Settings withThreads(int newThreads) {
        return new Settings(backend, device, cacheDir, newThreads, encoderBatchRows, encoderMaxTokens);
    }

    /** A copy with this encoder batch size in rows (0 resolves it again). */
    public Settings withEncoderBatchRows(int rows) {
        return new Settings(backend, device, cacheDir, threads, rows, encoderMaxTokens);
    }

    /** A copy whose text encoder reads at most this many tokens of a text (0: the encoder's own limit). */
    public Settings withEncoderMaxTokens(int tokens) {
        return new Settings(backend, device, cacheDir, threads, encoderBatchRows, tokens);
    }

    /** Whether the backend, once resolved, leaves the choice to clusterby. */
    public boolean autoBackend() {
        return resolve().backend().equals("auto");
    }

    /** The property, else the variable, else the fallback; a value found is checked and named by where it came from. */
    private static String text(String option, String property, String variable, String fallback) {
        Found found = lookup(property, variable);
        if (found == null) return fallback;
        String value = found.value().toLowerCase(Locale.ROOT);
        String problem = problem(option, value);
        if (problem != null) {
            throw new ClusterbyException.BadOption(option, "'" + found.value() + "' (from " + found.from() + ") " + problem);
        }
        return value;
    }

    /** Why a canonical backend or device value is not acceptable, or null when it is. */
    private static String problem(String option, String value) {
        if (option.equals("device")) return DEVICES.contains(value) ? null : "is not one of auto, cpu, cuda";
        return value.matches("[a-z0-9_.:-]+") ? null : "is not a backend name";
    }

    private static int number(String option, String property, String variable, int fallback) {
        Found found = lookup(property, variable);
        if (found == null) return fallback;
        try {
            int value = Integer.parseInt(found.value());
            if (value >= 1) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ClusterbyException.BadOption(option, "'" + found.value() + "' (from " + found.from()
                + ") is not a whole number of at least 1");
    }

    /** A value read from the system property or, failing that, the environment, and which one it came from. */
    private record Found(String value, String from) {}

    private static Found lookup(String property, String variable) {
        String value = System.getProperty(property);
        if (!blank(value)) return new Found(value.trim(), "-D" + property);
        value = System.getenv(variable);
        if (!blank(value)) return new Found(value.trim(), "$" + variable);
        return null;
    }

    private static String canonical(String name) {
        return blank(name) ? null : name.trim().toLowerCase(Locale.ROOT);
    }

    private static Path defaultCacheDir() {
        Found found = lookup("clusterby.cacheDir", "CLUSTERBY_CACHE_DIR");
        if (found != null) return Path.of(found.value());
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (!blank(xdg)) return Path.of(xdg.trim(), "clusterby");
        return Path.of(System.getProperty("user.home"), ".cache", "clusterby");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
