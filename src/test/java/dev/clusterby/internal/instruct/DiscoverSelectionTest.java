package dev.clusterby.internal.instruct;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Discover's selection on hand-made vectors. Eight items: red circle, blue circle, red square, blue square,
 * red pointed star, blue star, green circle, green square. The colours split the rows between them, and so do the
 * shapes; "pointed" is on one row only.
 */
class DiscoverSelectionTest {
    static final List<String> PHRASES = List.of("red", "blue", "green", "circle", "square", "star", "pointed");
    static final int[][] ROWS = {{0, 2, 4}, {1, 3, 5}, {6, 7}, {0, 1, 6}, {2, 3, 7}, {4, 5}, {4}};
    /** Unit vectors: the colours in the (x, y) plane, the shapes in (x, z); blue and green embed almost alike. */
    static final float[][] VECTORS = {
            {0.95f, 0.312f, 0}, {0.5f, 0.866f, 0}, {0.45f, 0.893f, 0},
            {0.82f, 0, 0.572f}, {0.78f, 0, 0.626f}, {0.76f, 0, 0.65f}, {0.3f, 0, 0.954f}};

    final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    FloatMatrix vectors() {
        FloatMatrix m = Segments.matrix(arena, VECTORS.length, 3);
        for (int i = 0; i < VECTORS.length; i++) for (int j = 0; j < 3; j++) m.set(i, j, VECTORS[i][j]);
        return m;
    }

    static Steering.Candidates withRows(int[][] rows) {
        List<BitSet> sets = java.util.Arrays.stream(rows).map(r -> {
            BitSet b = new BitSet();
            for (int row : r) b.set(row);
            return b;
        }).toList();
        return new Steering.Candidates(PHRASES, sets);
    }

    @Test
    void theSplitMostLikeTheInstructionWinsWithAllItsValues() {
        // "red" is the single phrase nearest this instruction, but the shapes as a whole are nearer than the colours:
        // the shapes are chosen, "star" too although it is less like the instruction than "red".
        float[] t = {1, 0, 0};
        assertEquals(List.of("circle", "square", "star"), Steering.choose(vectors(), withRows(ROWS), t, "by x", 12));
        // Ranked one by one (no rows, as for images) the same instruction takes "red" first, then "circle", and skips
        // the other shapes as near-duplicates of it (in these vectors they embed almost alike).
        assertEquals(List.of("red", "circle", "blue"),
                Steering.choose(vectors(), new Steering.Candidates(PHRASES, List.of()), t, "by x", 12));
    }

    @Test
    void anotherInstructionPicksTheOtherSplitEvenWhereItsValuesEmbedAlike() {
        float[] t = {0.6f, 0.8f, 0};
        // blue and green are within NEAR_DUPLICATE cosine, but on different rows they are different values.
        assertTrue(cosine(VECTORS[1], VECTORS[2]) > Steering.NEAR_DUPLICATE);
        assertEquals(List.of("blue", "green", "red"), Steering.choose(vectors(), withRows(ROWS), t, "by y", 12));
    }

    @Test
    void countCapsTheSplitAndTheInstructionsOwnWordsAreNeverValues() {
        float[] t = {1, 0, 0};
        assertEquals(List.of("circle", "square"), Steering.choose(vectors(), withRows(ROWS), t, "by x", 2));
        // With "circle" named in the instruction, no shape split of three is left; the colours are the split.
        assertEquals(List.of("red", "blue", "green"),
                Steering.choose(vectors(), withRows(ROWS), t, "group by circle", 12));
    }

    @Test
    void withoutASplitItFallsBackToTheRanking() {
        // Every phrase on every row: nothing splits the rows, so the phrases are ranked one by one.
        int[][] everywhere = new int[PHRASES.size()][];
        for (int i = 0; i < everywhere.length; i++) everywhere[i] = new int[] {0, 1, 2, 3, 4, 5, 6, 7};
        float[] t = {1, 0, 0};
        assertEquals(List.of("red", "circle", "blue"), Steering.choose(vectors(), withRows(everywhere), t, "by x", 12));
    }

    static double cosine(float[] a, float[] b) {
        double s = 0, na = 0, nb = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return s / Math.sqrt(na * nb);
    }

    @Test
    void coverageIsTheShareOfRowsWithAChosenPhrase() {
        BitSet red = new BitSet(), blue = new BitSet(), big = new BitSet();
        red.set(0, 3);
        blue.set(3, 5);
        big.set(1, 9);
        Steering.Candidates candidates = new Steering.Candidates(List.of("red", "blue", "big"), List.of(red, blue, big));
        assertEquals(0.5, Steering.coverage(candidates, List.of("red", "blue"), 10), 1e-12);
        assertEquals(0.9, Steering.coverage(candidates, List.of("red", "big"), 10), 1e-12);
        assertTrue(Double.isNaN(Steering.coverage(new Steering.Candidates(List.of("red"), List.of()), List.of("red"), 10)));
    }
}
