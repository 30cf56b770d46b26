package dev.clusterby;

import dev.clusterby.cluster.Params;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link ClusterBy#describe(DescribeOptions)} describes clusters. Immutable; the {@code with…} methods return
 * changed copies.
 *
 * @param textColumn  the text column for keywords and phrases; null for the clustered column when it holds text
 *                    (for an image column, the file and folder names of its images)
 * @param keywords    keywords per cluster (1..100, default 10)
 * @param exemplars   exemplar rows per cluster (1..100, default 3)
 * @param vocabulary  phrases to score against image clusters (Domino's phrase descriptions); null for the built-in list
 * @param namer       names the clusters; null for {@link ClusterNamer#EMBEDDING}
 * @param encoder     the text encoder that made a tensor column (its names need one to embed candidates); null when
 *                    the clustering's own encoder applies
 */
public record DescribeOptions(String textColumn, int keywords, int exemplars, List<String> vocabulary,
                              ClusterNamer namer, String encoder) {
    /** Validates the counts and the vocabulary. */
    public DescribeOptions {
        if (keywords < 1 || keywords > 100) throw new ClusterbyException.BadOption("keywords", "must be 1..100, got " + keywords);
        if (exemplars < 1 || exemplars > 100) throw new ClusterbyException.BadOption("exemplars", "must be 1..100, got " + exemplars);
        if (textColumn != null && textColumn.isBlank()) throw new ClusterbyException.BadOption("text-column", "must not be blank");
        if (vocabulary != null) {
            vocabulary = List.copyOf(vocabulary);
            if (vocabulary.isEmpty()) throw new ClusterbyException.BadOption("vocabulary", "must hold at least one phrase");
            for (String phrase : vocabulary) {
                if (phrase.isBlank()) throw new ClusterbyException.BadOption("vocabulary", "holds a blank phrase");
            }
        }
        if (encoder != null && encoder.isBlank()) throw new ClusterbyException.BadOption("encoder", "must not be blank");
    }

    /** Keywords from the clustered column, 10 keywords, 3 exemplars, the built-in vocabulary and namer. */
    public static DescribeOptions defaults() {
        return new DescribeOptions(null, 10, 3, null, null, null);
    }

    /** Reads {@code text-column}, {@code keywords}, {@code exemplars} and {@code encoder}; any other key is an error. */
    public static DescribeOptions fromParams(Map<String, ?> values) {
        Params params = Params.of(values);
        DescribeOptions d = defaults();
        DescribeOptions read = new DescribeOptions(params.getString("text-column", null), params.getInt("keywords", d.keywords()),
                params.getInt("exemplars", d.exemplars()), null, null, params.getString("encoder", null));
        params.requireAllUsed("describe");
        return read;
    }

    /** The options that have a kebab-case key, as {@link #fromParams} reads them. */
    public Map<String, Object> toParams() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (textColumn != null) out.put("text-column", textColumn);
        out.put("keywords", keywords);
        out.put("exemplars", exemplars);
        if (encoder != null) out.put("encoder", encoder);
        return out;
    }

    /** Keywords and phrases from this text column. */
    public DescribeOptions withTextColumn(String column) {
        return new DescribeOptions(column, keywords, exemplars, vocabulary, namer, encoder);
    }

    /** This many keywords per cluster. */
    public DescribeOptions withKeywords(int count) {
        return new DescribeOptions(textColumn, count, exemplars, vocabulary, namer, encoder);
    }

    /** This many exemplars per cluster. */
    public DescribeOptions withExemplars(int count) {
        return new DescribeOptions(textColumn, keywords, count, vocabulary, namer, encoder);
    }

    /** These phrases instead of the built-in vocabulary for image clusters. */
    public DescribeOptions withVocabulary(List<String> phrases) {
        return new DescribeOptions(textColumn, keywords, exemplars, phrases, namer, encoder);
    }

    /** This namer instead of the built-in one. */
    public DescribeOptions withNamer(ClusterNamer clusterNamer) {
        return new DescribeOptions(textColumn, keywords, exemplars, vocabulary, clusterNamer, encoder);
    }

    /** The text encoder that made a tensor column, to embed name candidates with. */
    public DescribeOptions withEncoder(String encoderName) {
        return new DescribeOptions(textColumn, keywords, exemplars, vocabulary, namer, encoderName);
    }
}
