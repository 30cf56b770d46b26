package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import dev.clusterby.StringColumn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                    try (Stream<Path> files = Files.walk(child)) {
                        // Hidden folders (.ipynb_checkpoints, .thumbnails) hold copies, not data.
                        files.filter(f -> isImage(f) && !inHiddenFolder(child.relativize(f)))
                                .forEach(f -> entries.add(new Entry(label, f, child.relativize(f).toString())));
                    }
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

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && !name.startsWith(".") && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                && Files.isRegularFile(file);
    }

    private static boolean inHiddenFolder(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean isHidden(Path file) {
        return file.getFileName().toString().startsWith(".");
    }
}
