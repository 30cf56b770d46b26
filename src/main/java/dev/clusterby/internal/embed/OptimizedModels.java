package dev.clusterby.internal.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clusterby.internal.Hashes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * ONNX Runtime's graph optimisation at its highest level, done once and kept in the cache folder as an optimised
 * model ({@code onnx/ID-KEY.onnx}, with its SHA-256 beside it in {@code .sha256}).
 *
 * <p>KEY hashes the model bytes the session runs (so a changed model file or rewrite is a new file), the ONNX
 * Runtime version, the CPU architecture and the execution provider, since the optimiser's fused kernels differ
 * between them. A saved model whose bytes do not match its hash, or that ONNX Runtime cannot open, is deleted and
 * rebuilt from the source bytes. Without a cache folder the session optimises in memory each time.
 */
final class OptimizedModels {
    private static final System.Logger LOG = System.getLogger(OptimizedModels.class.getName());

    private OptimizedModels() {}

    /**
     * A session on {@code model}, from the saved optimised model when there is a sound one. {@code options} are
     * this session's alone (set to the highest level by the caller); they are changed here.
     */
    static OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options, byte[] model, Path cacheDir,
                           String id, String provider) throws OrtException {
        return OrtResources.onDeepStack(() -> openHere(env, options, model, cacheDir, id, provider));
    }

    private static OrtSession openHere(OrtEnvironment env, OrtSession.SessionOptions options, byte[] model, Path cacheDir,
                                       String id, String provider) throws OrtException {
        if (cacheDir == null) return env.createSession(model, options);
        Path folder = cacheDir.resolve("onnx");
        Path saved = folder.resolve(id + "-" + key(env, model, provider) + ".onnx");
        Path digest = saved.resolveSibling(saved.getFileName() + ".sha256");
        OrtSession session = openSaved(env, options, saved, digest);
        if (session != null) return session;
        Path written;
        try {
            Files.createDirectories(folder);
            written = Files.createTempFile(folder, id + "-", ".onnx.tmp");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot write an optimised model under {0}: {1}", folder, e.getMessage());
            return env.createSession(model, options);
        }
        options.setOptimizedModelFilePath(written.toString());
        session = env.createSession(model, options);
        keep(written, saved, digest);
        return session;
    }

    /** The saved model's session, or null (deleting it) when it is missing, does not match its hash, or fails to open. */
    private static OrtSession openSaved(OrtEnvironment env, OrtSession.SessionOptions options, Path saved, Path digest) {
        if (!Files.isRegularFile(saved) || !Files.isRegularFile(digest)) return null;
        try {
            byte[] bytes = Files.readAllBytes(saved);
            String expected = Files.readString(digest, StandardCharsets.US_ASCII).strip();
            if (expected.equals(Hashes.sha256Hex(bytes))) {
                // Already optimised: running the optimisers again would only cost start-up time.
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                try {
                    return env.createSession(bytes, options);
                } finally {
                    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                }
            }
            LOG.log(System.Logger.Level.WARNING, "optimised model {0} does not match its SHA-256; rebuilding it", saved);
        } catch (IOException | OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "optimised model {0} cannot be used ({1}); rebuilding it", saved, e.getMessage());
        }
        deleteQuietly(saved);
        deleteQuietly(digest);
        return null;
    }

    /** Moves ONNX Runtime's output into place with its hash; the hash is written last, so a half-written pair is never trusted. */
    private static void keep(Path written, Path saved, Path digest) {
        try {
            if (!Files.isRegularFile(written) || Files.size(written) == 0) {
                deleteQuietly(written);
                return;
            }
            String hash = Hashes.sha256Hex(Files.readAllBytes(written));
            move(written, saved);
            Path digestTemp = Files.createTempFile(saved.getParent(), "digest-", ".tmp");
            Files.writeString(digestTemp, hash + "\n", StandardCharsets.US_ASCII);
            move(digestTemp, digest);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot keep the optimised model {0}: {1}", saved, e.getMessage());
            deleteQuietly(written);
        }
    }

    static String key(OrtEnvironment env, byte[] model, String provider) {
        String what = Hashes.sha256Hex(model) + "|ort " + env.getVersion() + "|" + System.getProperty("os.arch") + "|" + provider;
        return Hashes.sha256Hex(what.getBytes(StandardCharsets.UTF_8)).substring(0, 20);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover file is rebuilt or overwritten next time
        }
    }
}
