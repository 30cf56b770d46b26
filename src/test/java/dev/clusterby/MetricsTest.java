package dev.clusterby;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTest {
    @Test
    void matchesScikitLearn() {
        // Reference values from scikit-learn 1.2.1 (Debian python3-sklearn):
        // adjusted_rand_score / normalized_mutual_info_score on these labels.
        int[] truth = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] predicted = {0, 0, 1, 1, 1, 2, 2, 2, 0, 0};
        assertEquals(0.09090909090909091, Metrics.adjustedRandIndex(truth, predicted), 1e-12);
        assertEquals(0.39464837163589433, Metrics.normalizedMutualInfo(truth, predicted), 1e-12);
        assertEquals(1.0, Metrics.adjustedRandIndex(new int[]{0, 0, 1, 1}, new int[]{7, 7, 3, 3}), 1e-12);
        assertEquals(1.0, Metrics.normalizedMutualInfo(new int[]{0, 0, 1, 1}, new int[]{7, 7, 3, 3}), 1e-12);
    }
}
