package dev.clusterby.instruct;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackend.Similarity;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.compute.Segments;
import dev.clusterby.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
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
    /** ... once it has at least this many. */
    static final int MIN_PHRASES = 3;

    private Steering() {}

    /**
     * A view to cluster.
     *
     * @param matrix  n×w rows, in the caller's arena
     * @param phrases the prompts spanning a subspace (empty for mask)
     * @param dims    the dimensions a mask kept, most important first (empty otherwise)
     */
    public record View(FloatMatrix matrix, List<String> phrases, int[] dims) {}

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
        FloatMatrix out = Segments.matrix(arena, items.rows(), dims.length);
        for (int i = 0; i < items.rows(); i++) {
            for (int c = 0; c < dims.length; c++) out.set(i, c, items.get(i, dims[c]));
        }
        return new View(out, List.of(), dims);
    }

    /** The mask statistic on the backend's kernel, as a heap array. */
    static double[] meanAbsGradient(FloatMatrix items, float[] instruction, Similarity similarity, ComputeBackend backend) {
        try (Arena scratch = Arena.ofConfined()) {
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
        FloatMatrix out = Segments.matrix(arena, items.rows(), basis.length);
        Subspace.project(items, basis, out);
        return new View(out, List.copyOf(promptTexts), new int[0]);
    }

    /** Candidate phrases from a text column: its frequent 1- to 3-word n-grams (see {@link Phrases#fromTexts}). */
    public static List<String> candidatesFromTexts(List<String> texts) {
        return Phrases.fromTexts(texts, Phrases.floor(texts.size()), Phrases.DEFAULT_CAP);
    }

    /** Candidate phrases for an image column: the built-in colour, texture, background and object words. */
    public static List<String> visualCandidates() {
        return Phrases.visualWords();
    }

    /**
     * Discover: up to {@code count} candidates most similar (cosine) to the instruction, best first. Skipped: any made
     * only of the instruction's own words (in "group by colour", "colour" names the attribute, not a value of it), any
     * within {@link #NEAR_DUPLICATE} cosine of a chosen one, and any containing or contained in a chosen one. The list
     * ends early, after at least {@link #MIN_PHRASES}, at the first phrase whose z-score (over all candidates) is under
     * {@link #RELATIVE_CUT} of the best one's.
     */
    public static List<String> discover(Encoder encoder, List<String> candidates, String instruction, int count,
                                        EmbeddingCache disk) {
        if (candidates.size() < 2) {
            throw new ClusterbyException.InvalidData("discover found " + candidates.size() + " candidate phrase(s); the column"
                    + " has too little repeated text. Give values instead (--template, --values)");
        }
        float[] t = embed(encoder, instruction);
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix vectors = embed(encoder, candidates, disk, arena);
            return choose(vectors, candidates, t, instruction, count);
        }
    }

    /** The ranking and diversity rule of {@link #discover}, on embedded candidates. */
    static List<String> choose(FloatMatrix vectors, List<String> candidates, float[] instruction, String instructionText,
                               int count) {
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
        // Scores as z-scores over all candidates, so the cut below means the same for encoders whose cosines
        // crowd near 0.7 (bge) and ones that spread them out (MiniLM).
        double mean = 0, square = 0;
        for (double v : score) {
            mean += v;
            square += v * v;
        }
        mean /= m;
        double spread = Math.sqrt(Math.max(square / m - mean * mean, 1e-12));
        int[] ranked = TopK.largest(score, m);
        List<Integer> chosen = new ArrayList<>();
        double top = Double.NaN;
        for (int i : ranked) {
            if (chosen.size() == count) break;
            if (own.containsAll(List.of(candidates.get(i).toLowerCase(Locale.ROOT).split(" ")))) continue;
            double z = (score[i] - mean) / spread;
            // Values of the attribute stand out together; once a phrase scores under half the best, it is about
            // something else (the items' other attributes), and would only add their directions.
            if (chosen.size() >= MIN_PHRASES && z < RELATIVE_CUT * top) break;
            List<String> words = List.of(candidates.get(i).split(" "));
            boolean duplicate = false;
            // "red circle" after "red" adds a second attribute (the shape), and "dark skin" after "dark skin tone"
            // repeats a value: a phrase containing or contained in a chosen one is skipped too.
            for (int c : chosen) {
                List<String> other = List.of(candidates.get(c).split(" "));
                duplicate |= cosine(vectors, i, c) > NEAR_DUPLICATE || words.containsAll(other) || other.containsAll(words);
            }
            if (duplicate) continue;
            if (chosen.isEmpty()) top = z;
            chosen.add(i);
        }
        return chosen.stream().map(candidates::get).toList();
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
