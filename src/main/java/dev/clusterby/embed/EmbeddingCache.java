package dev.clusterby.embed;

import dev.clusterby.compute.FloatMatrix;

import java.nio.file.Path;

/** Content-addressed embeddings on disk. (Being built: see the embed work item.) */
public final class EmbeddingCache {
    private final Path directory;

    public EmbeddingCache(Path directory) {
        this.directory = directory;
    }

    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "clusterby");
    }

    public Path directory() {
        return directory;
    }

    /** Fills {@code into} from the entry for key and returns true, or returns false on a miss. */
    public boolean load(String key, FloatMatrix into) {
        return false;
    }

    public void store(String key, FloatMatrix data) {
    }
}
