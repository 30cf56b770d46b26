package dev.clusterby.internal.instruct;

import dev.clusterby.ClusterbyException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Candidate phrases for {@code discover}: the column's own frequent n-grams, or a built-in visual word list. */
final class Phrases {
    static final int MAX_N = 3;
    static final int DEFAULT_CAP = 2000;

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’-][\\p{L}\\p{N}]+)*");
    /** N-grams never span these, so "red. Blue" gives no "red blue". */
    private static final Pattern BREAK = Pattern.compile("[.,;:!?()\\[\\]{}\"“”|/\\\\\\n\\r\\t]+");
    private static final Set<String> STOP = Set.of(
            "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "with", "from",
            "into", "onto", "over", "under", "as", "than", "then", "so", "if", "is", "are", "was", "were", "be", "been",
            "being", "am", "it", "its", "it's", "this", "that", "these", "those", "there", "here", "i", "me", "my", "we",
            "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their", "not", "no", "do", "does",
            "did", "have", "has", "had", "will", "would", "can", "could", "should", "may", "might", "must", "shall",
            "s", "t", "re", "ve", "ll", "d", "m", "up", "out", "off", "about", "just", "also", "very", "too", "all",
            "any", "some", "such", "own", "same", "other", "each", "more", "most", "which", "who", "whom", "what",
            "when", "where", "why", "how", "via", "per", "etc");

    private Phrases() {}

    /** The frequency floor for n rows: a phrase must occur in at least this many rows. */
    static int floor(int rows) {
        return Math.max(2, (int) Math.ceil(rows * 0.002));
    }

    /**
     * Candidate phrases and, for each, the rows it occurs in (same order). Discover reads the rows to find phrases
     * that split the column between them, as the values of one attribute do.
     */
    record Found(List<String> phrases, List<BitSet> rows) {
        Found {
            phrases = List.copyOf(phrases);
            rows = List.copyOf(rows);
        }
    }

    /**
     * Lower-cased 1- to 3-word n-grams of the texts that occur in at least {@code minRows} rows, with no stop-word at
     * either edge and not only digits; the {@code cap} most frequent (ties in alphabetical order, so runs repeat).
     */
    static List<String> fromTexts(List<String> texts, int minRows, int cap) {
        return withRows(texts, minRows, cap).phrases();
    }

    /** {@link #fromTexts}, with the rows (indices into {@code texts}) each phrase occurs in. */
    static Found withRows(List<String> texts, int minRows, int cap) {
        // Rows as growing int lists while counting: most n-grams are rare, and a BitSet each would cost up to n/8 bytes.
        Map<String, RowList> rowsWith = new HashMap<>();
        for (int row = 0; row < texts.size(); row++) {
            String text = texts.get(row);
            if (text == null) continue;
            Set<String> inRow = new HashSet<>();
            for (String piece : BREAK.split(text.toLowerCase(Locale.ROOT))) {
                List<String> words = new ArrayList<>();
                Matcher m = WORD.matcher(piece);
                while (m.find()) words.add(m.group().replace('’', '\''));
                for (int i = 0; i < words.size(); i++) {
                    if (STOP.contains(words.get(i)) || isNumber(words.get(i))) continue;
                    for (int n = 1; n <= MAX_N && i + n <= words.size(); n++) {
                        String last = words.get(i + n - 1);
                        if (STOP.contains(last) || isNumber(last)) continue;
                        inRow.add(String.join(" ", words.subList(i, i + n)));
                    }
                }
            }
            for (String phrase : inRow) rowsWith.computeIfAbsent(phrase, p -> new RowList()).add(row);
        }
        List<Map.Entry<String, RowList>> kept = rowsWith.entrySet().stream()
                .filter(e -> e.getValue().size >= minRows)
                .sorted(Map.Entry.<String, RowList>comparingByValue((a, b) -> Integer.compare(b.size, a.size))
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(cap)
                .toList();
        return new Found(kept.stream().map(Map.Entry::getKey).toList(), kept.stream().map(e -> e.getValue().toBitSet()).toList());
    }

    private static final class RowList {
        int[] rows = new int[2];
        int size;

        void add(int row) {
            if (size == rows.length) rows = Arrays.copyOf(rows, size * 2);
            rows[size++] = row;
        }

        BitSet toBitSet() {
            BitSet out = new BitSet();
            for (int i = 0; i < size; i++) out.set(rows[i]);
            return out;
        }
    }

    private static boolean isNumber(String word) {
        for (int i = 0; i < word.length(); i++) if (!Character.isDigit(word.charAt(i))) return false;
        return true;
    }

    /** The built-in list of colour, texture, background and object words, for image columns. */
    static List<String> visualWords() {
        try (InputStream in = Phrases.class.getResourceAsStream("visual-words.txt")) {
            if (in == null) throw new ClusterbyException("the resource dev/clusterby/instruct/visual-words.txt is missing from the jar");
            Set<String> words = new LinkedHashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String word = line.strip().toLowerCase(Locale.ROOT);
                if (!word.isEmpty() && !word.startsWith("#")) words.add(word);
            }
            return List.copyOf(words);
        } catch (IOException e) {
            throw new ClusterbyException("cannot read the built-in visual word list", e);
        }
    }
}
