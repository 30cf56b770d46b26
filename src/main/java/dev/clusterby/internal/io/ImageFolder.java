package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import dev.clusterby.StringColumn;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A folder of images, where each subfolder's name is the label of the images under it
 * ({@code DIR/cat/1.png}). Images are not decoded here: the image column is lazy.
 */
final class ImageFolder {
    private static final System.Logger LOG = System.getLogger(ImageFolder.class.getName());

    private ImageFolder() {}

    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private record Entry(String label, Path file, String sortKey) {}

    static DataPanel read(Path dir) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                if (isHidden(child)) continue;
                if (Files.isDirectory(child)) {
                    String label = child.getFileName().toString();
                    walk(child, label, entries);
                } else if (isImage(child)) {
                    entries.add(new Entry(null, child, child.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read folder " + dir + ": " + AtomicFiles.describe(e), e);
        }
        if (entries.isEmpty()) {
            throw new ClusterbyException.BadFile(dir + ": no images found (looked for " + String.join(", ", EXTENSIONS.stream().sorted().toList())
                    + " files in it and in its subfolders)");
        }
        // Label, then name: the same folder always gives the same row order, whatever the file system lists first.
        entries.sort(Comparator.comparing((Entry e) -> e.label() == null ? "" : e.label()).thenComparing(Entry::sortKey));
        boolean labelled = entries.stream().anyMatch(e -> e.label() != null);
        List<Column> columns = new ArrayList<>();
        columns.add(ImageColumn.ofFiles("image", entries.stream().map(Entry::file).toList()));
        if (labelled) columns.add(StringColumn.of("label", entries.stream().map(Entry::label).toList()));
        columns.add(StringColumn.of("path", entries.stream().map(e -> e.file().toString()).toList()));
        return DataPanel.of(columns);
    }

    /**
     * The images under one label folder. A folder that cannot be read (permissions, a vanished mount) is skipped
     * with one warning naming it, and the rest of the run goes on: its images cannot even be listed, so they get no
     * rows. Hidden folders (.ipynb_checkpoints, .thumbnails) hold copies, not data.
     */
    private static void walk(Path labelFolder, String label, List<Entry> entries) throws IOException {
        Files.walkFileTree(labelFolder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
                return folder.equals(labelFolder) || !isHidden(folder) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (isImage(file)) entries.add(new Entry(label, file, labelFolder.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                LOG.log(System.Logger.Level.WARNING, "skipping the images under " + file + ": cannot read it ("
                        + AtomicFiles.describe(e) + ")");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path folder, IOException e) {
                if (e != null) {
                    LOG.log(System.Logger.Level.WARNING, "skipping the rest of " + folder + ": cannot list it ("
                            + AtomicFiles.describe(e) + ")");
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && !name.startsWith(".") && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                && Files.isRegularFile(file);
    }

    private static boolean isHidden(Path file) {
        return file.getFileName().toString().startsWith(".");
    }
}
