package dev.clusterby.internal.io;

import dev.clusterby.DataPanel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A subfolder that cannot be read skips its images; the others are read (it used to abort the whole folder). */
class ImageFolderUnreadableTest {
    @Test
    void anUnreadableSubfolderIsSkipped(@TempDir Path dir) throws IOException {
        Path cats = Files.createDirectories(dir.resolve("cat")), dogs = Files.createDirectories(dir.resolve("dog"));
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(image, "png", cats.resolve("1.png").toFile());
        ImageIO.write(image, "png", dogs.resolve("1.png").toFile());
        Files.setPosixFilePermissions(dogs, PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(Files.isReadable(dogs), "permissions do not bind this user (root): cannot make a folder unreadable");
            try (DataPanel panel = DataPanel.read(dir)) {
                assertEquals(1, panel.size());
                assertEquals("cat", panel.stringColumn("label").get(0));
            }
        } finally {
            Files.setPosixFilePermissions(dogs, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
