package dev.clusterby.internal.embed;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Where ONNX Runtime's own native libraries come from. Left alone, ONNX Runtime Java copies them out of its jar into
 * a new {@code onnxruntime-java*} folder of the temp directory on every start and leaves that folder behind (and a
 * killed JVM leaves the libraries too). Before its first use we instead extract them once into
 * {@code CACHE/onnxruntime/<hash>/}, named by the hash of the jar entries (name, size, CRC), and point ONNX Runtime's
 * documented {@code onnxruntime.native.path} property at that folder; later JVMs reuse it.
 *
 * <p>A user's own {@code onnxruntime.native.path} (or per-library {@code onnxruntime.native.LIB.path}) wins, and any
 * failure here leaves ONNX Runtime to its own loading, with the reason at DEBUG: this is housekeeping, never a reason
 * for an encoder not to run.
 */
final class OrtNatives {
    private static final System.Logger LOG = System.getLogger(OrtNatives.class.getName());
    static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final String COMPLETE = ".complete";

    private static boolean prepared;

    private OrtNatives() {}

    /** {@link #prepare} under the default cache folder, unless already done. */
    static synchronized void prepareDefault() {
        if (!prepared) prepare(dev.clusterby.Settings.defaults().cacheDir());
    }

    /** Once per JVM, before ONNX Runtime loads: extracts its libraries under {@code cacheDir} and points it there. */
    static synchronized void prepare(Path cacheDir) {
        if (prepared) return;
        prepared = true;
        if (System.getProperty(PATH_PROPERTY) != null || System.getProperty("onnxruntime.native.onnxruntime.path") != null) return;
        try {
            Path dir = extract(cacheDir);
            if (dir != null) System.setProperty(PATH_PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime extracts its own libraries (cannot use " + cacheDir + ": " + e + ")");
        }
    }

    /** ONNX Runtime's resource folder for this platform, as it names it (linux-x64, osx-aarch64 …), or null. */
    static String platformFolder() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : os.contains("nux") ? "linux" : null;
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64" : arch.startsWith("aarch64") ? "aarch64" : null;
        return o == null || a == null ? null : "ai/onnxruntime/native/" + o + "-" + a + "/";
    }

    /** The folder holding the extracted libraries, or null when ONNX Runtime's jar has none for this platform. */
    static Path extract(Path cacheDir) throws IOException {
        String folder = platformFolder();
        if (folder == null) return null;
        URL marker = OrtNatives.class.getClassLoader().getResource(folder);
        if (marker == null) return null;
        URLConnection connection = marker.openConnection();
        if (!(connection instanceof JarURLConnection jar)) return null;
        connection.setUseCaches(false);
        List<JarEntry> entries = new ArrayList<>();
        MessageDigest digest = dev.clusterby.internal.Hashes.sha256();
        try (JarFile file = jar.getJarFile()) {
            file.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(folder)
                            && e.getName().indexOf('/', folder.length()) < 0)
                    .sorted(Comparator.comparing(JarEntry::getName)).forEach(entries::add);
            if (entries.isEmpty()) return null;
            for (JarEntry entry : entries) {
                digest.update((entry.getName() + "\0" + entry.getSize() + "\0" + entry.getCrc() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Path target = cacheDir.toAbsolutePath().resolve("onnxruntime").resolve(HexFormat.of().formatHex(digest.digest()).substring(0, 16));
            if (Files.isRegularFile(target.resolve(COMPLETE))) return target;
            Files.createDirectories(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), ".extracting-");
            try {
                for (JarEntry entry : entries) {
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, staging.resolve(entry.getName().substring(folder.length())));
                    }
                }
                Files.createFile(staging.resolve(COMPLETE));
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                    // Another JVM got there first (or left an unfinished folder, which is replaced below).
                    if (!Files.isRegularFile(target.resolve(COMPLETE))) {
                        deleteTree(target);
                        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } finally {
                if (Files.exists(staging)) deleteTree(staging);
            }
            return target;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
