package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.describe.ClassTerms;
import dev.clusterby.internal.describe.ImageVocabulary;
import dev.clusterby.internal.describe.Naming;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.internal.embed.Encoders;
import dev.clusterby.internal.instruct.Steering;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Glue for {@link ClusterBy#describe} and {@link SliceBy#describe}: finds the cached embedding (never encoding a row),
 * the text for keywords and the encoder for names, then builds one row per cluster. Rows labelled -1 (noise, or not
 * embedded) get a row of their own, cluster -1, named {@code noise}.
 */
final class Describe {
    /** Names of the columns, in order. */
    static final List<String> COLUMNS = List.of("cluster", "size", "name", "keywords", "exemplars", "exemplar_values",
            "cohesion", "phrases");
    static final String NOISE = "noise";
    private static final int PHRASE_CANDIDATES = 10;
    private static final int IMAGE_PHRASES = 5;
    private static final int EXEMPLAR_CHARS = 160;

    private Describe() {}

    /** The describe table of a labelling of {@code panel}'s rows by {@code column} (the column the labels came from). */
    static DataPanel describe(DataPanel panel, String columnName, int[] labels, int k, String encoderName, Crop crop,
                              Settings given, DescribeOptions options) {
        return describe(panel, columnName, labels, k, encoderName, crop, given, options, NOISE);
    }

    /** As above, with the name of the rows labelled -1. */
    static DataPanel describe(DataPanel panel, String columnName, int[] labels, int k, String encoderName, Crop crop,
                              Settings given, DescribeOptions options, String noiseName) {
        Column column = panel.column(columnName);
        Settings settings = given.resolve();
        List<String> texts = texts(panel, column, options);
        // The cached embedding: the panel's hidden column or the disk cache, so describe encodes no row of the column.
        try (Embeddings.Resolved embedding = Embeddings.resolve(panel, column, encoderName, crop, settings, Encoder.ProgressListener.NONE)) {
            FloatMatrix x = embedding.tensor().matrix();
            NamingEncoder naming = namingEncoder(column, encoderName, embedding.encoder(), settings, options);
            return table(panel.size(), column, texts, labels, k, x, naming, settings.cacheDir(), options, noiseName);
        }
    }

    /** The text encoder for names, and whether it is the text tower of an image model (then phrases apply). */
    private record NamingEncoder(Encoder encoder, boolean images) {}

    private static NamingEncoder namingEncoder(Column column, String encoderName, String usedEncoder, Settings settings,
                                               DescribeOptions options) {
        if (usedEncoder.equals("none")) {
            return options.encoder() == null ? new NamingEncoder(null, false)
                    : new NamingEncoder(Encoders.resolve(options.encoder(), Encoder.Modality.TEXT, settings), false);
        }
        if (column instanceof ImageColumn) {
            Encoder image = Encoders.resolve(encoderName, Encoder.Modality.IMAGE, settings);
            try {
                return new NamingEncoder(image.textEncoderForInstructions(), true);
            } catch (ClusterbyException.Unavailable noTextTower) {
                return new NamingEncoder(null, false); // names from keywords of the file names, or numbers
            }
        }
        return new NamingEncoder(Encoders.resolve(encoderName, Encoder.Modality.TEXT, settings), false);
    }

    /** The text of each row for keywords (null where a row has none), or null when there is no text at all. */
    private static List<String> texts(DataPanel panel, Column column, DescribeOptions options) {
        if (options.textColumn() != null) {
            Column text = panel.column(options.textColumn());
            if (!(text instanceof StringColumn strings)) {
                throw new ClusterbyException.BadOption("text-column", "column '" + text.name() + "' is "
                        + text.type().name().toLowerCase(Locale.ROOT) + ", not text; keywords need a text column");
            }
            return strings.values();
        }
        if (column instanceof StringColumn strings) return strings.values();
        if (column instanceof ImageColumn images) {
            List<String> names = new ArrayList<>(images.size());
            boolean any = false;
            for (int row = 0; row < images.size(); row++) {
                String name = images.source(row) instanceof ImageColumn.FileSource file ? fileWords(file.path()) : null;
                any |= name != null;
                names.add(name);
            }
            return any ? names : null;
        }
        return null;
    }

    /** The words of an image's folder and file name, which often say what it shows ("cats/tabby_01.jpg"). */
    private static String fileWords(Path path) {
        String file = path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        if (dot > 0) file = file.substring(0, dot);
        Path parent = path.getParent();
        String folder = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
        return (folder + " " + file).replace('_', ' ').replace('-', ' ');
    }

    private static DataPanel table(int n, Column column, List<String> texts, int[] labels, int k, FloatMatrix x,
                                   NamingEncoder naming, Path cacheDir, DescribeOptions options, String noiseName) {
        boolean noise = Arrays.stream(labels).anyMatch(l -> l < 0);
        int groups = k + (noise ? 1 : 0);
        // Class index: clusters 0..k-1, then the noise rows as class k.
        int[] classOf = new int[n];
        for (int row = 0; row < n; row++) classOf[row] = labels[row] < 0 ? k : labels[row];
        ClassTerms terms = texts == null ? ClassTerms.none(groups) : ClassTerms.count(texts, classOf, groups);
        Naming.Centroids centroids = Naming.centroids(x, classOf, groups);
        int[] sizes = new int[groups];
        for (int c : classOf) sizes[c]++;

        List<List<String>> keywords = new ArrayList<>(), phrases = new ArrayList<>(), imagePhrases = new ArrayList<>();
        List<int[]> exemplars = new ArrayList<>();
        for (int c = 0; c < groups; c++) {
            keywords.add(terms.keywords(c, options.keywords()));
            phrases.add(terms.frequentPhrases(c, PHRASE_CANDIDATES));
            exemplars.add(centroids.nearest(x, classOf, c, options.exemplars()));
            imagePhrases.add(List.of());
        }
        String[] suggested = new String[groups];
        try (Arena arena = Arena.ofConfined()) {
            EmbeddingCache disk = new EmbeddingCache(cacheDir);
            if (naming.images()) {
                List<String> vocabulary = options.vocabulary() != null ? options.vocabulary() : ImageVocabulary.phrases();
                FloatMatrix v = Steering.embed(naming.encoder(), vocabulary, disk, arena);
                for (int c = 0; c < k; c++) imagePhrases.set(c, centroids.relativeBest(v, vocabulary, c, k, IMAGE_PHRASES));
            }
            List<List<String>> candidates = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                Set<String> each = new LinkedHashSet<>(keywords.get(c));
                each.addAll(phrases.get(c));
                each.addAll(imagePhrases.get(c));
                each.remove(noiseName);
                candidates.add(List.copyOf(each));
            }
            String[] chosen = naming.encoder() == null
                    ? Naming.byRank(candidates)
                    : Naming.byEmbedding(candidates, centroids, k, naming.encoder(), disk, arena);
            System.arraycopy(chosen, 0, suggested, 0, k);
        }
        for (int c = 0; c < k; c++) if (suggested[c] == null) suggested[c] = sizes[c] == 0 ? "empty " + c : "cluster " + c;
        if (noise) suggested[k] = noiseName;

        List<ClusterNamer.Cluster> described = new ArrayList<>();
        for (int c = 0; c < groups; c++) {
            List<String> exemplarTexts = new ArrayList<>();
            for (int row : exemplars.get(c)) exemplarTexts.add(exemplarValue(column, texts, row));
            described.add(new ClusterNamer.Cluster(c == k ? -1 : c, sizes[c], keywords.get(c), phrases.get(c),
                    imagePhrases.get(c), exemplarTexts, suggested[c]));
        }
        List<ClusterNamer.Cluster> order = new ArrayList<>(described);
        if (noise) order.addFirst(order.removeLast()); // cluster -1 first, as sorted by id
        List<String> names = names(options.namer(), order);

        int rows = order.size();
        int[] ids = new int[rows], sizeOut = new int[rows];
        String[] nameOut = new String[rows], keywordOut = new String[rows], exemplarOut = new String[rows],
                valueOut = new String[rows], phraseOut = new String[rows];
        double[] cohesion = new double[rows];
        for (int i = 0; i < rows; i++) {
            ClusterNamer.Cluster c = order.get(i);
            int at = c.cluster() < 0 ? k : c.cluster();
            ids[i] = c.cluster();
            sizeOut[i] = c.size();
            nameOut[i] = names.get(i);
            keywordOut[i] = String.join(";", c.keywords());
            exemplarOut[i] = String.join(";", Arrays.stream(exemplars.get(at)).mapToObj(Integer::toString).toList());
            valueOut[i] = String.join(" | ", c.exemplars());
            cohesion[i] = centroids.cohesion(at);
            phraseOut[i] = naming.images() && c.cluster() >= 0 ? String.join(";", c.imagePhrases()) : null;
        }
        return DataPanel.of(IntColumn.of("cluster", ids), IntColumn.of("size", sizeOut), StringColumn.of("name", nameOut),
                StringColumn.of("keywords", keywordOut), StringColumn.of("exemplars", exemplarOut),
                StringColumn.of("exemplar_values", valueOut), DoubleColumn.of("cohesion", cohesion),
                StringColumn.of("phrases", phraseOut));
    }

    private static String exemplarValue(Column column, List<String> texts, int row) {
        String value = texts != null && texts.get(row) != null ? texts.get(row) : column.format(row);
        if (column instanceof ImageColumn images && images.source(row) != null) value = images.source(row).label();
        value = value.replace('\n', ' ').replace('\r', ' ').replace('|', '/').strip();
        return value.length() <= EXEMPLAR_CHARS ? value : value.substring(0, EXEMPLAR_CHARS - 1) + "…";
    }

    /** The namer's names, checked and made unique (a repeat gets its cluster number). */
    private static List<String> names(ClusterNamer namer, List<ClusterNamer.Cluster> clusters) {
        List<String> names = (namer == null ? ClusterNamer.EMBEDDING : namer).name(clusters);
        if (names == null || names.size() != clusters.size()) {
            throw new ClusterbyException("the cluster namer returned " + (names == null ? "null" : names.size() + " names")
                    + " for " + clusters.size() + " clusters");
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank()) {
                throw new ClusterbyException("the cluster namer gave cluster " + clusters.get(i).cluster() + " a blank name");
            }
            name = name.strip();
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                name = name + " " + clusters.get(i).cluster();
                seen.add(name.toLowerCase(Locale.ROOT));
            }
            out.add(name);
        }
        return out;
    }
}
