package dev.clusterby.cli;

import dev.clusterby.ClusterResult;
import dev.clusterby.ClusterSpec;
import dev.clusterby.Clustering;
import dev.clusterby.TensorColumn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --k auto}: the extra auto-k line, and a clear error for anything but a positive integer or auto. */
class CliAutoKTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** Three well-separated groups in a CSV of numbers. */

    private Path npy() throws IOException {
        int n = 60, d = 2;
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(10 + header.length() + n * d * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buffer.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        float[][] centres = {{0, 0}, {20, 0}, {0, 20}};
        for (int i = 0; i < n; i++) {
            buffer.putFloat(centres[i % 3][0] + (float) Math.sin(i) * 0.5f);
            buffer.putFloat(centres[i % 3][1] + (float) Math.cos(i * 1.7) * 0.5f);
        }
        Path path = dir.resolve("blobs.npy");
        Files.write(path, buffer.array());
        return path;
    }

    @Test
    void autoKPrintsTheCriterionAndScores() throws IOException {
        Path input = npy();
        Run kmeans = run("cluster", input.toString(), "--k", "auto", "--seed", "1", "--param", "k-max=6");
        assertEquals(0, kmeans.code(), kmeans.err());
        List<String> lines = kmeans.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("auto-k: criterion=silhouette chosen=3 scores=2:0\\.\\d{3},3:0\\.\\d{3},4:.*,6:-?\\d\\.\\d{3}")),
                kmeans.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("fit: kmeans k=3 iterations=\\d+ seconds=\\d+\\.\\d+")), kmeans.out());

        Run gmm = run("cluster", input.toString(), "--method", "gmm", "--k", "AUTO", "--param", "covariance=diag");
        assertEquals(0, gmm.code(), gmm.err());
        assertTrue(gmm.out().lines().anyMatch(l -> l.startsWith("auto-k: criterion=bic chosen=3 scores=2:")), gmm.out());
        assertTrue(gmm.out().lines().anyMatch(l -> l.startsWith("fit: gmm(diag) k=3 ")), gmm.out());

        Run fixed = run("cluster", input.toString(), "--k", "3");
        assertEquals(0, fixed.code(), fixed.err());
        assertFalse(fixed.out().contains("auto-k:"), fixed.out());
    }

    @Test
    void badKNamesTheOption() throws IOException {
        Path input = npy();
        for (String bad : new String[]{"0", "-2", "three", "2.5"}) {
            Run result = run("cluster", input.toString(), "--k", bad);
            assertEquals(2, result.code(), result.out() + result.err());
            assertTrue(result.err().contains("--k") && result.err().contains(bad), result.err());
        }
    }

    /** The auto-k line alone, from a fit that needs no reader or encoder. */
    @Test
    void reportLineFromTheModelsDiagnostics() {
        float[][] rows = new float[60][];
        float[][] centres = {{0, 0}, {20, 0}, {0, 20}};
        for (int i = 0; i < 60; i++) {
            rows[i] = new float[]{centres[i % 3][0] + (float) Math.sin(i) * 0.5f, centres[i % 3][1] + (float) Math.cos(i * 1.7) * 0.5f};
        }
        try (dev.clusterby.TensorColumn column = dev.clusterby.TensorColumn.of("v", rows)) {
            dev.clusterby.ClusterResult<?> result = dev.clusterby.Clustering.fit(column, dev.clusterby.ClusterSpec.defaults()
                    .withMethod("kmeans").withParams(java.util.Map.of("k", "auto", "k-max", 5)).withBackend("scalar"));
            StringWriter text = new StringWriter();
            try (PrintWriter out = new PrintWriter(text)) {
                Report.autoK(out, result);
            }
            assertTrue(text.toString().matches("auto-k: criterion=silhouette chosen=3 scores=2:0\\.\\d{3},3:0\\.\\d{3},4:0\\.\\d{3},5:0\\.\\d{3}\\R"),
                    text.toString());
            dev.clusterby.ClusterResult<?> gmm = dev.clusterby.Clustering.fit(column, dev.clusterby.ClusterSpec.defaults()
                    .withMethod("gmm").withParams(java.util.Map.of("k", "auto", "covariance", "spherical")).withBackend("scalar"));
            StringWriter gmmText = new StringWriter();
            try (PrintWriter out = new PrintWriter(gmmText)) {
                Report.autoK(out, gmm);
            }
            assertTrue(gmmText.toString().startsWith("auto-k: criterion=bic chosen=3 scores=2:"), gmmText.toString());
        }
    }
}
