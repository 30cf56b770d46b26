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
        Object kValue = k == null ? null : parseK(k); // before any reading or embedding
        Settings settings = Flags.settings(backend, device, cacheDir, maxTokens);
        if (!Files.exists(input)) throw new ClusterbyException.BadFile("file not found: " + input);
        if (describe != null && !describe.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            throw new ClusterbyException.BadOption("--describe", "writes a .csv file, got '" + describe + "'");
        }
        Map<String, Agg> aggs = parseAggregates();
        if (saveModel != null) PredictCommand.checkWritable(saveModel, "--save-model");
        try (DataPanel panel = DataPanel.read(input)) {
            if (panel.isEmpty()) throw new ClusterbyException.InvalidData(input + " has no rows");
            String column = by != null ? by : onlyTensorColumn(panel);
            Column byColumn = panel.column(column);
            for (String name : aggs.keySet()) panel.column(name);
            if (textColumn != null) {
                Column text = panel.column(textColumn);
                if (text.type() != ColumnType.STRING) {
                    throw new ClusterbyException.BadOption("--text-column", "column '" + textColumn + "' is "
                            + text.type().name().toLowerCase(java.util.Locale.ROOT) + ", not text; keywords need a text column");
                }
            }
            ProgressBar progress = new ProgressBar(stderr, "embedding");
            ClusterSpec<?> clusterSpec = ClusterSpec.defaults().withMethod(method).withEncoder(encoder)
                    .withParams(params(kValue)).withSettings(settings).withProgress(progress)
                    .withInstruction(instruction());
            ClusterBy<?> cb = panel.clusterBy(column, clusterSpec);
            progress.finish();
            DataPanel described = cb.describe(textColumn == null ? DescribeOptions.defaults()
                    : DescribeOptions.defaults().withTextColumn(textColumn));
            Report.clusters(stdout, cb, described, byColumn.type() == ColumnType.TENSOR ? null : column, 3);
            if (describe != null) described.write(describe);
            if (!aggs.isEmpty()) stdout.print(cb.aggregate(aggs).toString(Integer.MAX_VALUE));
            if (out != null) write(cb, out);
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
        }
        return 0;
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
        if (kValue != null) params.put("k", kValue);
        if (seed != null) params.put("seed", seed);
        if (maxIter != null) params.put("max-iter", maxIter);
        if (tol != null) params.put("tol", tol);
        return params;
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

    private Map<String, Agg> parseAggregates() {
        Map<String, Agg> aggs = new LinkedHashMap<>();
        for (String item : aggregates) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new ClusterbyException.BadOption("--agg", "expected COL:FUNC, got '" + item + "'");
            }
            aggs.put(item.substring(0, colon), Agg.parse(item.substring(colon + 1)));
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
        String name = out.getFileName().toString().toLowerCase();
        if (name.endsWith(".npy")) {
            try (DataPanel labels = DataPanel.of(cb.result().labels())) {
                labels.write(out);
            }
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
