package dev.clusterby.internal.instruct;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Candidate phrases for discover. */
class PhrasesTest {
    @Test
    void frequentNgramsWithoutStopWordsAtTheEdges() {
        List<String> texts = List.of("The red circle", "a red circle.", "Red square of paper", "blue square", "red square");
        List<String> phrases = Phrases.fromTexts(texts, 2, 100);
        assertEquals(List.of("red", "square", "circle", "red circle", "red square"), phrases, "by rows, ties alphabetical");
        assertFalse(phrases.contains("the red"), "a stop-word at the edge is dropped");
        assertEquals(List.of("red", "square"), Phrases.fromTexts(texts, 2, 2), "the cap keeps the most frequent");
        // A phrase counts once per row, and never spans punctuation.
        assertEquals(List.of(), Phrases.fromTexts(List.of("red red red. circle"), 2, 100));
        assertTrue(Phrases.fromTexts(List.of("red. circle", "red. circle"), 1, 100).stream().noneMatch(p -> p.equals("red circle")));
    }

    @Test
    void eachPhraseComesWithTheRowsItOccursIn() {
        List<String> texts = List.of("The red circle", "blue circle", "red square", "red red. circle", "a red circle");
        Phrases.Found found = Phrases.withRows(texts, 2, 100);
        assertEquals(List.of("circle", "red", "red circle"), found.phrases());
        assertEquals(BitSet.valueOf(new long[] {0b11011}), found.rows().get(0), "circle: rows 0, 1, 3, 4");
        assertEquals(BitSet.valueOf(new long[] {0b11101}), found.rows().get(1), "red: rows 0, 2, 3, 4");
        assertEquals(BitSet.valueOf(new long[] {0b10001}), found.rows().get(2), "red circle: rows 0 and 4, never across the full stop");
        assertEquals(found.phrases(), Phrases.fromTexts(texts, 2, 100));
    }

    @Test
    void floorGrowsWithTheRows() {
        assertEquals(2, Phrases.floor(50));
        assertEquals(4, Phrases.floor(2000));
    }

    @Test
    void visualWordsShipWithTheJar() {
        List<String> words = Phrases.visualWords();
        assertTrue(words.size() > 50);
        assertTrue(words.containsAll(List.of("red", "striped", "grass", "dog")));
        assertFalse(words.stream().anyMatch(w -> w.startsWith("#") || w.isBlank()));
    }
}
