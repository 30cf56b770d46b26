package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file through a temporary file in the same directory and an atomic rename, so that a failed or
 * interrupted write never leaves a half-written file or loses the one that was there.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    static void write(Path target, Body body) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new ClusterbyException.BadFile("cannot write " + target + ": directory " + dir + " does not exist");
        if (Files.isDirectory(absolute)) throw new ClusterbyException.BadFile("cannot write " + target + ": it is a directory");
        // Not Files.createTempFile: it makes the file owner-only (0600), and the rename would keep that mode.
        Path temp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            keepPermissions(absolute, temp);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; a stray temp file is the lesser problem.
                }
            }
        }
    }

    /** A replaced file keeps its mode, as it would if it were overwritten in place. */
    private static void keepPermissions(Path existing, Path temp) {
        if (!Files.exists(existing)) return;
        try {
            PosixFileAttributeView from = Files.getFileAttributeView(existing, PosixFileAttributeView.class);
            PosixFileAttributeView to = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (from != null && to != null) to.setPermissions(from.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: the content matters more than the mode.
        }
    }

    static String describe(IOException e) {
        String kind = switch (e) {
            case java.nio.file.AccessDeniedException _ -> "permission denied";
            case java.nio.file.NoSuchFileException _ -> "no such file";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> null;
        };
        if (kind != null) return kind;
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
