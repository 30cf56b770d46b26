package dev.clusterby.internal.instruct;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackend.Similarity;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.compute.java.ScalarBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** The mask's math: its gradients against finite differences, the DOT case, top-k against a full sort. */
class MaskMathTest {
    private static final int N = 40, D = 24;

    private static List<ComputeBackend> backends() {
        ComputeBackend fastest = ComputeBackends.defaultBackend();
        ComputeBackend scalar = ComputeBackends.get("scalar");
        return fastest.name().equals(scalar.name()) ? List.of(scalar) : List.of(scalar, fastest);
    }

    private static FloatMatrix randomPoints(Arena arena, SplittableRandom random) {
        FloatMatrix m = Segments.matrix(arena, N, D);
        for (int i = 0; i < N; i++) for (int j = 0; j < D; j++) m.set(i, j, (float) random.nextGaussian());
        return m;
    }

    private static float[] randomVector(SplittableRandom random) {
        float[] t = new float[D];
        for (int j = 0; j < D; j++) t[j] = (float) random.nextGaussian();
        return t;
    }

    /** cos(x, t) in double. */
    private static double cosine(double[] x, float[] t) {
        double dot = 0, xx = 0, tt = 0;
        for (int j = 0; j < x.length; j++) {
            dot += x[j] * t[j];
            xx += x[j] * x[j];
            tt += (double) t[j] * t[j];
        }
        return dot / Math.sqrt(xx * tt);
    }

    @Test
    void cosineGradientMatchesCentralDifferences() {
        SplittableRandom random = new SplittableRandom(3);
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix points = randomPoints(arena, random);
            float[] t = randomVector(random);
            double h = 1e-5;
            double[] expected = new double[D];
            for (int i = 0; i < N; i++) {
                double[] x = new double[D];
                for (int j = 0; j < D; j++) x[j] = points.get(i, j);
                for (int j = 0; j < D; j++) {
                    double keep = x[j];
                    x[j] = keep + h;
                    double up = cosine(x, t);
                    x[j] = keep - h;
                    double down = cosine(x, t);
                    x[j] = keep;
                    expected[j] += Math.abs((up - down) / (2 * h)) / N;
                }
            }
            for (ComputeBackend backend : backends()) {
                double[] got = Steering.meanAbsGradient(points, t, Similarity.COSINE, backend);
                for (int j = 0; j < D; j++) {
                    assertEquals(expected[j], got[j], 1e-7 + 1e-5 * Math.abs(expected[j]), backend.name() + " dimension " + j);
                }
            }
        }
    }

    @Test
    void dotGradientIsAbsoluteInstruction() {
        SplittableRandom random = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix points = randomPoints(arena, random);
            float[] t = randomVector(random);
            for (ComputeBackend backend : backends()) {
                double[] got = Steering.meanAbsGradient(points, t, Similarity.DOT, backend);
                for (int j = 0; j < D; j++) assertEquals(Math.abs(t[j]), got[j], 1e-6, backend.name() + " dimension " + j);
            }
            // So the DOT mask keeps exactly the largest |t_j|.
            Steering.View view = Steering.mask(points, t, Similarity.DOT, 5, new ScalarBackend(), arena);
            Integer[] order = IntStream.range(0, D).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -Math.abs(t[j])));
            for (int c = 0; c < 5; c++) assertEquals(order[c], view.dims()[c]);
            for (int i = 0; i < N; i++) for (int c = 0; c < 5; c++) assertEquals(points.get(i, view.dims()[c]), view.matrix().get(i, c));
        }
    }

    @Test
    void topKMatchesAFullSortWithTiesToTheLowerIndex() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(300);
            double[] scores = new double[n];
            // Few distinct values, so ties are common.
            for (int i = 0; i < n; i++) scores[i] = random.nextInt(trial % 2 == 0 ? 5 : 1000) / 7.0;
            int k = random.nextInt(n + 1);
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, TopK.largest(scores, k), "trial " + trial);
        }
        assertArrayEquals(new int[]{1, 2, 0}, TopK.largest(new double[]{Double.NaN, 3, 3}, 5));
    }

    @Test
    void subspaceBasisIsOrthonormalAndDropsDependentPrompts() {
        SplittableRandom random = new SplittableRandom(9);
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix prompts = Segments.matrix(arena, 5, D);
            for (int i = 0; i < 4; i++) for (int j = 0; j < D; j++) prompts.set(i, j, (float) random.nextGaussian());
            // The fifth is the mean of the first two: after centring it adds no direction.
            for (int j = 0; j < D; j++) prompts.set(4, j, (prompts.get(0, j) + prompts.get(1, j)) / 2);
            double[][] basis = Subspace.basis(prompts);
            assertEquals(3, basis.length, "5 prompts with one dependent span 3 directions after centring");
            for (int a = 0; a < basis.length; a++) {
                for (int b = 0; b < basis.length; b++) {
                    assertEquals(a == b ? 1 : 0, Subspace.dot(basis[a], basis[b]), 1e-12);
                }
            }
            FloatMatrix points = randomPoints(arena, random);
            FloatMatrix out = Segments.matrix(arena, N, basis.length);
            Subspace.project(points, basis, out);
            double x00 = 0;
            for (int j = 0; j < D; j++) x00 += points.get(0, j) * basis[0][j];
            assertEquals(x00, out.get(0, 0), 1e-5);
        }
    }
}
