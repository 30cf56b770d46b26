package dev.clusterby.internal.instruct;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackend.Similarity;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The instruction transforms: each turns an n×d embedding into the view that is clustered instead. Views live in
 * the caller's arena; nothing here knows about panels or columns.
 */
public final class Steering {
    /** A candidate this close (cosine) to one already chosen says the same thing: skipped. */
    static final double NEAR_DUPLICATE = 0.97;
    /** Discover stops at a phrase whose z-score is under this fraction of the best one's ... */
    static final double RELATIVE_CUT = 0.5;
    /** ... once it has at least this many. An attribute read from the rows needs at least this many values too. */
    static final int MIN_PHRASES = 3;
    /** A value of an attribute may share at most this fraction of its rows with the values already chosen. */
    static final double OVERLAP = 0.02;

    private Steering() {}

    /**
     * A view to cluster.
     *
     * @param matrix  n×w rows, in the caller's arena
     * @param phrases the prompts spanning a subspace (empty for mask)
     * @param dims    the dimensions a mask kept, most important first (empty otherwise)
     * @param basis   the subspace's orthonormal rows (r×d), or null for a mask
     */
    public record View(FloatMatrix matrix, List<String> phrases, int[] dims, double[][] basis) {}

    /** The items restricted to the dimensions, in that order: the mask's view, applied again to new rows. */
    public static FloatMatrix select(FloatMatrix items, int[] dims, Arena arena) {
        FloatMatrix out = Segments.matrix(arena, items.rows(), dims.length);
        for (int i = 0; i < items.rows(); i++) {
            for (int c = 0; c < dims.length; c++) out.set(i, c, items.get(i, dims[c]));
        }
        return out;
    }

    /** The items' coordinates on the orthonormal basis rows: the subspace's view, applied again to new rows. */
    public static FloatMatrix project(FloatMatrix items, double[][] basis, Arena arena) {
        FloatMatrix out = Segments.matrix(arena, items.rows(), basis.length);
        Subspace.project(items, basis, out);
        return out;
    }

    /** One text's embedding, from memory when it was embedded before. */
    public static float[] embed(Encoder encoder, String text) {
        return TextVectors.embed(encoder, text);
    }

    /** The texts' embeddings (rows, in {@code arena}); cached in memory, and on disk as a list when {@code disk} is given. */
    public static FloatMatrix embed(Encoder encoder, List<String> texts, EmbeddingCache disk, Arena arena) {
        return TextVectors.embed(encoder, texts, disk, arena);
    }

    /**
     * The mask: per dimension, the mean over items of |∂s/∂x_j| where s is the items' similarity to the instruction
     * vector t (for DOT that gradient is t itself; for COSINE it depends on each item), then the items restricted to
     * the {@code topK} dimensions of largest mean (ties to the lower index), as a new n×topK matrix.
     */
    public static View mask(FloatMatrix items, float[] instruction, Similarity similarity, int topK,
                            ComputeBackend backend, Arena arena) {
        int d = items.cols();
        requireWidth(instruction.length, d);
        if (topK > d) {
            throw new ClusterbyException.BadOption("top-k", topK + " is more than the embedding's " + d + " dimensions");
        }
        double[] gradient = meanAbsGradient(items, instruction, similarity, backend);
        int[] dims = TopK.largest(gradient, topK);
        return new View(select(items, dims, arena), List.of(), dims, null);
    }

    /** The mask statistic on the backend's kernel, as a heap array. */
    static double[] meanAbsGradient(FloatMatrix items, float[] instruction, Similarity similarity, ComputeBackend backend) {
        try (Arena scratch = Arena.ofShared()) {
            MemorySegment t = Segments.copyOf(scratch, instruction);
            MemorySegment out = Segments.doubles(scratch, items.cols());
            backend.meanAbsGradient(items, t, similarity, out);
            return Segments.toDoubleArray(out, items.cols());
        }
    }

    /**
     * The items' coordinates in the span of the centred prompt embeddings (orthonormalised, dependent directions
     * dropped): an n×r view with r ≤ prompts − 1. Centring removes what all prompts share ("photo with a … background"),
     * so only the differences between the values remain.
     */
    public static View subspace(FloatMatrix items, FloatMatrix prompts, List<String> promptTexts, Arena arena) {
        requireWidth(prompts.cols(), items.cols());
        double[][] basis = Subspace.basis(prompts);
        if (basis.length == 0) {
            throw new ClusterbyException.InvalidData("the prompts " + promptTexts + " embed to the same vector; give values that differ");
        }
        return new View(project(items, basis, arena), List.copyOf(promptTexts), new int[0], basis);
    }

    /**
     * Candidate phrases for discover and, for a text column, the rows each one occurs in (same order); {@code rows}
     * is empty for a built-in word list, which has no rows.
     */
    public record Candidates(List<String> phrases, List<BitSet> rows) {
        public Candidates {
            phrases = List.copyOf(phrases);
            rows = List.copyOf(rows);
            if (!rows.isEmpty() && rows.size() != phrases.size()) {
                throw new IllegalArgumentException(rows.size() + " row sets for " + phrases.size() + " phrases");
            }
        }
    }

    /**
     * The share of the {@code rows} rows that contain at least one of {@code chosen}, or NaN for candidates without
     * rows (a built-in word list).
     */
    public static double coverage(Candidates candidates, List<String> chosen, int rows) {
        if (candidates.rows().isEmpty() || rows == 0) return Double.NaN;
        BitSet covered = new BitSet(rows);
        for (String phrase : chosen) {
            int at = candidates.phrases().indexOf(phrase);
            if (at >= 0) covered.or(candidates.rows().get(at));
        }
        return (double) covered.cardinality() / rows;
    }

    /** Candidate phrases from a text column: its frequent 1- to 3-word n-grams (see {@link Phrases#fromTexts}), with their rows. */
    public static Candidates candidatesFromTexts(List<String> texts) {
        Phrases.Found found = Phrases.withRows(texts, Phrases.floor(texts.size()), Phrases.DEFAULT_CAP);
        return new Candidates(found.phrases(), found.rows());
    }

    /** Candidate phrases for an image column: the built-in colour, texture, background and object words (no rows). */
    public static Candidates visualCandidates() {
        return new Candidates(Phrases.visualWords(), List.of());
    }

    /**
     * Discover: up to {@code count} candidates that stand for the attribute the instruction names, best first.
     * With rows (a text column) it picks an attribute, a set of phrases that split the rows between them (see
     * {@link #attribute}); without rows, or when no such set is like the instruction, it ranks phrases one by one
     * (see {@link #ranked}). Never chosen: a phrase made only of the instruction's own words (in "group by colour",
     * "colour" names the attribute, not a value of it), one within {@link #NEAR_DUPLICATE} cosine of a chosen one,
     * and one containing or contained in a chosen one.
     */
    public static List<String> discover(Encoder encoder, Candidates candidates, String instruction, int count,
                                        EmbeddingCache disk) {
        if (candidates.phrases().size() < 2) {
            throw new ClusterbyException.InvalidData("discover found " + candidates.phrases().size() + " candidate phrase(s);"
                    + " the column has too little repeated text. Give values instead (--template, --values)");
        }
        float[] t = embed(encoder, instruction);
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix vectors = embed(encoder, candidates.phrases(), disk, arena);
            return choose(vectors, candidates, t, instruction, count);
        }
    }

    /** The selection of {@link #discover}, on embedded candidates. */
    static List<String> choose(FloatMatrix vectors, Candidates candidates, float[] instruction, String instructionText,
                               int count) {
        Scored scored = score(vectors, candidates.phrases(), instruction, instructionText);
        List<String> set = candidates.rows().isEmpty() ? List.of() : attribute(scored, candidates.rows(), count);
        return set.isEmpty() ? ranked(scored, count) : set;
    }

    /** Each candidate's cosine to the instruction as a z-score over all candidates, and which may be chosen at all. */
    record Scored(FloatMatrix vectors, List<String> phrases, double[] z, boolean[] eligible) {}

    static Scored score(FloatMatrix vectors, List<String> candidates, float[] instruction, String instructionText) {
        int m = vectors.rows(), d = vectors.cols();
        Set<String> own = Set.of(instructionText.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}'-]+"));
        double[] score = new double[m];
        double tNorm = Math.sqrt(dot(instruction, instruction));
        for (int i = 0; i < m; i++) {
            double s = 0, norm = 0;
            for (int j = 0; j < d; j++) {
                float x = vectors.get(i, j);
                s += x * instruction[j];
                norm += x * x;
            }
            score[i] = norm == 0 || tNorm == 0 ? Double.NEGATIVE_INFINITY : s / (Math.sqrt(norm) * tNorm);
        }
        // Scores as z-scores over all candidates, so the cuts below mean the same for encoders whose cosines
        // crowd near 0.7 (bge) and ones that spread them out (MiniLM).
        double mean = 0, square = 0;
        int finite = 0;
        for (double v : score) {
            if (Double.isInfinite(v)) continue;
            mean += v;
            square += v * v;
            finite++;
        }
        mean /= Math.max(finite, 1);
        double spread = Math.sqrt(Math.max(square / Math.max(finite, 1) - mean * mean, 1e-12));
        double[] z = new double[m];
        boolean[] eligible = new boolean[m];
        for (int i = 0; i < m; i++) {
            z[i] = (score[i] - mean) / spread;
            eligible[i] = Double.isFinite(z[i]) && !own.containsAll(List.of(candidates.get(i).toLowerCase(Locale.ROOT).split(" ")));
        }
        return new Scored(vectors, candidates, z, eligible);
    }

    /**
     * The values of one attribute, read from the rows. Values of an attribute split the rows between them: each row
     * says one colour, one kind of object, one skin tone, so the values rarely share a row and together cover most
     * rows. The instruction alone is often too vague to rank the values first ("the kind of object" is nearer
     * "triangle" and "medium" than "heart" or "book"), but it does tell which such split is meant.
     *
     * <p>So: from each seed (a phrase scoring at least {@link #RELATIVE_CUT} of the best z-score, at most
     * {@code count} of them, best first) grow a split by adding, while fewer than {@code count}, the phrase in the
     * most rows that shares at most {@link #OVERLAP} of its rows with those already covered (ties to the higher
     * score); this step does not look at the instruction. Each split of at least {@link #MIN_PHRASES} phrases (or {@code count}, if fewer) scores
     * its phrases' mean z-score weighted by their rows (how like the instruction the rows' values are); the best
     * wins, if that score is above 0 (the attribute is more like the instruction than the average phrase). Returns
     * its phrases best first, or an empty list when no split qualifies.
     */
    static List<String> attribute(Scored scored, List<BitSet> rowSets, int count) {
        int m = scored.phrases().size();
        double[] z = scored.z();
        long[][] rows = new long[m][];
        int words = 0;
        for (int i = 0; i < m; i++) {
            rows[i] = rowSets.get(i).toLongArray();
            words = Math.max(words, rows[i].length);
        }
        int[] size = new int[m];
        for (int i = 0; i < m; i++) size[i] = rowSets.get(i).cardinality();
        List<Integer> byRows = new ArrayList<>();
        for (int i = 0; i < m; i++) if (scored.eligible()[i]) byRows.add(i);
        byRows.sort(Comparator.<Integer>comparingInt(i -> -size[i]).thenComparingDouble(i -> -z[i]).thenComparingInt(i -> i));

        int[] ranked = TopK.largest(z, m);
        double top = Double.NaN;
        List<Integer> best = List.of();
        double bestScore = 0;
        int seeds = 0;
        for (int seed : ranked) {
            if (!scored.eligible()[seed]) continue;
            if (Double.isNaN(top)) top = z[seed];
            if (seeds++ == count || z[seed] < RELATIVE_CUT * top) break;
            List<Integer> chosen = new ArrayList<>(List.of(seed));
            long[] covered = new long[words];
            or(covered, rows[seed]);
            while (chosen.size() < count) {
                int next = -1;
                for (int c : byRows) {
                    if (!chosen.contains(c) && overlap(rows[c], covered) <= OVERLAP * size[c]
                            && !sameAsChosen(scored, c, chosen, false)) {
                        next = c;
                        break;
                    }
                }
                if (next < 0) break;
                chosen.add(next);
                or(covered, rows[next]);
            }
            if (chosen.size() < Math.min(MIN_PHRASES, count)) continue;
            double weighted = 0, total = 0;
            for (int c : chosen) {
                weighted += size[c] * z[c];
                total += size[c];
            }
            double setScore = weighted / total;
            if (setScore > bestScore) {
                bestScore = setScore;
                best = chosen;
            }
        }
        return best.stream().sorted(Comparator.<Integer>comparingDouble(i -> -z[i]).thenComparingInt(i -> i))
                .map(scored.phrases()::get).toList();
    }

    private static int overlap(long[] a, long[] covered) {
        int n = 0;
        for (int w = 0; w < Math.min(a.length, covered.length); w++) n += Long.bitCount(a[w] & covered[w]);
        return n;
    }

    private static void or(long[] covered, long[] a) {
        for (int w = 0; w < a.length; w++) covered[w] |= a[w];
    }

    /**
     * Phrases ranked one by one by z-score, best first, skipping the ineligible and those {@link #sameAsChosen}. The
     * list ends early, after at least {@link #MIN_PHRASES}, at the first phrase whose z-score is under
     * {@link #RELATIVE_CUT} of the best one's.
     */
    static List<String> ranked(Scored scored, int count) {
        double[] z = scored.z();
        int[] ranked = TopK.largest(z, z.length);
        List<Integer> chosen = new ArrayList<>();
        double top = Double.NaN;
        for (int i : ranked) {
            if (chosen.size() == count) break;
            if (!scored.eligible()[i]) continue;
            // Values of the attribute stand out together; once a phrase scores under half the best, it is about
            // something else (the items' other attributes), and would only add their directions.
            if (chosen.size() >= MIN_PHRASES && z[i] < RELATIVE_CUT * top) break;
            if (sameAsChosen(scored, i, chosen, true)) continue;
            if (chosen.isEmpty()) top = z[i];
            chosen.add(i);
        }
        return chosen.stream().map(scored.phrases()::get).toList();
    }

    /**
     * Whether candidate i says what a chosen one says: containing or contained in it ("red circle" after "red" adds
     * a second attribute, the shape; "dark skin" after "dark skin tone" repeats a value), or, when {@code near},
     * within {@link #NEAR_DUPLICATE} cosine of it. An attribute's values skip the cosine test: phrases on different
     * rows are different values, however alike they embed ("medium-light skin tone" and "light skin tone").
     */
    private static boolean sameAsChosen(Scored scored, int i, List<Integer> chosen, boolean near) {
        List<String> words = List.of(scored.phrases().get(i).split(" "));
        for (int c : chosen) {
            List<String> other = List.of(scored.phrases().get(c).split(" "));
            if (words.containsAll(other) || other.containsAll(words)) return true;
            if (near && cosine(scored.vectors(), i, c) > NEAR_DUPLICATE) return true;
        }
        return false;
    }

    private static double cosine(FloatMatrix v, int a, int b) {
        double s = 0, na = 0, nb = 0;
        for (int j = 0; j < v.cols(); j++) {
            double x = v.get(a, j), y = v.get(b, j);
            s += x * y;
            na += x * x;
            nb += y * y;
        }
        return na == 0 || nb == 0 ? 0 : s / Math.sqrt(na * nb);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (double) a[j] * b[j];
        return s;
    }

    private static void requireWidth(int got, int want) {
        if (got != want) {
            throw new ClusterbyException.InvalidData("the instruction embeds to " + got + " dimensions but the column's"
                    + " embedding has " + want + "; embed both with the same encoder");
        }
    }
}
