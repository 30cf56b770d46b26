package dev.clusterby.internal.cluster.hdbscan;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which rows the clustering layout weights by the cosine distance: those of unit length, as embeddings are. */
class ReductionTest {
    @Test
    void unitRowsAreTakenAsEmbeddingsAndOthersAreNot() {
        int n = 200, d = 48;
        SplittableRandom random = new SplittableRandom(4);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextDouble() - 0.5);
        assertFalse(Reduction.unitLength(x, n, d), "raw features");
        Reduction.normalise(x, n, d);
        assertTrue(Reduction.unitLength(x, n, d), "L2-normalised rows");
        // a quantised encoder's rows are unit length to about 0.5%: still an embedding
        for (int j = 0; j < d; j++) x[j] *= 1.005f;
        assertTrue(Reduction.unitLength(x, n, d), "one row 0.5% long");
        // one row of another length (hog-pca features vary by ±14%) makes it an ordinary matrix
        for (int j = 0; j < d; j++) x[d + j] *= 1.1f;
        assertFalse(Reduction.unitLength(x, n, d), "one row 10% long");
    }
}
