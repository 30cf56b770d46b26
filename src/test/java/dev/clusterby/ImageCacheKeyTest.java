package dev.clusterby;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Image files are cache-keyed by content: swapping two same-size images and restoring their times is a new key. */
class ImageCacheKeyTest {
    @Test
    void swappedImagesWithRestoredTimesAreANewKey(@TempDir Path dir) throws IOException {
        // The key reads bytes, never pixels: two files of one length and different content stand for two photos.
        Path a = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3, 4, 5, 6});
        byte[] other = {6, 5, 4, 3, 2, 1};
        Path b = Files.write(dir.resolve("b.png"), other);
        assertEquals(Files.size(a), Files.size(b));
        FileTime timeA = Files.getLastModifiedTime(a), timeB = Files.getLastModifiedTime(b);
        ImageColumn column = ImageColumn.ofFiles("image", List.of(a, b));
        String before = EmbeddingKeys.fingerprint(column, "enc@1");

        byte[] contentA = Files.readAllBytes(a);
        Files.write(a, Files.readAllBytes(b));
        Files.write(b, contentA);
        Files.setLastModifiedTime(a, timeA);
        Files.setLastModifiedTime(b, timeB);
        assertNotEquals(before, EmbeddingKeys.fingerprint(column, "enc@1"), "the old vectors would be served");

        Files.write(a, contentA);
        Files.write(b, other);
        assertEquals(before, EmbeddingKeys.fingerprint(column, "enc@1"), "the same content is the same key, whatever its time");
    }
}
