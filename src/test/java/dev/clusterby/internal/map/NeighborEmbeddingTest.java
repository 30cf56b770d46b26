package dev.clusterby.internal.map;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.embed.Pca;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighborEmbeddingTest {
    private static final ComputeBackend BACKEND = ComputeBackends.get("scalar");

    @Test
    void digitsMapKeepsNeighboursBetterThanPca() throws IOException {
        float[][] x = digits();
        NeighborEmbedding.Result map = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(2, 42), BACKEND);
        assertNull(map.degenerate());
        double umap = Trustworthiness.of(x, rows(map), 10);
        double pca = Trustworthiness.of(x, pca(x, 2), 10);
        System.out.printf("digits trustworthiness(k=10): neighbour embedding %.4f, PCA %.4f%n", umap, pca);
        assertTrue(umap > pca + 0.05, "trustworthiness: neighbour embedding " + umap + ", PCA " + pca);
        assertTrue(umap > 0.95, "trustworthiness " + umap); // scikit-learn's UMAP/t-SNE reach about 0.98 on digits
    }

    @Test
    void sameSeedSameLayoutOtherSeedOther() throws IOException {
        float[][] x = Arrays.copyOf(digits(), 400);
        NeighborEmbedding.Options options = NeighborEmbedding.Options.of(2, 7).withEpochs(100);
        float[] first = NeighborEmbedding.fit(x, options, BACKEND).coordinates();
        float[] again = NeighborEmbedding.fit(x, options, BACKEND).coordinates();
        float[] other = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(2, 8).withEpochs(100), BACKEND).coordinates();
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
    }

    @Test
    void reducesToMoreDimensionsForClustering() throws IOException {
        float[][] x = Arrays.copyOf(digits(), 600);
        NeighborEmbedding.Result reduced = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(8, 1), BACKEND);
        assertEquals(600, reduced.rows());
        assertEquals(8, reduced.dimensions());
        assertEquals(600 * 8, reduced.coordinates().length);
        for (float v : reduced.coordinates()) assertTrue(Float.isFinite(v));
        double kept = Trustworthiness.of(x, rows(reduced), 10);
        assertTrue(kept > 0.98, "8-d trustworthiness " + kept); // PCA-8 keeps about as much on 64 pixels
    }

    /** Cosine weights (hdbscan's clustering layout for embeddings): other weights than Euclidean, neighbours kept as well. */
    @Test
    void cosineWeightsOnUnitRowsKeepNeighbours() throws IOException {
        float[][] x = Arrays.copyOf(digits(), 600);
        for (float[] row : x) {
            double s = 0;
            for (float v : row) s += v * v;
            for (int j = 0; j < row.length; j++) row[j] = (float) (row[j] / Math.sqrt(s));
        }
        NeighborEmbedding.Options euclidean = new NeighborEmbedding.Options(5, 30, 0.0, 200, 5, 50, 3);
        NeighborEmbedding.Options cosine = new NeighborEmbedding.Options(5, 30, 0.0, 200, 5, 50, 3, true);
        NeighborEmbedding.Result byCosine = NeighborEmbedding.fit(x, cosine, BACKEND);
        assertArrayEquals(byCosine.coordinates(), NeighborEmbedding.fit(x, cosine, BACKEND).coordinates());
        assertFalse(Arrays.equals(byCosine.coordinates(), NeighborEmbedding.fit(x, euclidean, BACKEND).coordinates()));
        double kept = Trustworthiness.of(x, rows(byCosine), 10);
        assertTrue(kept > 0.97, "5-d trustworthiness with cosine weights " + kept);
    }

    @Test
    void degenerateInputsGetAFixedLayoutAndAReason() {
        NeighborEmbedding.Result two = NeighborEmbedding.fit(new float[][] {{1, 2}, {3, 4}}, NeighborEmbedding.Options.of(2, 1), BACKEND);
        assertEquals("only 2 rows", two.degenerate());
        assertEquals(4, two.coordinates().length);
        float[][] same = new float[50][];
        for (int i = 0; i < same.length; i++) same[i] = new float[] {0.5f, -1, 3};
        NeighborEmbedding.Result identical = NeighborEmbedding.fit(same, NeighborEmbedding.Options.of(2, 1), BACKEND);
        assertNotNull(identical.degenerate());
        assertTrue(identical.degenerate().contains("identical"), identical.degenerate());
        assertEquals(0, NeighborEmbedding.fit(new float[0][], NeighborEmbedding.Options.of(2, 1), BACKEND).rows());
        assertThrows(ClusterbyException.InvalidData.class,
                () -> NeighborEmbedding.fit(new float[][] {{1}, {Float.NaN}, {2}}, NeighborEmbedding.Options.of(2, 1), BACKEND));
        assertThrows(ClusterbyException.BadOption.class, () -> NeighborEmbedding.Options.of(0, 1));
    }

    @Test
    void curveMatchesUmapsFittedConstants() {
        double[] ab = NeighborEmbedding.curve(0.1);
        // umap-learn's find_ab_params(1.0, 0.1) gives a = 1.577, b = 0.895
        assertEquals(1.577, ab[0], 0.01);
        assertEquals(0.895, ab[1], 0.01);
    }

    @Test
    void lowRankRowsMapWithoutError() {
        float[][] x = new float[60][];
        for (int i = 0; i < x.length; i++) x[i] = new float[] {i % 3, 2 * (i % 3), 0, 0, 0, 0, 0, 0}; // rank 1, 3 distinct rows
        NeighborEmbedding.Result map = NeighborEmbedding.fit(x, NeighborEmbedding.Options.of(2, 3).withEpochs(50), BACKEND);
        for (float v : map.coordinates()) assertTrue(Float.isFinite(v));
        assertEquals(60 * 2, Layouts.pca(toMatrix(x), 2, 1).coordinates().length);
    }

    private static dev.clusterby.compute.FloatMatrix toMatrix(float[][] x) {
        var m = dev.clusterby.internal.compute.Segments.matrix(java.lang.foreign.Arena.ofAuto(), x.length, x[0].length);
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x[0].length; j++) m.set(i, j, x[i][j]);
        return m;
    }

    @Test
    void fastPowIsCloseToMathPow() {
        for (float b : new float[] {0.79f, 0.895f, 1.2f, -0.105f}) {
            for (float x = 1e-6f; x < 1e4f; x *= 1.37f) {
                double exact = Math.pow(x, b);
                assertEquals(exact, NeighborEmbedding.pow(x, b), 3e-4 * exact, "pow(" + x + ", " + b + ")");
            }
        }
    }

    static float[][] rows(NeighborEmbedding.Result result) {
        float[][] out = new float[result.rows()][result.dimensions()];
        for (int i = 0; i < result.rows(); i++) {
            for (int c = 0; c < result.dimensions(); c++) out[i][c] = result.get(i, c);
        }
        return out;
    }

    static float[][] pca(float[][] x, int p) {
        float[][] copy = new float[x.length][];
        for (int i = 0; i < x.length; i++) copy[i] = x[i].clone();
        Pca.Fit fit = Pca.fit(copy, p, 10, 2, 1);
        float[][] out = new float[x.length][p];
        Pca.project(copy, true, fit, 0, out);
        return out;
    }

    /** scikit-learn's digits (1797 × 64 pixels; the label column dropped), shipped as a test resource. */
    static float[][] digits() throws IOException {
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                NeighborEmbeddingTest.class.getResourceAsStream("/data/digits.csv.gz")), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] cells = line.split(",");
                float[] row = new float[cells.length - 1];
                for (int j = 0; j < row.length; j++) row[j] = Float.parseFloat(cells[j]);
                rows.add(row);
            }
        }
        return rows.toArray(float[][]::new);
    }
}
