package dev.clusterby.cli;

import dev.clusterby.Clustering;
import dev.clusterby.embed.Encoder;

import dev.clusterby.Agg;
import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterModel;
import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Settings;
import dev.clusterby.Column;
import dev.clusterby.ColumnType;
import dev.clusterby.Crop;
import dev.clusterby.DataPanel;
import dev.clusterby.DescribeOptions;
import dev.clusterby.Instruction;
import dev.clusterby.Metrics;
import dev.clusterby.ReportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clusterby cluster INPUT --by COL …}: read, embed (cached), cluster, report, write. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Cluster the rows of INPUT (.csv, .tsv, .jsonl, .npy, an image folder or an IDX file) by a column.")
final class ClusterCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The input file or folder.")
    Path input;

    @Option(names = "--by", paramLabel = "COL", description = "The column to cluster by (optional for .npy).")
    String by;

    @Option(names = "--method", defaultValue = "kmeans", description = "Clustering method (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--k", description = "Number of clusters, or auto to choose it (kmeans: silhouette, gmm: BIC; "
            + "range with --param k-min=… --param k-max=…). Default: the method's; 8 for kmeans.")
    String k;

    @Option(names = "--encoder", defaultValue = "auto", description = "Encoder name, or auto for the column's modality.")
    String encoder;

    @Option(names = "--seed", description = "Random seed.")
    Long seed;

    @Option(names = "--max-iter", description = "Maximum iterations.")
    Integer maxIter;

    @Option(names = "--tol", description = "Convergence tolerance (0 runs every iteration).")
    Double tol;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Any other option of the method.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--backend", description = "Compute backend, case-insensitive: auto, native, java, opencl, scalar (default: $CLUSTERBY_BACKEND, else auto).")
    String backend;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the rows plus a cluster column (.csv, .jsonl, .parquet) or the labels (.npy).")
    Path out;

    @Option(names = "--agg", paramLabel = "COL:FUNC", description = "Aggregate a column per cluster: mean, sum, count, min, max, median, std, first.")
    List<String> aggregates = List.of();

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache folder.")
    Path cacheDir;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Where ONNX encoders run: auto (CUDA when the GPU build and a GPU are there), cpu, cuda.")
    String device;

    @Option(names = "--max-tokens", paramLabel = "N", description = "A text encoder reads at most N word pieces of each text and drops the rest (default: the encoder's own, 512 for bge-small).")
    Integer maxTokens;

    @Option(names = "--instruction", paramLabel = "TEXT", description = "What to group by, in words, e.g. \"group by colour\".")
    String instruction;

    @Option(names = "--template", paramLabel = "TEXT", description = "A prompt with {} filled by each of --values, e.g. \"photo with a {} background\".")
    String template;

    @Option(names = "--values", paramLabel = "A,B,…", split = ",", description = "Values for --template.")
    List<String> values;

    @Option(names = "--top-k", paramLabel = "N", description = "Dimensions kept by --instruct-method mask (default 50).")
    Integer topK;

    @Option(names = "--instruct-method", paramLabel = "M", description = "mask, subspace or discover (default: subspace with --values, else discover).")
    String instructMethod;

    @Option(names = "--mask-similarity", paramLabel = "S", description = "For mask: dot (mask = largest |t_j|) or cosine (default).")
    String maskSimilarity;

    @Option(names = "--crop", paramLabel = "x0,y0,x1,y1", description = "Embed this region of each image: pixels, or fractions with a decimal point.")
    String crop;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a self-contained HTML report: the map coloured by cluster, a card per cluster, the run's summary.")
    Path report;

    @Option(names = "--labels", paramLabel = "COL", description = "A column of known labels: prints (and reports) the ARI and NMI against it.")
    String labels;

    @Option(names = "--save-model", paramLabel = "FILE", description = "Save the fitted model (a zip) for predict.")
    Path saveModel;

    @Option(names = "--describe", paramLabel = "FILE.csv", description = "Write one row per cluster: cluster,size,name,keywords (;-separated),exemplars (row indices),exemplar_values,cohesion,phrases.")
    Path describe;

    @Option(names = "--text-column", paramLabel = "COL", description = "The text column for keywords and names (default: the clustered column when it holds text).")
    String textColumn;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
        // Everything that can be checked without the data is checked before reading, embedding or clustering it.
        Object kValue = k == null ? null : parseK(k);
        Flags.checkReportFile(report);
        Settings settings = Flags.settings(backend, device, cacheDir, maxTokens);
        if (!Files.exists(input)) throw new ClusterbyException.BadFile("file not found: " + input);
        if (describe != null && !describe.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            throw new ClusterbyException.BadOption("--describe", "writes a .csv file, got '" + describe + "'");
        }
        List<Aggregate> aggs = parseAggregates();
        Map<String, Object> params = params(kValue);
        if (out != null) checkOut();
        if (saveModel != null) PredictCommand.checkWritable(saveModel, "--save-model");
        Instruction steering = instruction();
        try (DataPanel panel = DataPanel.read(input)) {
            if (panel.isEmpty()) throw new ClusterbyException.InvalidData(input + " has no rows");
            String column = by != null ? by : onlyTensorColumn(panel);
            Column byColumn = panel.column(column);
            checkAggregates(panel, aggs);
            if (labels != null && !panel.hasColumn(labels)) {
                throw new ClusterbyException.BadOption("--labels", "no column '" + labels + "'; columns: " + panel.columnNames());
            }
            if (textColumn != null) {
                Column text = panel.column(textColumn);
                if (text.type() != ColumnType.STRING) {
                    throw new ClusterbyException.BadOption("--text-column", "column '" + textColumn + "' is "
                            + text.type().name().toLowerCase(java.util.Locale.ROOT) + ", not text; keywords need a text column");
                }
            }
            if (out != null && !isNpy(out) && panel.hasColumn("cluster")) {
                stderr.println("note: " + input + " has a column 'cluster' of its own; the labels go to 'cluster_1' (or the next free cluster_N)");
            }
            ProgressBar progress = new ProgressBar(stderr, "embedding");
            ClusterBy<?> cb;
            try {
                ClusterSpec<?> clusterSpec = ClusterSpec.defaults().withMethod(method).withEncoder(encoder)
                        .withParams(params).withSettings(settings).withProgress(progress).withInstruction(steering);
                cb = panel.clusterBy(column, clusterSpec);
            } finally {
                progress.finish(); // an error then starts a line of its own
            }
            DataPanel described = cb.describe(textColumn == null ? DescribeOptions.defaults()
                    : DescribeOptions.defaults().withTextColumn(textColumn));
            Report.clusters(stdout, cb, described, byColumn.type() == ColumnType.TENSOR ? null : column, 3);
            if (describe != null) described.write(describe);
            if (!aggs.isEmpty()) stdout.print(aggregate(cb, aggs).toString(Integer.MAX_VALUE));
            if (out != null) write(cb, input, out);
            if (saveModel != null) {
                ClusterModel kept = ClusterModel.of(cb);
                if (described.size() == kept.k()) {
                    // The describe table's names and keywords travel with the model; predict prints them.
                    kept = kept.withNames(described.stringColumn("name").values(), described.stringColumn("keywords").values());
                }
                kept.save(saveModel);
                stdout.println("model: " + saveModel);
            }
            Report.autoK(stdout, cb.result());
            Report.summaryLines(stdout, cb.result());
            if (cb.result().instructionReport() != null) stdout.println("instruction: " + cb.result().instructionReport().summary());
            if (labels != null) {
                int[] truth = panel.groupBy(labels).labels().toIntArray(-1), found = cb.result().labels().toIntArray(-1);
                stdout.printf(java.util.Locale.ROOT, "quality against %s: ARI %.3f, NMI %.3f%n", labels,
                        Metrics.adjustedRandIndex(truth, found), Metrics.normalizedMutualInfo(truth, found));
            }
            if (report != null) {
                cb.report(report, ReportOptions.defaults().withInput(input.getFileName().toString()).withAggregates(firstPerColumn(aggs)).withLabels(labels)
                        .withDescribe(textColumn == null ? DescribeOptions.defaults() : DescribeOptions.defaults().withTextColumn(textColumn)));
                stdout.println("report: " + report);
            }
        }
        return 0;
    }

    /** One {@code --agg COL:FUNC}, in the order given; the same column may come with several functions. */
    record Aggregate(String column, Agg agg) {}

    /** {@code --out}: a format we write, a folder that exists, and never the input itself (it would be overwritten). */
    private void checkOut() {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!(name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".jsonl") || name.endsWith(".ndjson")
                || name.endsWith(".parquet") || isNpy(out))) {
            throw new ClusterbyException.BadOption("--out", "'" + out + "' must end in .csv, .tsv, .jsonl, .parquet or .npy");
        }
        Path absolute = out.toAbsolutePath().normalize();
        Path inputPath = input.toAbsolutePath().normalize();
        boolean same = absolute.equals(inputPath);
        try {
            same |= Files.exists(out) && Files.isSameFile(out, input);
        } catch (java.io.IOException e) {
            throw new ClusterbyException.BadOption("--out", "cannot check '" + out + "': " + e.getMessage());
        }
        if (same) throw new ClusterbyException.BadOption("--out", "'" + out + "' is the input; write the labelled rows to another file");
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new ClusterbyException.BadOption("--out", "folder '" + folder + "' does not exist");
        }
        if (!Files.isWritable(folder) || Files.isDirectory(out) || (Files.exists(out) && !Files.isWritable(out))) {
            throw new ClusterbyException.BadOption("--out", "cannot write '" + out + "'");
        }
    }

    private static boolean isNpy(Path path) {
        return path.getFileName() != null && path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
    }

    /** Each {@code --agg} column exists and its function applies to its type: tried on the first row, before clustering. */
    private static void checkAggregates(DataPanel panel, List<Aggregate> aggs) {
        if (aggs.isEmpty()) return;
        for (Aggregate a : aggs) panel.column(a.column());
        String[] named = aggs.stream().map(Aggregate::column).distinct().toArray(String[]::new);
        try (DataPanel first = panel.select(named).head(1)) {
            String key = "group";
            while (first.hasColumn(key)) key += "_";
            DataPanel keyed = first.withColumn(dev.clusterby.IntColumn.of(key, new int[first.size()]));
            for (Aggregate a : aggs) {
                try {
                    keyed.groupBy(key).aggregate(a.column(), a.agg());
                } catch (ClusterbyException e) {
                    throw new ClusterbyException.BadOption("--agg", a.column() + ":" + a.agg().label() + ": " + e.getMessage());
                }
            }
        }
    }

    /** The report's cards take one aggregate per column (ReportOptions): the first one given for each. */
    private static java.util.Map<String, Agg> firstPerColumn(List<Aggregate> aggs) {
        java.util.Map<String, Agg> out = new java.util.LinkedHashMap<>();
        for (Aggregate a : aggs) out.putIfAbsent(a.column(), a.agg());
        return out;
    }

    /** The per-cluster table: cluster, size, then each aggregate in the order given. */
    private static DataPanel aggregate(ClusterBy<?> cb, List<Aggregate> aggs) {
        List<Column> columns = new java.util.ArrayList<>();
        columns.add(cb.keys());
        columns.add(dev.clusterby.IntColumn.of("size", cb.sizes()));
        for (Aggregate a : aggs) {
            DataPanel one = cb.aggregate(a.column(), a.agg());
            columns.add(one.columns().get(one.columnCount() - 1));
        }
        return DataPanel.of(columns);
    }

    /** The instruction options as one Instruction, or null when none is given; misfits fail naming the option. */
    private Instruction instruction() {
        boolean any = instruction != null || template != null || values != null || topK != null
                || instructMethod != null || maskSimilarity != null || crop != null;
        if (!any) return null;
        if (values != null && template == null) {
            throw new ClusterbyException.BadOption("--values", "needs --template with {} where each value goes");
        }
        if (instruction == null && template == null && crop == null) {
            throw new ClusterbyException.BadOption(topK != null ? "--top-k" : instructMethod != null ? "--instruct-method" : "--mask-similarity",
                    "needs --instruction (or --template with --values)");
        }
        Instruction result = instruction != null ? Instruction.text(instruction)
                : template != null ? Instruction.template(template) : Instruction.crop(Crop.parse(crop));
        if (template != null) result = result.withTemplate(template);
        if (values != null) result = result.withValues(values);
        if (crop != null) result = result.withCrop(Crop.parse(crop));
        if (topK != null) result = result.withTopK(topK);
        if (instructMethod != null) result = result.withMethod(instructMethod);
        if (maskSimilarity != null) result = result.withMaskSimilarity(maskSimilarity);
        return result;
    }

    private Map<String, Object> params(Object kValue) {
        Map<String, Object> params = new LinkedHashMap<>(extra);
        put(params, "k", "--k", kValue);
        put(params, "seed", "--seed", seed);
        put(params, "max-iter", "--max-iter", maxIter);
        put(params, "tol", "--tol", tol);
        return params;
    }

    /** A flag's value; the same key also given by {@code --param} is a conflict, not a silent override. */
    private static void put(Map<String, Object> params, String key, String flag, Object value) {
        if (value == null) return;
        if (params.containsKey(key)) {
            throw new ClusterbyException.BadOption(flag, "given twice: " + flag + " " + value + " and --param " + key + "="
                    + params.get(key) + "; keep one");
        }
        params.put(key, value);
    }

    /** A positive integer or {@code auto}. */
    static Object parseK(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("auto")) return "auto";
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) return parsed;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ClusterbyException.BadOption("--k", "expected a positive integer or 'auto', got '" + text + "'");
    }

    private List<Aggregate> parseAggregates() {
        List<Aggregate> aggs = new java.util.ArrayList<>();
        for (String item : aggregates) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new ClusterbyException.BadOption("--agg", "expected COL:FUNC, got '" + item + "'");
            }
            Aggregate a = new Aggregate(item.substring(0, colon), Agg.parse(item.substring(colon + 1)));
            if (aggs.contains(a)) throw new ClusterbyException.BadOption("--agg", "'" + item + "' is given twice");
            aggs.add(a);
        }
        return aggs;
    }

    static String onlyTensorColumn(DataPanel panel) {
        List<String> tensors = panel.columns().stream().filter(c -> c.type() == ColumnType.TENSOR).map(Column::name).toList();
        if (tensors.size() == 1) return tensors.get(0);
        throw new ClusterbyException.BadOption("--by", "is required for this input; its columns are " + panel.columnNames());
    }

    /** The rows plus a cluster column (.csv, .jsonl), or the labels alone (.npy). */
    static void write(ClusterBy<?> cb, Path out) {
        write(cb, null, out);
    }

    /**
     * The labelled rows to {@code out}; with the {@code source} file they were read from, a CSV/TSV/JSON Lines
     * {@code out} of its format keeps every input value as written (null: the typed values).
     */
    static void write(ClusterBy<?> cb, Path source, Path out) {
        String name = out.getFileName().toString().toLowerCase();
        if (name.endsWith(".npy")) {
            try (DataPanel labels = DataPanel.of(cb.result().labels())) {
                labels.write(out);
            }
            return;
        }
        if (source != null && !name.endsWith(".parquet")) {
            cb.writeLabelled(source, out); // CSV, TSV or JSON Lines from one of those: every value as written, the cluster column appended
            return;
        }
        try (DataPanel labelled = cb.toDataPanel()) {
            if (name.endsWith(".parquet")) {
                // Parquet holds vectors: every input column stays beside cluster, as Spark keeps them.
                labelled.write(out);
                return;
            }
            DataPanel visible = labelled.select(labelled.columns().stream()
                    .filter(c -> c.type() != ColumnType.TENSOR).map(Column::name).toArray(String[]::new));
            visible.write(out);
        }
    }
}
