package dev.clusterby.internal.embed;

import dev.clusterby.internal.Plugins;
import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.EncoderProvider;
import dev.clusterby.embed.ImageInput;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.compute.FloatMatrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The encoder registry by name. Built in: {@code bge-small} (the default for text), {@code minilm} and
 * {@code e5-small}, and {@code bge-small-fp32} (the unquantised BGE, when its jar is added); {@code hog-pca} (the default for images: classical features, see {@link ClassicImageEncoder});
 * {@code clip:DIR}, a CLIP export in a folder (see {@link ClipEncoder}), one shared instance per folder; more come from {@link #register(String, Supplier)} and from {@link EncoderProvider}s found by
 * {@link ServiceLoader}.
 *
 * <p>{@link #resolve} hands out one shared instance per name and per what changes it, made on first use and owned by
 * the registry: closing it does nothing, and a JVM shutdown hook frees them all. For the ONNX encoders the device,
 * the thread count, the batch size and the max tokens of the call's {@link Settings} change the instance, so a call on another
 * device gets its own, never the one an earlier call opened. {@link #open} makes a fresh instance the caller owns.
 */
public final class Encoders {
    private static final System.Logger LOG = System.getLogger(Encoders.class.getName());
    private static final String DEFAULT_TEXT = "bge-small";
    private static final String DEFAULT_IMAGE = ClassicImageEncoder.ID;
    private static final String CLIP_PREFIX = "clip:";

    /** {@code usesSettings}: made for the device, threads and batching of a call (the ONNX encoders). */
    private record Entry(String name, Function<Settings, ? extends Encoder> factory, Encoder.Modality knownModality,
                         boolean usesSettings) {
        static Entry plain(String name, Supplier<? extends Encoder> factory, Encoder.Modality knownModality) {
            return new Entry(name, settings -> factory.get(), knownModality, false);
        }

        /** The shared instance's key: the name, plus what changes the instance. */
        String key(Settings settings) {
            return usesSettings ? name + "|" + settings.device() + "|" + settings.threads() + "|" + settings.encoderBatchRows() + "|" + settings.encoderMaxTokens() : name;
        }
    }

    private static final Object LOCK = new Object();
    /** By canonical name, in registration order. Guarded by LOCK. */
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    /** Alternative spellings to canonical names. Guarded by LOCK. */
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();
    /** By {@link Entry#key}. Guarded by LOCK. */
    private static final Map<String, CountingEncoder> SHARED = new LinkedHashMap<>();
    private static boolean providersLoaded;
    private static boolean hookInstalled;
    private static boolean shuttingDown;

    static {
        builtIn(OnnxTextEncoder.BGE_SMALL, "bge-small-en-v1.5");
        builtIn(OnnxTextEncoder.MINILM, "all-minilm-l6-v2", "all-MiniLM-L6-v2");
        builtIn(OnnxTextEncoder.E5_SMALL, "e5-small-v2");
        builtIn(OnnxTextEncoder.BGE_SMALL_FP32, "bge-small-en-v1.5-fp32");
        ENTRIES.put(DEFAULT_IMAGE, Entry.plain(DEFAULT_IMAGE, ClassicImageEncoder::create, Encoder.Modality.IMAGE));
        ALIASES.put("hog", DEFAULT_IMAGE);
    }

    private Encoders() {}

    private static void builtIn(OnnxTextEncoder.Spec spec, String... aliases) {
        ENTRIES.put(spec.id(), new Entry(spec.id(), settings -> OnnxTextEncoder.deferred(spec.withMaxLength(settings.encoderMaxTokens()), OnnxTextEncoder.Tuning.of(settings)),
                Encoder.Modality.TEXT, true));
        for (String alias : aliases) ALIASES.put(alias.toLowerCase(Locale.ROOT), spec.id());
    }

    /** The known encoder names, built-ins first. */
    public static List<String> names() {
        synchronized (LOCK) {
            loadProviders();
            return List.copyOf(ENTRIES.keySet());
        }
    }

    /** The default encoder name for a modality, or null when none is configured. */
    public static String defaultName(Encoder.Modality modality) {
        return modality == Encoder.Modality.TEXT ? DEFAULT_TEXT : DEFAULT_IMAGE;
    }

    /**
     * The shared CLIP encoder of an export folder ({@code image.onnx}, {@code text.onnx}, {@code tokenizer.json},
     * {@code clip.json}; see {@link ClipEncoder}); the same as {@code resolve("clip:" + dir, IMAGE)}.
     */
    public static Encoder clip(java.nio.file.Path dir) {
        return resolve(CLIP_PREFIX + dir, Encoder.Modality.IMAGE);
    }

    /** {@link #resolve(String, Encoder.Modality, Settings)} with {@link Settings#defaults()}. */
    public static Encoder resolve(String name, Encoder.Modality modality) {
        return resolve(name, modality, Settings.defaults());
    }

    /**
     * The shared encoder of that name, or the default for the modality when the name is "auto" (or null).
     *
     * @throws ClusterbyException.UnknownName for a name nobody registered; the message lists the known ones
     * @throws ClusterbyException.Unavailable for "auto" with no encoder for the modality, or a model that cannot load
     * @throws ClusterbyException.BadOption when the named encoder reads another modality
     */
    public static Encoder resolve(String name, Encoder.Modality modality, Settings given) {
        Objects.requireNonNull(modality, "modality");
        Settings settings = Objects.requireNonNull(given, "settings").resolve();
        String wanted = name == null || name.isBlank() || name.equalsIgnoreCase("auto") ? defaultName(modality) : name;
        if (wanted == null) {
            throw new ClusterbyException.Unavailable("no " + modality.name().toLowerCase(Locale.ROOT) + " encoder is configured yet;"
                    + " register one (an EncoderProvider) and name it explicitly; known encoders: "
                    + String.join(", ", names()));
        }
        synchronized (LOCK) {
            if (shuttingDown) throw new ClusterbyException.Unavailable("encoders are shutting down with the JVM");
            Entry entry = entry(wanted);
            if (entry.knownModality() != null) checkModality(entry.name(), entry.knownModality(), modality);
            String key = entry.key(settings);
            CountingEncoder shared = SHARED.get(key);
            if (shared == null) {
                shared = new CountingEncoder(create(entry, settings), true);
                SHARED.put(key, shared);
                installHook();
            }
            checkModality(entry.name(), shared.modality(), modality);
            return shared;
        }
    }

    /** A fresh instance of the named encoder that the caller owns and must close, with {@link Settings#defaults()}. */
    public static Encoder open(String name) {
        return open(name, Settings.defaults());
    }

    /** A fresh instance of the named encoder for these settings, that the caller owns and must close. */
    public static Encoder open(String name, Settings given) {
        Settings settings = Objects.requireNonNull(given, "settings").resolve();
        Entry entry;
        synchronized (LOCK) {
            entry = entry(name);
        }
        return new CountingEncoder(create(entry, settings), false);
    }

    /**
     * Registers (or replaces) an encoder by name. The supplier is called lazily: once for the shared instance and
     * once per {@link #open}. Replacing a name whose shared instance exists closes that instance.
     */
    public static void register(String name, Supplier<? extends Encoder> factory) {
        Objects.requireNonNull(factory, "factory");
        String key = canonicalSpelling(name);
        List<CountingEncoder> replaced = new ArrayList<>();
        synchronized (LOCK) {
            loadProviders();
            ALIASES.remove(key);
            ENTRIES.put(key, Entry.plain(key, factory, null));
            var shared = SHARED.entrySet().iterator();
            while (shared.hasNext()) {
                var next = shared.next();
                if (next.getKey().equals(key) || next.getKey().startsWith(key + "|")) {
                    replaced.add(next.getValue());
                    shared.remove();
                }
            }
        }
        for (CountingEncoder encoder : replaced) encoder.delegate.close();
    }

    private static Entry entry(String name) {
        loadProviders();
        if (name != null && name.trim().regionMatches(true, 0, CLIP_PREFIX, 0, CLIP_PREFIX.length())) return clipEntry(name.trim());
        String key = canonicalSpelling(name);
        Entry entry = ENTRIES.get(key);
        if (entry == null && ALIASES.containsKey(key)) entry = ENTRIES.get(ALIASES.get(key));
        if (entry == null) throw new ClusterbyException.UnknownName("encoder", name, ENTRIES.keySet());
        return entry;
    }

    /** {@code clip:DIR}: one entry per real folder, so two spellings of a folder share one instance. Holds LOCK. */
    private static Entry clipEntry(String name) {
        String folder = name.substring(CLIP_PREFIX.length()).trim();
        if (folder.isEmpty()) throw new ClusterbyException.BadOption("encoder", "'clip:' needs a folder: clip:/path/to/export");
        java.nio.file.Path dir = java.nio.file.Path.of(folder).toAbsolutePath().normalize();
        try {
            dir = dir.toRealPath();
        } catch (java.io.IOException e) {
            throw new ClusterbyException.BadFile("CLIP export folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
        String key = CLIP_PREFIX + dir;
        java.nio.file.Path found = dir;
        return ENTRIES.computeIfAbsent(key, k -> new Entry(k, settings -> ClipEncoder.load(found, settings), Encoder.Modality.IMAGE, true));
    }

    private static String canonicalSpelling(String name) {
        if (name == null || name.isBlank()) throw new ClusterbyException.BadOption("encoder", "the name is empty");
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static Encoder create(Entry entry, Settings settings) {
        // ONNX Runtime's libraries then come from the cache folder, not a new temp folder per run (see OrtNatives).
        if (entry.usesSettings()) OrtNatives.prepare(settings.cacheDir());
        Encoder encoder = entry.factory().apply(settings);
        if (encoder == null) {
            throw new ClusterbyException.Unavailable("encoder '" + entry.name() + "': its factory returned null");
        }
        return encoder;
    }

    private static void checkModality(String name, Encoder.Modality actual, Encoder.Modality wanted) {
        if (actual != wanted) {
            throw new ClusterbyException.BadOption("encoder", "'" + name + "' reads " + actual.name().toLowerCase(Locale.ROOT)
                    + ", not " + wanted.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Adds the EncoderProviders on the classpath once; a broken one is logged and skipped. Holds LOCK. */
    private static void loadProviders() {
        if (providersLoaded) return;
        providersLoaded = true;
        for (EncoderProvider provider : Plugins.load(EncoderProvider.class, Encoders.class.getClassLoader(), "an encoder provider")) {
            String key = canonicalSpelling(provider.name());
            if (ENTRIES.containsKey(key)) {
                Plugins.warnTaken("encoder provider", provider, key);
                continue;
            }
            ENTRIES.put(key, Entry.plain(key, provider::create, null));
        }
    }

    /** Holds LOCK. */
    private static void installHook() {
        if (hookInstalled) return;
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(Encoders::closeShared, "clusterby-encoders-close"));
    }

    private static void closeShared() {
        List<CountingEncoder> toClose;
        synchronized (LOCK) {
            shuttingDown = true;
            toClose = new ArrayList<>(SHARED.values());
            SHARED.clear();
        }
        for (CountingEncoder encoder : toClose) {
            try {
                encoder.delegate.close();
            } catch (RuntimeException e) {
                // The JVM is going away; one failed close must not stop the others.
            }
        }
    }

    /** Counts rows for {@link EncoderStats}; a shared one ignores close(), since the registry owns it. */
    private static final class CountingEncoder implements Encoder {
        private final Encoder delegate;
        private final boolean shared;

        CountingEncoder(Encoder delegate, boolean shared) {
            this.delegate = delegate;
            this.shared = shared;
        }

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public String version() {
            return delegate.version();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public Modality modality() {
            return delegate.modality();
        }

        @Override
        public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
            delegate.encodeTexts(texts, out, progress);
            EncoderStats.addRowsEncoded(texts.size());
        }

        /** Counted too; the text tower belongs to the delegate, so closing the wrapper leaves it open. */
        @Override
        public Encoder textEncoderForInstructions() {
            Encoder tower = delegate.textEncoderForInstructions();
            return tower == delegate ? this : new CountingEncoder(tower, true);
        }

        @Override
        public SortedMap<Integer, String> encodeImages(List<? extends ImageInput> images, FloatMatrix out, ProgressListener progress) {
            SortedMap<Integer, String> failures = delegate.encodeImages(images, out, progress);
            EncoderStats.addRowsEncoded(images.size() - failures.size());
            return failures;
        }

        @Override
        public void close() {
            if (!shared) delegate.close();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
