package dev.clusterby.cli;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterResult;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The printed summary: per-cluster sizes and samples, and the two lines scripts parse. */
final class Report {
    /** Keywords printed per cluster; the --describe file has them all. */
    static final int KEYWORDS_SHOWN = 5;

    private Report() {}

    /** Per cluster: size, name, the first keywords, and samples; {@code described} is {@code cb.describe()}. */
    static void clusters(PrintWriter out, ClusterBy<?> cb, DataPanel described, String sampleColumn, int samples) {
        DataPanel panel = cb.panel();
        Column sample = sampleColumn != null && panel.hasColumn(sampleColumn) ? panel.column(sampleColumn) : null;
        int[] sizes = cb.sizes();
        Map<Long, Integer> describedRow = new java.util.HashMap<>();
        for (int i = 0; i < described.size(); i++) describedRow.put(described.intColumn("cluster").getLong(i), i);
        out.printf("%d clusters of %d rows%n", sizes.length, panel.size());
        for (int g = 0; g < sizes.length; g++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  cluster %-3d %6d rows", g, sizes[g]));
            Integer at = describedRow.get((long) g);
            if (at != null) {
                line.append("  name=").append(described.stringColumn("name").get(at));
                String keywords = described.stringColumn("keywords").get(at);
                if (!keywords.isEmpty()) {
                    List<String> first = List.of(keywords.split(";"));
                    line.append("  keywords=").append(String.join(";", first.subList(0, Math.min(KEYWORDS_SHOWN, first.size()))));
                }
            }
            if (sample != null && sizes[g] > 0) {
                int[] rows = cb.rowsOf(g);
                line.append("  e.g. ");
                for (int i = 0; i < Math.min(samples, rows.length); i++) {
                    if (i > 0) line.append(" | ");
                    line.append(sample.format(rows[i]));
                }
            }
            out.println(line);
        }
        // Density methods leave rows in no cluster: they are listed as cluster -1, never dropped.
        int[] labels = cb.labels().toIntArray(-1);
        int[] noise = java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> labels[i] < 0 && !cb.errors().containsKey(i)).toArray();
        if (noise.length > 0) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  cluster %-3d %6d rows (noise)", -1, noise.length));
            if (sample != null) {
                line.append("  e.g. ");
                for (int i = 0; i < Math.min(samples, noise.length); i++) {
                    if (i > 0) line.append(" | ");
                    line.append(sample.format(noise[i]));
                }
            }
            out.println(line);
        }
    }

    /** One line when k was chosen automatically: {@code auto-k: criterion=silhouette chosen=3 scores=2:0.412,3:0.520}. */
    static void autoK(PrintWriter out, ClusterResult<?> result) {
        Map<String, Object> diagnostics = result.model().diagnostics();
        if (!(diagnostics.get("k-criterion") instanceof String criterion)) return;
        StringBuilder scores = new StringBuilder();
        if (diagnostics.get("k-scores") instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!scores.isEmpty()) scores.append(',');
                double value = ((Number) entry.getValue()).doubleValue();
                scores.append(entry.getKey()).append(':')
                        .append(String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.3f", value));
            }
        }
        out.printf(Locale.ROOT, "auto-k: criterion=%s chosen=%d scores=%s%n", criterion, result.k(), scores);
    }

    /** The two lines scripts rely on. */
    static void summaryLines(PrintWriter out, ClusterResult<?> result) {
        out.printf(Locale.ROOT, "embedded: %d computed, %d cached%s%n", result.embeddedComputed(), result.embeddedCached(),
                result.embeddedResumed() > 0 ? " (" + result.embeddedResumed() + " resumed from an interrupted run's checkpoint)" : "");
        Object sample = result.model().diagnostics().get("sample");
        out.printf(Locale.ROOT, "fit: %s k=%d iterations=%d seconds=%.3f%s%n", result.method(), result.k(),
                result.model().iterations(), result.fitSeconds(),
                sample == null ? "" : " sample=" + sample + " of " + result.labels().size() + " rows");
        if (result.model().diagnostics().get("noise-rows") instanceof Integer noise) {
            int rows = result.labels().size();
            out.printf(Locale.ROOT, "noise: %d of %d rows (%.1f%%), cluster -1%n", noise, rows, rows == 0 ? 0.0 : 100.0 * noise / rows);
        }
        if (!result.errors().isEmpty()) {
            var first = result.errors().firstEntry();
            out.printf(Locale.ROOT, "not embedded: %d row%s, label -1 (row %d: %s)%n", result.errors().size(),
                    result.errors().size() == 1 ? "" : "s", first.getKey(), first.getValue());
        }
    }
}
