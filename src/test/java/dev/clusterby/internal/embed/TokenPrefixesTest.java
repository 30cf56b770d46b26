package dev.clusterby.internal.embed;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokenizing a long text from a prefix gives exactly the ids of the whole text: real Reuters articles and texts made
 * to catch a wrong cut (accents and combining marks, CJK, emoji, words past WordPiece's 100 characters, tabs and CRLF
 * at the cut), at window sizes that make the prefix shorter than most of them.
 */
class TokenPrefixesTest {
    /** Texts that stress the cut: every kind of character BERT's normaliser treats on its own, near any position. */
    static List<String> awkwardTexts() {
        Random random = new Random(5);
        String[] pieces = {"naïve", "cafe\u0301", "\u0301", "東京都", "🙂", "don't", "e-mail", "x".repeat(130), "\t", "\r\n",
                "  ", "Ünïcödé", "ﬁne", "한국어", "3.14", "<html>", "=20", "AbC", "\u00a0", "\u200b", "over-the-counter"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            StringBuilder text = new StringBuilder();
            int length = 200 + random.nextInt(2500);
            while (text.length() < length) {
                text.append(pieces[random.nextInt(pieces.length)]);
                text.append(random.nextInt(4) == 0 ? "" : " ");
            }
            texts.add(text.toString());
        }
        texts.add("y".repeat(20_000));                       // no whitespace at all: never cut
        texts.add(("z".repeat(101) + " ").repeat(300));       // one [UNK] per 102 characters: the prefix cannot fill the window
        return texts;
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 64, 128, 512})
    void aPrefixGivesTheWholeTextsIds(int maxTokens) throws IOException {
        List<String> texts = new ArrayList<>(QuantizationAgreementTest.column("/data/reuters-crude-acq.csv", "text"));
        texts.addAll(awkwardTexts());
        for (OnnxTextEncoder.Spec spec : List.of(OnnxTextEncoder.BGE_SMALL, OnnxTextEncoder.MINILM, OnnxTextEncoder.E5_SMALL)) {
            OnnxTextEncoder.Spec cut = spec.withMaxLength(Math.min(maxTokens, OnnxTextEncoder.Spec.POSITIONS));
            try (OnnxTextEncoder encoder = OnnxTextEncoder.deferred(cut)) {
                long[][] fromPrefix = encoder.tokenIds(texts);
                long[][] whole = encoder.wholeTextIds(texts);
                int prefixed = 0;
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(whole[i], fromPrefix[i], spec.id() + " at " + maxTokens + " tokens, text " + i);
                    if (TokenPrefixes.prefix(cut.prefix() + texts.get(i), cut.maxLength()).length() < cut.prefix().length() + texts.get(i).length()) prefixed++;
                }
                // The check means something only if texts were cut: at 16 and 64 tokens nearly all are.
                if (maxTokens <= 64) assertTrue(prefixed > texts.size() / 2, spec.id() + ": only " + prefixed + " texts were cut");
            }
        }
    }

    @Test
    void aPrefixEndsAfterAWhitespaceAndOnlyBertTokenizersAreCut() {
        String text = "a".repeat(100) + " tail";
        assertEquals("a".repeat(100) + " ", TokenPrefixes.prefix(text, 8));
        assertEquals(text, TokenPrefixes.prefix(text, 9));
        assertEquals("short text", TokenPrefixes.prefix("short text", 512));
        assertTrue(TokenPrefixes.isBert(OnnxTextEncoder.readResource(OnnxTextEncoder.BGE_SMALL.tokenizerResource())));
        assertTrue(TokenPrefixes.isBert(OnnxTextEncoder.readResource(OnnxTextEncoder.MINILM.tokenizerResource())));
        assertFalse(TokenPrefixes.isBert("""
                {"normalizer": null, "pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE"}}""".getBytes()));
    }
}
