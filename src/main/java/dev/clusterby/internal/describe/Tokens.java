package dev.clusterby.internal.describe;

import dev.clusterby.ClusterbyException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Words of a text for keywords and names: the JDK's word segmenter ({@link BreakIterator}, Unicode UAX #29 rules),
 * lower-cased, split into runs of content words. A stop-word, a token without a letter, or any punctuation ends a
 * run, so n-grams never span "red. Blue" or "price of oil".
 */
public final class Tokens {
    private static final Set<String> STOP_WORDS = load();

    private Tokens() {}

    /** Whether the word (lower case) is on the built-in English stop-word list. */
    public static boolean isStopWord(String word) {
        return STOP_WORDS.contains(word);
    }

    /** The runs of consecutive content words in the text; empty for null or blank text. */
    public static List<List<String>> runs(String text) {
        List<List<String>> runs = new ArrayList<>();
        if (text == null || text.isBlank()) return runs;
        String lower = text.toLowerCase(Locale.ROOT);
        BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
        words.setText(lower);
        List<String> run = new ArrayList<>();
        for (int start = words.first(), end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
            String piece = lower.substring(start, end);
            if (piece.isBlank()) continue; // spaces join words of one run
            String word = piece.replace('’', '\'');
            int apostrophe = word.indexOf('\'');
            if (apostrophe > 0) word = word.substring(0, apostrophe); // "company's" counts as "company"
            if (hasLetter(word) && word.length() > 1 && !STOP_WORDS.contains(word)) {
                run.add(word);
            } else if (!run.isEmpty()) {
                runs.add(run);
                run = new ArrayList<>();
            }
        }
        if (!run.isEmpty()) runs.add(run);
        return runs;
    }

    /** The n-grams of each run for n in {@code 1..maxN}, in order of appearance (repeats kept). */
    public static List<String> ngrams(List<List<String>> runs, int maxN) {
        List<String> out = new ArrayList<>();
        for (List<String> run : runs) {
            for (int i = 0; i < run.size(); i++) {
                StringBuilder gram = new StringBuilder();
                for (int n = 1; n <= maxN && i + n <= run.size(); n++) {
                    if (n > 1) gram.append(' ');
                    gram.append(run.get(i + n - 1));
                    out.add(gram.toString());
                }
            }
        }
        return out;
    }

    private static boolean hasLetter(String word) {
        for (int i = 0; i < word.length(); i++) if (Character.isLetter(word.charAt(i))) return true;
        return false;
    }

    private static Set<String> load() {
        try (InputStream in = Tokens.class.getResourceAsStream("stop-words.txt")) {
            if (in == null) throw new ClusterbyException("the resource dev/clusterby/internal/describe/stop-words.txt is missing from the jar");
            Set<String> words = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) words.add(word);
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new ClusterbyException("cannot read the built-in stop-word list", e);
        }
    }
}
