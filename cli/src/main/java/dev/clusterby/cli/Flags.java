package dev.clusterby.cli;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;

import java.nio.file.Path;

/** The settings flags shared by the commands, checked before any input is read, with errors naming the flag. */
final class Flags {
    private Flags() {}

    /** As {@link #settings(String, String, Path)}, with {@code --max-tokens} (null: the encoder's own limit). */
    static Settings settings(String backend, String device, Path cacheDir, Integer maxTokens) {
        Settings settings = settings(backend, device, cacheDir);
        if (maxTokens == null) return settings;
        if (maxTokens < 3 || maxTokens > 512) {
            throw new ClusterbyException.BadOption("--max-tokens", "must be between 3 and 512 (the models' position limit), not " + maxTokens);
        }
        return settings.withEncoderMaxTokens(maxTokens);
    }

    /** {@code --backend}, {@code --device} and {@code --cache-dir} as given (null: not given, resolved later). */
    static Settings settings(String backend, String device, Path cacheDir) {
        Settings settings = Settings.unset().withCacheDir(cacheDir);
        try {
            settings = settings.withDevice(device);
        } catch (ClusterbyException.BadOption e) {
            throw new ClusterbyException.BadOption("--device", "'" + device + "' is not one of auto, cpu, cuda");
        }
        try {
            return settings.withBackend(backend);
        } catch (ClusterbyException.BadOption e) {
            throw new ClusterbyException.BadOption("--backend", "'" + backend + "' is not a backend name");
        }
    }
}
