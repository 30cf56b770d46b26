package dev.clusterby;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The library's public surface: the API package, the extension points (an explicit list, so a helper made public
 * only for reach fails here), and anything under {@code dev.clusterby.internal}. Reads the access flags from the
 * compiled classes themselves, so no class is loaded or initialised.
 */
class PublicSurfaceTest {
    private static final Set<String> EXTENSION_POINTS = Set.of(
            "dev.clusterby.cluster.Clusterer", "dev.clusterby.cluster.ClustererProvider",
            "dev.clusterby.cluster.ClusterOptions", "dev.clusterby.cluster.Params",
            "dev.clusterby.cluster.CentroidModel", "dev.clusterby.cluster.KMeans", "dev.clusterby.cluster.KMeansSeeding",
            "dev.clusterby.cluster.MiniBatchKMeans", "dev.clusterby.cluster.GaussianMixture",
            "dev.clusterby.cluster.Agglomerative", "dev.clusterby.cluster.Spectral", "dev.clusterby.cluster.Hdbscan",
            "dev.clusterby.cluster.ModelState", "dev.clusterby.cluster.SavableModel", "dev.clusterby.cluster.ModelReader",
            "dev.clusterby.embed.Encoder", "dev.clusterby.embed.EncoderProvider", "dev.clusterby.embed.ImageInput",
            "dev.clusterby.compute.ComputeBackend", "dev.clusterby.compute.FloatMatrix",
            "dev.clusterby.compute.ComputeBackendProvider");

    @Test
    void publicTypesStayInsideTheAllowedPackages() throws IOException {
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("dev/clusterby")), "no compiled classes under " + classes.toAbsolutePath());
        Set<String> offending = new TreeSet<>();
        List<String> seen = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                if (name.contains("$") || name.endsWith("module-info") || name.endsWith("package-info")) continue;
                seen.add(name);
                if (isPublic(file) && !allowed(name)) offending.add(name);
            }
        }
        assertTrue(seen.contains("dev.clusterby.DataPanel"), "the scan found " + seen.size() + " classes");
        assertTrue(offending.isEmpty(), "public types outside dev.clusterby, the extension points and "
                + "dev.clusterby.internal: " + offending + "; make them package-private or move them under internal");
    }

    @Test
    void hardGroupsAndSoftSlicesAreSeparateTypes() {
        // Grouping is the sealed base of the hard groupings; SliceBy (Meerkat's name) is the soft slices, no grouping.
        assertTrue(Grouping.class.isSealed());
        assertEquals(Set.of(GroupBy.class, ClusterBy.class), Set.of(Grouping.class.getPermittedSubclasses()));
        assertFalse(Grouping.class.isAssignableFrom(SliceBy.class));
        assertTrue(java.lang.reflect.Modifier.isFinal(SliceBy.class.getModifiers()));
    }

    @Test
    void theRegistryIsNotPublicApi() {
        assertFalse(allowed("dev.clusterby.cluster.Clusterers"));
        assertFalse(allowed("dev.clusterby.cluster.AutoK"));
        assertTrue(allowed("dev.clusterby.internal.cluster.Clusterers"));
        assertFalse(allowed("dev.clusterby.internalish.Thing"));
    }

    private static boolean allowed(String name) {
        String pkg = name.substring(0, name.lastIndexOf('.'));
        return pkg.equals("dev.clusterby") || pkg.equals("dev.clusterby.internal") || pkg.startsWith("dev.clusterby.internal.")
                || EXTENSION_POINTS.contains(name);
    }

    /** The top-level access flags, read with the JDK's class-file API (no class is loaded). */
    private static boolean isPublic(Path classFile) throws IOException {
        return ClassFile.of().parse(Files.readAllBytes(classFile)).flags().has(AccessFlag.PUBLIC);
    }
}
