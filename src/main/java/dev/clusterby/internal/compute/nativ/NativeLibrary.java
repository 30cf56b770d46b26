package dev.clusterby.internal.compute.nativ;

import dev.clusterby.ClusterbyException;
import dev.clusterby.internal.compute.nativ.foreign.clusterby_h;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libclusterby once per JVM, in ONNX Runtime's order: the {@code clusterby.native.skip} property, then
 * {@code clusterby.native.path} (a file), then the copy bundled in the jar, then {@code System.loadLibrary}.
 * These two properties are JVM-wide on purpose: the library loads once, whatever settings a later call carries.
 *
 * <p>The bundled copy is extracted once to {@code CACHE/native/<hash>/libclusterby.so}, named by the hash of its
 * bytes and written atomically, and reused by every later JVM: a killed JVM leaves nothing behind in the temp folder,
 * and two versions of the library never overwrite each other.
 * Failures are remembered as a reason and reported as {@link ClusterbyException.Unavailable}; nothing here runs
 * in a static initialiser, so a missing library never breaks class loading.
 */
final class NativeLibrary {
    static final String SKIP_PROPERTY = "clusterby.native.skip";
    static final String PATH_PROPERTY = "clusterby.native.path";

    private static boolean loaded;
    private static String failure;

    private NativeLibrary() {}

    /** The resource path of the bundled library for this platform, or null where none is built. */
    static String bundledResource() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) return null;
        return "/native/linux-x86_64/libclusterby.so";
    }

    /** Loads the library, extracting the bundled copy under the default cache folder; settings are read only if needed. */
    static synchronized void load() {
        if (loaded && !Boolean.getBoolean(SKIP_PROPERTY)) return; // the skip switch is honoured even once loaded
        load(dev.clusterby.Settings.defaults().cacheDir());
    }

    /**
     * Why the library cannot load, as far as is known without loading it (switched off, failed before, or no copy
     * anywhere to load), else null.
     */
    static synchronized String whyNot() {
        if (Boolean.getBoolean(SKIP_PROPERTY)) return "the native backend is switched off by -D" + SKIP_PROPERTY + "=true";
        if (loaded) return null;
        return failure;
    }

    /** Loads the library once, extracting the bundled copy under {@code cacheDir}; throws Unavailable with the reason. */
    static synchronized void load(Path cacheDir) {
        if (Boolean.getBoolean(SKIP_PROPERTY)) {
            throw new ClusterbyException.Unavailable("the native backend is switched off by -D" + SKIP_PROPERTY + "=true");
        }
        if (loaded) return;
        if (failure != null) throw new ClusterbyException.Unavailable(failure);
        List<String> tried = new ArrayList<>();
        try {
            if (loadFirst(tried, cacheDir)) {
                checkSymbols();
                loaded = true;
                return;
            }
            failure = "libclusterby could not be loaded (" + String.join("; ", tried) + ")";
        } catch (RuntimeException | LinkageError e) {
            failure = "libclusterby is unusable: " + e.getMessage();
        }
        throw new ClusterbyException.Unavailable(failure);
    }

    private static boolean loadFirst(List<String> tried, Path cacheDir) {
        String path = System.getProperty(PATH_PROPERTY);
        if (path != null && !path.isBlank()) {
            if (tryLoad(() -> System.load(Path.of(path).toAbsolutePath().toString()), "-D" + PATH_PROPERTY + "=" + path, tried)) return true;
        }
        String resource = bundledResource();
        if (resource == null) {
            tried.add("no bundled build for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        } else if (NativeLibrary.class.getResource(resource) == null) {
            tried.add("no bundled " + resource + " (built without cmake/gcc or with -Dnative.skip)");
        } else if (tryLoad(() -> System.load(extract(resource, cacheDir).toString()), "bundled " + resource, tried)) {
            return true;
        }
        return tryLoad(() -> System.loadLibrary("clusterby"), "java.library.path", tried);
    }

    private static boolean tryLoad(Runnable load, String what, List<String> tried) {
        try {
            load.run();
            return true;
        } catch (UnsatisfiedLinkError | SecurityException | ExtractionFailed e) {
            tried.add(what + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * The bundled library as a file, since a library inside a jar cannot be mapped: {@code cacheDir/native/HASH/}
     * holds it under its own name, written through a temporary file and an atomic rename, and reused when present.
     */
    static Path extract(String resource, Path cacheDir) {
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) throw new ExtractionFailed("resource disappeared: " + resource);
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ExtractionFailed("cannot read " + resource + ": " + e.getMessage());
        }
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Path dir = cacheDir.toAbsolutePath().resolve("native").resolve(dev.clusterby.internal.Hashes.sha256Hex(bytes).substring(0, 16));
        Path file = dir.resolve(name);
        try {
            if (Files.isRegularFile(file) && Files.size(file) == bytes.length) return file;
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp");
            try {
                Files.write(temp, bytes);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            return file;
        } catch (IOException e) {
            // A read-only cache folder (some containers): a temporary copy, deleted at exit, still runs.
            System.getLogger(NativeLibrary.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot extract " + resource + " to " + dir + " (" + e + "); using a temporary copy");
            return temporaryCopy(resource, bytes);
        }
    }

    private static Path temporaryCopy(String resource, byte[] bytes) {
        try {
            Path file = Files.createTempFile("libclusterby", ".so");
            file.toFile().deleteOnExit();
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new ExtractionFailed("cannot extract " + resource + ": " + e.getMessage()
                    + " (make the cache folder writable, or set -D" + PATH_PROPERTY + " to a copy of the library)");
        }
    }

    /** A library with the right name but an older header would crash later; refuse it now. */
    private static void checkSymbols() {
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        List<String> missing = clusterby_h.SYMBOLS.stream().filter(s -> lookup.find(s).isEmpty()).toList();
        if (!missing.isEmpty()) throw new IllegalStateException("the loaded library lacks " + missing);
    }

    /** Extraction failures, carried through {@link #tryLoad} like a failed load. */
    private static final class ExtractionFailed extends RuntimeException {
        ExtractionFailed(String message) {
            super(message);
        }
    }
}
