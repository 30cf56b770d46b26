package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderTest {
    @TempDir Path dir;

    private Path png(Path file, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 2, rgb);
        assertTrue(ImageIO.write(image, "png", file.toFile()));
        return file;
    }

    @Test
    void subfoldersAreLabelsSortedByLabelThenName() throws IOException {
        png(dir.resolve("dog/b.png"), 0x00FF00);
        png(dir.resolve("cat/z.PNG"), 0xFF0000);
        png(dir.resolve("cat/a.png"), 0x0000FF);
        png(dir.resolve("cat/.ipynb_checkpoints/a.png"), 0);
        Files.writeString(dir.resolve("cat/notes.txt"), "not an image");
        Files.writeString(dir.resolve("README"), "not an image");
        try (DataPanel panel = DataPanel.read(dir)) {
            assertEquals(List.of("image", "label", "path"), panel.columnNames());
            assertEquals(List.of("cat", "cat", "dog"), panel.stringColumn("label").values());
            assertEquals(List.of(dir.resolve("cat/a.png").toString(), dir.resolve("cat/z.PNG").toString(),
                    dir.resolve("dog/b.png").toString()), panel.stringColumn("path").values());
            ImageColumn images = panel.imageColumn("image");
            assertInstanceOf(ImageColumn.FileSource.class, images.source(0), "images stay files until decoded");
            assertEquals(0x0000FF, images.image(0).getRGB(1, 2) & 0xFFFFFF);
            assertEquals(0x00FF00, images.image(2).getRGB(1, 2) & 0xFFFFFF);
        }
    }

    @Test
    void flatFolderHasNoLabelColumn() throws IOException {
        png(dir.resolve("2.jpg.png"), 1);
        png(dir.resolve("1.png"), 1);
        try (DataPanel panel = DataPanel.read(dir)) {
            assertEquals(List.of("image", "path"), panel.columnNames());
            assertEquals(Arrays.asList(dir.resolve("1.png").toString(), dir.resolve("2.jpg.png").toString()),
                    panel.stringColumn("path").values());
        }
    }

    @Test
    void folderWithoutImagesIsABadFile() throws IOException {
        Files.createDirectories(dir.resolve("empty/sub"));
        Files.writeString(dir.resolve("empty/sub/a.txt"), "x");
        var error = assertThrows(ClusterbyException.BadFile.class, () -> DataPanel.read(dir.resolve("empty")));
        assertTrue(error.getMessage().startsWith(dir.resolve("empty") + ": no images found"), error.getMessage());
    }
}
