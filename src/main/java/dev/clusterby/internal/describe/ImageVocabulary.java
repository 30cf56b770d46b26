package dev.clusterby.internal.describe;

import dev.clusterby.ClusterbyException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The built-in phrases scored against image clusters (objects, clothing, animals, scenes, colours, textures). */
public final class ImageVocabulary {
    private static final List<String> PHRASES = load();

    private ImageVocabulary() {}

    /** The phrases, in file order. */
    public static List<String> phrases() {
        return PHRASES;
    }

    private static List<String> load() {
        try (InputStream in = ImageVocabulary.class.getResourceAsStream("image-phrases.txt")) {
            if (in == null) throw new ClusterbyException("the resource dev/clusterby/internal/describe/image-phrases.txt is missing from the jar");
            Set<String> phrases = new LinkedHashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String phrase = line.strip();
                if (!phrase.isEmpty() && !phrase.startsWith("#")) phrases.add(phrase);
            }
            return List.copyOf(phrases);
        } catch (IOException e) {
            throw new ClusterbyException("cannot read the built-in image vocabulary", e);
        }
    }
}
