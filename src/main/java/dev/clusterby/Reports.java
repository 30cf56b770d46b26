package dev.clusterby;

import com.google.gson.stream.JsonWriter;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@link ClusterBy#report}: one self-contained HTML file (the page template in the jar, ~13 KB of inlined
 * canvas script and styles) with the data in a {@code <script type="application/json" id="clusterby-data">} element.
 */
final class Reports {
    private static final String TEMPLATE = "/dev/clusterby/report/report.html";
    private static final int HOVER_CHARS = 160;
    private static final int EXEMPLAR_CHARS = 300;
    private static final int EXEMPLAR_THUMBNAIL = 64;
    private static final int HOVER_THUMBNAIL = 40;

    private Reports() {}

    /** A report file whose folder is missing is one error, before any work. */
    static void checkTarget(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ClusterbyException.BadFile("report folder does not exist: " + (parent == null ? file : parent) + " (for " + file + ")");
        }
        if (Files.isDirectory(file)) throw new ClusterbyException.BadFile("report path is a folder: " + file);
    }

    static void write(ClusterBy<?> cb, Path file, ReportOptions options) {
        checkTarget(file);
        DataPanel panel = cb.panel();
        for (String name : options.aggregates().keySet()) panel.column(name);
        if (options.labels() != null) panel.column(options.labels());
        DataPanel described = cb.describe();
        Maps.Layout map = cb.layout(options.map());
        DataPanel aggregated = options.aggregates().isEmpty() ? null : cb.aggregate(options.aggregates());
        int[] labels = cb.result().labels().toIntArray(-1);
        Column column = panel.column(cb.clusteredColumn());
        StringWriter json = new StringWriter();
        try (JsonWriter out = new JsonWriter(json)) {
            out.setHtmlSafe(true); // no "</script>" can end the data element early
            out.beginObject();
            out.name("title").value("clusterby: " + cb.result().method() + " on " + cb.clusteredColumn()
                    + (options.input() == null ? "" : " of " + options.input()));
            String notice = notice(panel.size(), map);
            if (notice != null) out.name("notice").value(notice);
            out.name("summary");
            summary(out, cb, options, map, labels);
            out.name("points").beginArray();
            for (int row = 0; row < labels.length; row++) {
                out.beginObject().name("row").value(row);
                if (map.x().isMissing(row)) out.name("x").nullValue().name("y").nullValue();
                else out.name("x").value(round(map.x().getDouble(row))).name("y").value(round(map.y().getDouble(row)));
                out.name("cluster").value(labels[row]).endObject();
            }
            out.endArray();
            out.name("clusters");
            clusters(out, described, aggregated, column);
            out.name("hover");
            hover(out, column, options.hoverThumbnails());
            out.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String page = template().replace("/*TITLE*/", escapeHtml("clusterby report: " + cb.clusteredColumn()))
                .replace("/*DATA*/", json.toString());
        writeAtomically(file, page);
    }

    /** What the reader must know about a map that could not be drawn as usual. */
    private static String notice(int rows, Maps.Layout map) {
        if (map.degenerate() == null) return null;
        return "Degenerate input: " + map.degenerate() + ". The map has no neighbourhoods to show, so the points are placed "
                + (rows < 3 ? "on a line" : "at one spot") + "; the clusters and cards are as computed.";
    }

    private static void summary(JsonWriter out, ClusterBy<?> cb, ReportOptions options, Maps.Layout map, int[] labels) throws IOException {
        ClusterResult<?> result = cb.result();
        List<String[]> items = new ArrayList<>();
        if (options.input() != null) items.add(new String[] {"input", options.input()});
        items.add(new String[] {"rows", String.valueOf(labels.length)});
        items.add(new String[] {"column", cb.clusteredColumn()});
        items.add(new String[] {"encoder", result.encoder() + (result.encoder().equals("none") ? "" : " (" + result.embeddingColumn() + ")")});
        items.add(new String[] {"embedded", result.embeddedComputed() + " computed, " + result.embeddedCached() + " cached"});
        items.add(new String[] {"method", result.method()});
        items.add(new String[] {"k", String.valueOf(result.k())});
        items.add(new String[] {"fit", String.format(Locale.ROOT, "%.3f s on %s", result.fitSeconds(), result.backend())});
        Instruction instruction = cb.spec().instruction();
        if (instruction != null) {
            String said = instruction.text() != null ? instruction.text() : instruction.template() != null ? instruction.template() : "crop";
            items.add(new String[] {"instruction", said});
            if (result.instructionReport() != null) items.add(new String[] {"instruction chose", result.instructionReport().summary()});
        }
        if (options.labels() != null) {
            int[] truth = cb.panel().groupBy(options.labels()).labels().toIntArray(-1);
            items.add(new String[] {"ARI vs " + options.labels(), String.format(Locale.ROOT, "%.3f", Metrics.adjustedRandIndex(truth, labels))});
            items.add(new String[] {"NMI vs " + options.labels(), String.format(Locale.ROOT, "%.3f", Metrics.normalizedMutualInfo(truth, labels))});
        }
        long noise = java.util.Arrays.stream(labels).filter(l -> l < 0).count();
        if (noise > 0) items.add(new String[] {"noise / not embedded", noise + " rows (cluster -1, shown in grey)"});
        items.add(new String[] {"map", options.map().method() + (map.cached() ? " (cached)" : String.format(Locale.ROOT, " (%.1f s)", map.seconds()))
                + (map.degenerate() == null ? "" : ", degenerate: " + map.degenerate())});
        out.beginArray();
        for (String[] item : items) out.beginArray().value(item[0]).value(item[1]).endArray();
        out.endArray();
    }

    private static void clusters(JsonWriter out, DataPanel described, DataPanel aggregated, Column column) throws IOException {
        IntColumn ids = described.intColumn("cluster"), sizes = described.intColumn("size");
        StringColumn names = described.stringColumn("name"), keywords = described.stringColumn("keywords"),
                exemplars = described.stringColumn("exemplars");
        out.beginArray();
        for (int r = 0; r < described.size(); r++) {
            int id = (int) ids.getLong(r);
            out.beginObject().name("id").value(id).name("name").value(names.get(r)).name("size").value(sizes.getLong(r));
            out.name("keywords").beginArray();
            if (!keywords.isMissing(r)) for (String k : keywords.get(r).split(";")) if (!k.isBlank()) out.value(k.trim());
            out.endArray();
            out.name("exemplars").beginArray();
            if (!exemplars.isMissing(r)) {
                for (String part : exemplars.get(r).split(";")) {
                    if (part.isBlank()) continue;
                    int row = Integer.parseInt(part.trim());
                    out.beginObject().name("row").value(row);
                    if (column instanceof ImageColumn images) {
                        String thumbnail = thumbnail(images, row, EXEMPLAR_THUMBNAIL);
                        if (thumbnail != null) out.name("thumbnail").value(thumbnail);
                    } else if (!column.isMissing(row) && !(column instanceof TensorColumn)) {
                        out.name("text").value(shorten(column instanceof StringColumn strings ? strings.get(row) : column.format(row), EXEMPLAR_CHARS));
                    }
                    out.endObject();
                }
            }
            out.endArray();
            out.name("aggregates").beginObject();
            if (aggregated != null && id >= 0 && id < aggregated.size()) {
                for (Column c : aggregated.columns()) {
                    if (c.name().equals("cluster") || c.name().equals("size")) continue;
                    out.name(c.name()).value(c.isMissing(id) ? "" : c.format(id));
                }
            }
            out.endObject();
            out.endObject();
        }
        out.endArray();
    }

    /** Per point, in row order: texts for text columns, thumbnails for the first {@code limit} images. */
    private static void hover(JsonWriter out, Column column, int limit) throws IOException {
        out.beginObject();
        if (column instanceof StringColumn strings) {
            out.name("texts").beginArray();
            for (int row = 0; row < strings.size(); row++) {
                if (strings.isMissing(row)) out.nullValue();
                else out.value(shorten(strings.get(row), HOVER_CHARS));
            }
            out.endArray();
        } else if (column instanceof ImageColumn images) {
            out.name("thumbnails").beginArray();
            for (int row = 0; row < Math.min(limit, images.size()); row++) {
                String thumbnail = thumbnail(images, row, HOVER_THUMBNAIL);
                if (thumbnail == null) out.nullValue();
                else out.value(thumbnail);
            }
            out.endArray();
        }
        out.endObject();
    }

    /** A PNG data URI of the image scaled to fit size×size; null when it cannot be decoded. */
    static String thumbnail(ImageColumn images, int row, int size) {
        if (images.isMissing(row)) return null;
        BufferedImage image;
        try {
            image = images.image(row);
        } catch (ClusterbyException e) {
            return null; // the cluster result already reports the row; the report shows it without a picture
        }
        double scale = Math.min(1.0, (double) size / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale)), h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(small, "png", bytes);
        } catch (IOException e) {
            return null;
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    private static String shorten(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String template() {
        try (InputStream in = Reports.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new ClusterbyException("report template missing from the jar: " + TEMPLATE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeAtomically(Path file, String page) {
        Path temp = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            Files.writeString(temp, page, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot write report " + file + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // already moved or never written
                }
            }
        }
    }
}
