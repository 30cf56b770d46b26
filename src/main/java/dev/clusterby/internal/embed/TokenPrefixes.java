package dev.clusterby.internal.embed;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A character prefix of a long text that gives the same first word pieces as the whole text, so the tokenizer does
 * not read a 10,000-character e-mail of which 512 word pieces are kept.
 *
 * <p>Why the ids are the same: a BERT tokenizer's normaliser works character by character (with NFD, a character
 * and the combining marks that follow it), and its pre-tokenizer splits at every whitespace and punctuation, so
 * WordPiece sees each word on its own. A prefix that ends just after an ASCII space, tab or line break therefore
 * tokenizes into exactly the leading word pieces of the whole text. When the prefix's truncated encoding fills the
 * window ({@code maxLength} ids with the special tokens), those are the whole text's ids; when it does not, the caller
 * tokenizes the whole text. Other tokenizers (byte-level BPE attaches a space to the next word) are never cut.
 */
final class TokenPrefixes {
    /**
     * Characters kept per word piece of the window. A word piece covers at least one character, and real English
     * runs at 3–5 characters per piece; 12 leaves room for long words and headers before the fallback is needed.
     */
    static final int CHARS_PER_TOKEN = 12;

    private static final Pattern BERT_PRE_TOKENIZER = Pattern.compile("\"pre_tokenizer\"\\s*:\\s*\\{\\s*\"type\"\\s*:\\s*\"BertPreTokenizer\"");
    private static final Pattern WORD_PIECE = Pattern.compile("\"model\"\\s*:\\s*\\{[^{}]*?\"type\"\\s*:\\s*\"WordPiece\"");
    private static final Pattern BERT_NORMALIZER = Pattern.compile("\"normalizer\"\\s*:\\s*(null|\\{\\s*\"type\"\\s*:\\s*\"BertNormalizer\")");

    private TokenPrefixes() {}

    /** Whether a tokenizer.json is BERT's: its normaliser, pre-tokenizer and WordPiece model, the case argued above. */
    static boolean isBert(byte[] tokenizerJson) {
        String json = new String(tokenizerJson, StandardCharsets.UTF_8);
        return BERT_PRE_TOKENIZER.matcher(json).find() && WORD_PIECE.matcher(json).find() && BERT_NORMALIZER.matcher(json).find();
    }

    /** The text up to and including the first ASCII whitespace at or after {@code maxLength × CHARS_PER_TOKEN}; the text itself when it is shorter or has none. */
    static String prefix(String text, int maxLength) {
        int from = maxLength * CHARS_PER_TOKEN;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') return i + 1 == text.length() ? text : text.substring(0, i + 1);
        }
        return text;
    }
}
