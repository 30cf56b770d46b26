package dev.clusterby;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a cluster report ({@link ClusterBy#report}) shows beyond the clustering itself.
 *
 * @param input           the input's name for the summary (a file name), or null
 * @param aggregates      per-cluster aggregates shown on each card, as {@link Grouping#aggregate(Map)} takes them
 * @param labels          a column of known labels: the summary then gives the ARI and NMI against it; or null
 * @param map             how the map is drawn
 * @param hoverThumbnails image columns: rows 0 to this count − 1 carry a hover thumbnail (exemplars always have one);
 *                        default {@value #DEFAULT_HOVER_THUMBNAILS}, which keeps a report near 3 MB
 */
public record ReportOptions(String input, Map<String, Agg> aggregates, String labels, MapOptions map, int hoverThumbnails) {
    /** Hover thumbnails by default: the first 2,000 rows. */
    public static final int DEFAULT_HOVER_THUMBNAILS = 2000;

    /** Copies the aggregates; checks the counts. */
    public ReportOptions {
        aggregates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(aggregates == null ? Map.of() : aggregates));
        if (map == null) map = MapOptions.defaults();
        if (hoverThumbnails < 0) throw new ClusterbyException.BadOption("hover-thumbnails", "must be 0 or more, got " + hoverThumbnails);
    }

    /** No input name, no aggregates, no labels, the default map, 2,000 hover thumbnails. */
    public static ReportOptions defaults() {
        return new ReportOptions(null, Map.of(), null, MapOptions.defaults(), DEFAULT_HOVER_THUMBNAILS);
    }

    /** The same options with the input's name. */
    public ReportOptions withInput(String name) {
        return new ReportOptions(name, aggregates, labels, map, hoverThumbnails);
    }

    /** The same options with per-cluster aggregates. */
    public ReportOptions withAggregates(Map<String, Agg> values) {
        return new ReportOptions(input, values, labels, map, hoverThumbnails);
    }

    /** The same options with a column of known labels. */
    public ReportOptions withLabels(String column) {
        return new ReportOptions(input, aggregates, column, map, hoverThumbnails);
    }

    /** The same options with other map options. */
    public ReportOptions withMap(MapOptions options) {
        return new ReportOptions(input, aggregates, labels, options, hoverThumbnails);
    }

    /** The same options with another hover-thumbnail count. */
    public ReportOptions withHoverThumbnails(int count) {
        return new ReportOptions(input, aggregates, labels, map, count);
    }
}
