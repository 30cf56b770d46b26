package dev.clusterby.internal.embed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Duplicate photos and blank frames give a rank-deficient PCA; the image encoder's projection must still work. */
class PcaRankTest {
    @Test
    void identicalAndBlankRowsGiveFiniteFixedWidthFeatures() {
        for (float value : new float[] {0f, 0.5f}) {
            float[][] rows = new float[6][40];
            for (float[] row : rows) java.util.Arrays.fill(row, value);
            Pca.Fit fit = Pca.fit(rows, 8, 16, 1, 1);
            assertEquals(8, fit.count());
            float[][] out = new float[6][8];
            Pca.project(rows, true, fit, 0.5, out);
            for (float[] row : out) for (float v : row) assertTrue(Float.isFinite(v), "projection of identical rows: " + v);
        }
        // Two distinct images, each twice: rank 1 of the 8 asked for.
        float[][] pairs = new float[4][30];
        for (int i = 0; i < 4; i++) java.util.Arrays.fill(pairs[i], i % 2);
        Pca.Fit fit = Pca.fit(pairs, 8, 16, 1, 1);
        assertEquals(8, fit.count());
    }
}
