package dev.clusterby;

import dev.clusterby.cluster.ClusterOptions;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.internal.io.PanelReaders;
import dev.clusterby.internal.io.PanelWriters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A columnar table of typed columns, including text, image and off-heap tensor columns.
 *
 * <p>Operations return new panels that share unchanged columns. The only state a panel changes in place is
 * its hidden columns: cached embeddings such as {@code bge-small(text)}, which {@link #clusterBy} adds so
 * that later calls reuse them. Hidden columns are listed only by {@code columnNames(true)}.
 *
 * <p>A panel that holds tensor columns owns off-heap memory: close it, or use try-with-resources.
 */
public final class DataPanel implements AutoCloseable {
    private final LinkedHashMap<String, Column> columns = new LinkedHashMap<>();
    private final LinkedHashMap<String, HiddenEntry> hidden = new LinkedHashMap<>();
    private final int size;
    private volatile boolean closed;

    /**
     * A hidden column, the visible column it was derived from, the key of what derived it (encoder id and
     * version), and the fingerprint of the content at that time.
     */
    record HiddenEntry(TensorColumn column, String source, String derivation, String fingerprint) {}

    private DataPanel(Collection<? extends Column> visible, Map<String, HiddenEntry> hiddenEntries, int emptySize) {
        int rows = -1;
        for (Column column : visible) {
            if (rows >= 0 && column.size() != rows) {
                throw new ClusterbyException.InvalidData("column '" + column.name() + "' has " + column.size()
                        + " rows, but the panel has " + rows);
            }
            rows = column.size();
            if (columns.putIfAbsent(column.name(), column) != null) {
                throw new ClusterbyException.InvalidData("duplicate column name '" + column.name() + "'");
            }
        }
        this.size = rows < 0 ? emptySize : rows;
        for (Column column : columns.values()) if (column instanceof TensorColumn t) t.retain();
        hiddenEntries.forEach((name, entry) -> {
            if (entry.column().size() == size && !columns.containsKey(name)) {
                entry.column().retain();
                hidden.put(name, entry);
            }
        });
    }

    /** A panel of the given columns, which must all have the same number of rows. */
    public static DataPanel of(Column... columns) {
        return new DataPanel(Arrays.asList(columns), Map.of(), 0);
    }

    /** A panel of the given columns, which must all have the same number of rows. */
    public static DataPanel of(List<? extends Column> columns) {
        return new DataPanel(columns, Map.of(), 0);
    }

    /**
     * Reads a file, choosing the reader from its extension or content: CSV, JSON Lines, .npy, IDX, an image folder,
     * or Parquet (a .parquet file or a Spark output folder; needs the module {@code dev.clusterby:clusterby-parquet}).
     */
    public static DataPanel read(Path path) {
        return PanelReaders.read(path);
    }

    /**
     * Reads an IDX image file (MNIST / Fashion-MNIST, gzip or not) with its IDX label file: an image column
     * {@code image} and an int column {@code label}.
     */
    public static DataPanel readIdx(Path images, Path labels) {
        return dev.clusterby.internal.io.Idx.readImagesWithLabels(images, labels);
    }

    /**
     * Writes the visible columns; the format follows the extension (.csv, .jsonl, .npy, or .parquet with the module
     * {@code dev.clusterby:clusterby-parquet}).
     */
    public void write(Path path) {
        checkOpen();
        PanelWriters.write(this, path);
    }

    /** The number of rows. */
    public int size() {
        return size;
    }

    /** The number of visible columns (hidden embedding caches not counted). */
    public int columnCount() {
        return columns.size();
    }

    /** Whether the panel has no rows. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The visible column names, in order. */
    public List<String> columnNames() {
        return columnNames(false);
    }

    /** The column names; hidden ones (cached embeddings) follow the visible ones when asked for. */
    public List<String> columnNames(boolean includeHidden) {
        List<String> names = new ArrayList<>(columns.keySet());
        if (includeHidden) {
            synchronized (hidden) {
                names.addAll(hidden.keySet());
            }
        }
        return names;
    }

    /** Whether a visible or hidden column has this name. */
    public boolean hasColumn(String name) {
        return columns.containsKey(name) || hiddenColumn(name) != null;
    }

    /** A visible or hidden column by name; an unknown name is an error listing the visible ones. */
    public Column column(String name) {
        checkOpen();
        Column column = columns.get(name);
        if (column == null) column = hiddenColumn(name);
        if (column == null) throw new ClusterbyException.UnknownName("column", name, columns.keySet());
        return column;
    }

    /** The named column as a string column; an error if it has another type. */
    public StringColumn stringColumn(String name) { return typed(name, StringColumn.class); }
    /** The named column as an int64 column; an error if it has another type. */
    public IntColumn intColumn(String name) { return typed(name, IntColumn.class); }
    /** The named column as a float64 column; an error if it has another type. */
    public DoubleColumn doubleColumn(String name) { return typed(name, DoubleColumn.class); }
    /** The named column as a boolean column; an error if it has another type. */
    public BooleanColumn booleanColumn(String name) { return typed(name, BooleanColumn.class); }
    /** The named column as a timestamp column; an error if it has another type. */
    public TimestampColumn timestampColumn(String name) { return typed(name, TimestampColumn.class); }
    /** The named column as a tensor column; an error if it has another type. */
    public TensorColumn tensorColumn(String name) { return typed(name, TensorColumn.class); }
    /** The named column as an image column; an error if it has another type. */
    public ImageColumn imageColumn(String name) { return typed(name, ImageColumn.class); }

    private <C extends Column> C typed(String name, Class<C> type) {
        Column column = column(name);
        if (!type.isInstance(column)) {
            throw new ClusterbyException.InvalidData("column '" + name + "' is " + column.type() + ", not "
                    + type.getSimpleName());
        }
        return type.cast(column);
    }

    /** The visible columns, in order. */
    public List<Column> columns() {
        return List.copyOf(columns.values());
    }

    /** A panel of the named columns only, in the order given; cached embeddings stay. */
    public DataPanel select(String... names) {
        List<Column> picked = new ArrayList<>();
        for (String name : names) picked.add(column(name));
        return derive(picked, hiddenSnapshot());
    }

    /** The first {@code rows} rows (all of them if there are fewer). */
    public DataPanel head(int rows) {
        return take(IntStream.range(0, Math.min(Math.max(rows, 0), size)).toArray());
    }

    /** The rows at the given indices, in that order. Cached embeddings travel along with their rows. */
    public DataPanel take(int[] rows) {
        checkOpen();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= size) {
                throw new ClusterbyException.InvalidData("row index " + rows[i] + " at position " + i
                        + " is outside 0.." + (size - 1));
            }
        }
        List<Column> taken = columns.values().stream().map(c -> c.take(rows)).toList();
        Map<String, Column> takenByName = new LinkedHashMap<>();
        for (Column c : taken) takenByName.put(c.name(), c);
        Map<String, HiddenEntry> hiddenTaken = new LinkedHashMap<>();
        hiddenSnapshot().forEach((name, entry) -> {
            Column source = takenByName.get(entry.source());
            // Only a cache that is fresh for the rows taken travels with them; its fingerprint is recomputed.
            if (source != null && entry.fingerprint().equals(EmbeddingKeys.fingerprint(column(entry.source()), entry.derivation()))) {
                hiddenTaken.put(name, new HiddenEntry(entry.column().take(rows), entry.source(), entry.derivation(),
                        EmbeddingKeys.fingerprint(source, entry.derivation())));
            }
        });
        return new DataPanel(taken, hiddenTaken, rows.length);
    }

    /** The rows where the mask is true. */
    public DataPanel filter(BooleanColumn mask) {
        if (mask.size() != size) {
            throw new ClusterbyException.InvalidData("mask '" + mask.name() + "' has " + mask.size()
                    + " rows, the panel has " + size);
        }
        return take(IntStream.range(0, size).filter(mask::isTrue).toArray());
    }

    /** The rows whose index the predicate accepts. */
    public DataPanel filter(java.util.function.IntPredicate rowPredicate) {
        return take(IntStream.range(0, size).filter(rowPredicate).toArray());
    }

    /** A panel with the column added, or replacing the column of the same name. */
    public DataPanel withColumn(Column column) {
        List<Column> out = new ArrayList<>(columns.values());
        int at = new ArrayList<>(columns.keySet()).indexOf(column.name());
        if (at >= 0) out.set(at, column);
        else out.add(column);
        Map<String, HiddenEntry> keep = hiddenSnapshot();
        // Cached embeddings of a replaced column stay; their fingerprints no longer match, so they are never served.
        return derive(out, keep);
    }

    /** A panel without the named column; an unknown name is an error. */
    public DataPanel withoutColumn(String name) {
        column(name);
        List<Column> out = new ArrayList<>(columns.values());
        out.removeIf(c -> c.name().equals(name));
        return derive(out, hiddenSnapshot());
    }

    /** A panel with one column renamed; the others keep their places. */
    public DataPanel rename(String oldName, String newName) {
        Column column = column(oldName);
        List<Column> out = new ArrayList<>();
        for (Column c : columns.values()) out.add(c == column ? c.rename(newName) : c);
        return derive(out, hiddenSnapshot());
    }

    /** This panel's rows followed by another's; both must have the same column names and types. */
    public DataPanel concat(DataPanel other) {
        if (!other.columnNames().equals(columnNames())) {
            throw new ClusterbyException.InvalidData("cannot concat panels with columns " + columnNames()
                    + " and " + other.columnNames());
        }
        List<Column> out = new ArrayList<>();
        for (Column c : columns.values()) out.add(c.concat(other.column(c.name())));
        return derive(out, Map.of());
    }

    /** Rows sorted by a column (stable; missing values last). */
    public DataPanel sortBy(String name, boolean ascending) {
        Column key = column(name);
        Comparator<Integer> order = key::compareForSort;
        if (!ascending) {
            order = (a, b) -> {
                boolean ma = key.isMissing(a), mb = key.isMissing(b);
                if (ma || mb) return Boolean.compare(ma, mb);
                return key.compareForSort(b, a);
            };
        }
        int[] rows = IntStream.range(0, size).boxed().sorted(order).mapToInt(Integer::intValue).toArray();
        return take(rows);
    }

    /** Rows sorted by a column in ascending order (stable; missing values last). */
    public DataPanel sortBy(String name) {
        return sortBy(name, true);
    }

    /** Groups rows by the distinct values of a column. */
    public GroupBy groupBy(String name) {
        return GroupBy.of(this, column(name));
    }

    /** Clusters rows by a column with the automatic encoder and k-means (k = 8); the model has centroids and inertia. */
    public ClusterBy<KMeans.Model> clusterBy(String column) {
        return clusterBy(column, ClusterSpec.defaults());
    }

    /** Clusters rows by a column with typed, validated options: {@code clusterBy("text", KMeans.Options.of(5))}. */
    public <M extends Clusterer.Fitted> ClusterBy<M> clusterBy(String column, ClusterOptions<M> options) {
        return clusterBy(column, ClusterSpec.defaults().withOptions(options));
    }

    /** Clusters rows by a column with a method by name and its options as a kebab-case map (the CLI's way). */
    public ClusterBy<Clusterer.Fitted> clusterBy(String column, String method, Map<String, ?> params) {
        return clusterBy(column, ClusterSpec.defaults().withMethod(method).withParams(params));
    }

    /** As {@link #clusterBy(String, String, Map)}, with an encoder by name. */
    public ClusterBy<Clusterer.Fitted> clusterBy(String column, String method, String encoder, Map<String, ?> params) {
        return clusterBy(column, ClusterSpec.defaults().withMethod(method).withEncoder(encoder).withParams(params));
    }

    /** Clusters rows by a column, steered by what the instruction says to group by (automatic encoder, k-means). */
    public ClusterBy<KMeans.Model> clusterBy(String column, Instruction instruction) {
        return clusterBy(column, ClusterSpec.defaults().withInstruction(instruction));
    }

    /** As {@link #clusterBy(String, String, Map)}, steered by an instruction. */
    public ClusterBy<Clusterer.Fitted> clusterBy(String column, String method, Instruction instruction, Map<String, ?> params) {
        return clusterBy(column, ClusterSpec.defaults().withMethod(method).withParams(params).withInstruction(instruction));
    }

    /**
     * Clusters rows by a column as the spec says (method, encoder, options, settings, instruction); the other overloads
     * end here. The embedding is cached in a hidden column, so a second call with the same encoder encodes nothing.
     * The model has the spec's model type.
     */
    public <M extends Clusterer.Fitted> ClusterBy<M> clusterBy(String column, ClusterSpec<M> spec) {
        checkOpen();
        return Clustering.clusterBy(this, column, spec);
    }

    /**
     * A 2-D map of the column's embedding: a panel of two double columns, {@code map_x} and {@code map_y}, one row per
     * row, by {@link MapOptions#defaults()} (the {@code umap} neighbour embedding, seed 42). The column is embedded as
     * {@link #clusterBy} would (encoder {@code auto}; the cached embedding when there is one) and the map is cached
     * like it: a hidden column ({@code umap(bge-small(text))}) and the disk cache, keyed by the embedding's content
     * and the options. Fewer than 3 rows, or identical rows, give a fixed layout (a line, or all at the origin).
     */
    public DataPanel map(String column) {
        return map(column, MapOptions.defaults());
    }

    /** {@link #map(String)} with another method ({@code pca}), seed or neighbour count. */
    public DataPanel map(String column, MapOptions options) {
        checkOpen();
        Settings settings = Settings.unset().resolve();
        try (Embeddings.Resolved embedding = Embeddings.resolve(this, column(column), "auto", null, settings,
                dev.clusterby.embed.Encoder.ProgressListener.NONE)) {
            return Maps.layout(this, embedding.tensor(), options, settings).toPanel();
        }
    }

    /**
     * Labels the rows of a column with a kept model, without refitting: the column is embedded with the model's
     * encoder (only rows not in the cache are encoded; the result's {@code embeddedComputed}/{@code embeddedCached}
     * say how many) and each row gets the cluster of the model's predict rule.
     *
     * @throws ClusterbyException.InvalidData when the column's type or width does not fit the model
     */
    public ClusterBy<Clusterer.Fitted> clusterBy(String column, ClusterModel model) {
        return clusterBy(column, model, Settings.unset(), null);
    }

    /** {@link #clusterBy(String, ClusterModel)} with settings (backend, cache folder, …) and an embedding progress listener (or null). */
    public ClusterBy<Clusterer.Fitted> clusterBy(String column, ClusterModel model, Settings settings,
                                                 dev.clusterby.embed.Encoder.ProgressListener progress) {
        checkOpen();
        java.util.Objects.requireNonNull(model, "model");
        return Clustering.assign(this, column, model, settings == null ? Settings.unset() : settings,
                progress == null ? dev.clusterby.embed.Encoder.ProgressListener.NONE : progress);
    }

    /**
     * The embedding of a text or image column with the default encoder of its modality: the very tensor column
     * {@code clusterBy(column)} clusters, cached the same way (this panel's hidden column and the disk cache). The
     * panel owns it; it stays valid while the panel is open. A row that cannot be embedded (an image that does not
     * decode) is a missing row of the tensor.
     */
    public TensorColumn embed(String column) {
        return embed(column, "auto");
    }

    /** {@link #embed(String)} with an encoder by name ({@code auto} for the column's modality). */
    public TensorColumn embed(String column, String encoder) {
        return embed(column, encoder, Settings.unset(), null);
    }

    /** {@link #embed(String, String)} with settings (cache folder, device, …) and a progress listener (or null). */
    public TensorColumn embed(String column, String encoder, Settings settings,
                              dev.clusterby.embed.Encoder.ProgressListener progress) {
        return embedding(column, encoder, settings, progress).tensor();
    }

    /** {@link #embed(String, String, Settings, Encoder.ProgressListener)} with how the rows were obtained (the {@code embedded:} counts). */
    public Embedding embedding(String column, String encoder, Settings settings,
                               dev.clusterby.embed.Encoder.ProgressListener progress) {
        Embeddings.Resolved resolved = resolveEmbedding(column, encoder, settings, progress);
        return new Embedding(resolved.tensor(), resolved.encoder(), resolved.encoderVersion(), resolved.computed(),
                resolved.cached());
    }

    private Embeddings.Resolved resolveEmbedding(String column, String encoder, Settings settings,
                                                 dev.clusterby.embed.Encoder.ProgressListener progress) {
        checkOpen();
        Column source = column(column);
        if (!(source instanceof StringColumn) && !(source instanceof ImageColumn)) {
            throw new ClusterbyException.InvalidData("column '" + column + "' is " + source.type().name().toLowerCase(java.util.Locale.ROOT)
                    + "; embed takes a text or image column");
        }
        Embeddings.Resolved resolved = Embeddings.resolve(this, source, encoder == null ? "auto" : encoder, null,
                (settings == null ? Settings.unset() : settings).resolve(),
                progress == null ? dev.clusterby.embed.Encoder.ProgressListener.NONE : progress);
        if (resolved.owned()) {
            resolved.close();
            throw new IllegalStateException("the embedding of a panel's own column is held by the panel");
        }
        return resolved;
    }

    /**
     * Soft slices of the rows by a column's embedding (the same cache as clusterBy): a diagonal Gaussian mixture over
     * its top principal components, 5 slices; each row has a score for every slice.
     */
    public SliceBy sliceBy(String column) {
        return sliceBy(column, SliceOptions.defaults());
    }

    /** {@link #sliceBy(String)} with other options: {@code sliceBy("text", SliceOptions.defaults().withSlices(8))}. */
    public SliceBy sliceBy(String column, SliceOptions options) {
        checkOpen();
        return Slicing.sliceBy(this, column, options);
    }

    /**
     * Where a model errs: Domino's error-aware mixture over the embedding of {@code by} (the same cache as clusterBy),
     * the {@code target} labels and the {@code prediction} (labels, or a float64 probability of the positive class
     * when the target is 0/1 or false/true). Slices are ranked by error rate, slice 0 the highest; name them with
     * {@link SliceBy#describe()}.
     */
    public SliceBy explainBy(String by, String target, String prediction) {
        return explainBy(by, target, prediction, SliceOptions.defaults());
    }

    /** {@link #explainBy(String, String, String)} with other options. */
    public SliceBy explainBy(String by, String target, String prediction, SliceOptions options) {
        checkOpen();
        return Slicing.explainBy(this, by, target, prediction, options);
    }

    // ---- hidden columns: the embedding cache ----

    Column hiddenColumn(String name) {
        synchronized (hidden) {
            HiddenEntry entry = hidden.get(name);
            return entry == null ? null : entry.column();
        }
    }

    /** The hidden column of that name, if it was derived from content with this fingerprint; else null. */
    TensorColumn cachedTensor(String name, String fingerprint) {
        synchronized (hidden) {
            HiddenEntry entry = hidden.get(name);
            return entry != null && entry.fingerprint().equals(fingerprint) ? entry.column() : null;
        }
    }

    /** Stores a hidden column in place, replacing a stale one of the same name. The panel takes ownership. */
    void putHidden(String name, TensorColumn column, String source, String derivation, String fingerprint) {
        checkOpen();
        if (column.size() != size) throw new IllegalArgumentException("hidden column size " + column.size() + " != " + size);
        column.retain();
        HiddenEntry old;
        synchronized (hidden) {
            old = hidden.put(name, new HiddenEntry(column, source, derivation, fingerprint));
        }
        if (old != null) old.column().release();
    }

    private Map<String, HiddenEntry> hiddenSnapshot() {
        synchronized (hidden) {
            return new LinkedHashMap<>(hidden);
        }
    }

    private DataPanel derive(List<Column> visible, Map<String, HiddenEntry> hiddenEntries) {
        checkOpen();
        return new DataPanel(visible, hiddenEntries, size);
    }

    private void checkOpen() {
        if (closed) throw new ClusterbyException("this DataPanel is closed");
    }

    /** Frees the off-heap memory of tensor columns no other panel holds. Safe to call twice. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Column column : columns.values()) if (column instanceof TensorColumn t) t.release();
        synchronized (hidden) {
            for (HiddenEntry entry : hidden.values()) entry.column().release();
        }
    }

    @Override
    public String toString() {
        return toString(10);
    }

    /** A readable table of the first rows. */
    public String toString(int maxRows) {
        if (closed) return "DataPanel (closed)";
        List<Column> cols = new ArrayList<>(columns.values());
        int shown = Math.min(size, maxRows);
        String[][] cells = new String[shown + 1][cols.size()];
        int[] widths = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            Column column = cols.get(c);
            cells[0][c] = column.name();
            for (int r = 0; r < shown; r++) cells[r + 1][c] = column.isMissing(r) ? "null" : column.format(r);
            for (int r = 0; r <= shown; r++) widths[c] = Math.max(widths[c], cells[r][c].length());
        }
        StringBuilder out = new StringBuilder();
        out.append("DataPanel: ").append(size).append(" rows × ").append(cols.size()).append(" columns");
        Set<String> hiddenNames;
        synchronized (hidden) {
            hiddenNames = hidden.keySet();
            if (!hiddenNames.isEmpty()) out.append(" (+").append(hiddenNames.size()).append(" hidden)");
        }
        out.append('\n');
        for (int r = 0; r <= shown; r++) {
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) out.append(" │ ");
                boolean numeric = cols.get(c).type().isNumeric() && r > 0;
                String cell = cells[r][c];
                String pad = " ".repeat(widths[c] - cell.length());
                out.append(numeric ? pad + cell : cell + pad);
            }
            out.append('\n');
            if (r == 0) {
                for (int c = 0; c < cols.size(); c++) {
                    if (c > 0) out.append("─┼─");
                    out.append("─".repeat(widths[c]));
                }
                out.append('\n');
            }
        }
        if (size > shown) out.append("… ").append(size - shown).append(" more rows\n");
        return out.toString();
    }
}
