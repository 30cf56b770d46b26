package dev.clusterby.internal.describe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Term counts of texts grouped into classes, for keywords and name candidates. Keywords are BERTopic's class-based
 * TF-IDF over 1- and 2-grams: each class is one document, and a term weighs {@code tf(t, c) · log(1 + A / f(t))},
 * where tf is the term's share of the class's terms, A the mean number of terms per class and f(t) the term's count
 * over all classes. Frequent phrases are the 1- to 3-grams found in the most rows of a class.
 */
public final class ClassTerms {
    private static final int KEYWORD_N = 2;
    private static final int PHRASE_N = 3;

    private final List<Map<String, Integer>> counts = new ArrayList<>();
    private final List<Map<String, Integer>> rowsWith = new ArrayList<>();
    private final long[] totals;
    private final Map<String, Integer> countAll = new HashMap<>();
    private final Map<String, Integer> rowsWithAll = new HashMap<>();
    private final int rowsWithText;

    private ClassTerms(int classes) {
        totals = new long[classes];
        for (int c = 0; c < classes; c++) {
            counts.add(new HashMap<>());
            rowsWith.add(new HashMap<>());
        }
        rowsWithText = 0;
    }

    private ClassTerms(List<String> texts, int[] classOf, int classes) {
        totals = new long[classes];
        for (int c = 0; c < classes; c++) {
            counts.add(new HashMap<>());
            rowsWith.add(new HashMap<>());
        }
        int withText = 0;
        for (int row = 0; row < texts.size(); row++) {
            int c = classOf[row];
            if (c < 0) continue;
            List<List<String>> runs = Tokens.runs(texts.get(row));
            if (runs.isEmpty()) continue;
            withText++;
            Map<String, Integer> classCounts = counts.get(c);
            for (String gram : Tokens.ngrams(runs, KEYWORD_N)) {
                classCounts.merge(gram, 1, Integer::sum);
                countAll.merge(gram, 1, Integer::sum);
                totals[c]++;
            }
            Set<String> seen = new HashSet<>(Tokens.ngrams(runs, PHRASE_N));
            Map<String, Integer> classRows = rowsWith.get(c);
            for (String gram : seen) {
                classRows.merge(gram, 1, Integer::sum);
                rowsWithAll.merge(gram, 1, Integer::sum);
            }
        }
        rowsWithText = withText;
    }

    /** Counts the terms of {@code texts} (null entries are rows without text) by class; rows of class -1 are skipped. */
    public static ClassTerms count(List<String> texts, int[] classOf, int classes) {
        return new ClassTerms(texts, classOf, classes);
    }

    /** No text at all: every class has no keywords and no phrases. */
    public static ClassTerms none(int classes) {
        return new ClassTerms(classes);
    }

    /** Rows of a rare term (in fewer rows than this over all classes) are noise, not a keyword; 1 for small sets. */
    private int minRows() {
        return rowsWithText >= 20 ? 2 : 1;
    }

    /** The class's {@code top} terms by class-based TF-IDF, best first (ties alphabetically, so runs repeat). */
    public List<String> keywords(int c, int top) {
        if (totals[c] == 0) return List.of();
        long nonEmpty = 0, all = 0;
        for (long t : totals) if (t > 0) { nonEmpty++; all += t; }
        double meanTerms = (double) all / nonEmpty;
        int minRows = minRows();
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.get(c).entrySet()) {
            if (rowsWithAll.getOrDefault(e.getKey(), 0) < minRows) continue;
            double tf = (double) e.getValue() / totals[c];
            double idf = Math.log(1 + meanTerms / countAll.get(e.getKey()));
            scored.add(Map.entry(e.getKey(), tf * idf));
        }
        return best(scored, top);
    }

    /** The class's {@code top} 1- to 3-grams by the number of its rows they occur in, best first. */
    public List<String> frequentPhrases(int c, int top) {
        int minRows = minRows();
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (Map.Entry<String, Integer> e : rowsWith.get(c).entrySet()) {
            if (e.getValue() >= minRows) scored.add(Map.entry(e.getKey(), (double) e.getValue()));
        }
        return best(scored, top);
    }

    private static List<String> best(List<Map.Entry<String, Double>> scored, int top) {
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return scored.stream().limit(top).map(Map.Entry::getKey).toList();
    }
}
