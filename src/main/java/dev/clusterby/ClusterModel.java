package dev.clusterby;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.clusterby.cluster.Clusterer;
import dev.clusterby.cluster.GaussianMixture;
import dev.clusterby.cluster.ModelState;
import dev.clusterby.cluster.SavableModel;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.cluster.ModelReaders;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.embed.Encoders;
import dev.clusterby.internal.io.ModelArchive;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A clustering kept for use again: what labelling new rows needs, and nothing of the training rows (but the
 * bounded sample that hierarchical and spectral clustering keep for their predict rule). Take one from a
 * {@link ClusterBy} ({@link #of(ClusterBy)}), {@link #save} it, {@link #load} it in another process, and label
 * new rows with {@link #predict(DataPanel)} or {@code panel.clusterBy(column, model)}.
 *
 * <p>It holds the method and its options, the fitted state ({@link SavableModel#state()}), the encoder id and
 * version fingerprint, the column's name, type and modality, the instruction's text and linear view when one was
 * used, the stable cluster ids of a {@link #refit}, and optional cluster names and descriptions. On disk it is a
 * zip of a JSON manifest and {@code .npy} arrays with a format version and a checksum (the README's
 * "Model files" section).
 *
 * <p>Predict rules: k-means and mini-batch k-means the nearest centroid; GMM the highest posterior
 * ({@link #predictProba}); hierarchical and spectral the majority of the 10 nearest of at most 4,096 kept
 * training rows; auto-k that of the chosen method.
 */
public final class ClusterModel {
    /** How the columns of a model are embedded: text and images by an encoder, tensors and numbers as they are. */
    public enum Modality {
        /** A string column, embedded by a text encoder. */
        TEXT,
        /** An image column, embedded by an image encoder. */
        IMAGE,
        /** A tensor column, clustered as it is. */
        TENSOR,
        /** An int, double or boolean column, clustered as one number per row. */
        NUMERIC;

        /** The manifest spelling: {@code text}, {@code image}, {@code tensor}, {@code numeric}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Modality of(Column column) {
            return switch (column) {
                case StringColumn s -> TEXT;
                case ImageColumn i -> IMAGE;
                case TensorColumn t -> TENSOR;
                default -> NUMERIC;
            };
        }
    }

    /** The instruction's view, kept so new rows get the same view: a mask's dimensions or a subspace's basis. */
    record View(String text, String method, int[] dims, double[][] basis) {
        int width() {
            return dims != null ? dims.length : basis.length;
        }
    }

    private final String method;
    private final Map<String, Object> params;
    private final Clusterer.Fitted fitted;
    private final String encoder;
    private final String encoderVersion;
    private final Modality modality;
    private final String column;
    private final int dimension;
    private final View view;
    private final int[] ids;
    private final List<String> names;
    private final List<String> descriptions;

    ClusterModel(String method, Map<String, Object> params, Clusterer.Fitted fitted, String encoder, String encoderVersion,
                 Modality modality, String column, int dimension, View view, int[] ids, List<String> names,
                 List<String> descriptions) {
        this.method = method;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.fitted = fitted;
        this.encoder = encoder;
        this.encoderVersion = encoderVersion;
        this.modality = modality;
        this.column = column;
        this.dimension = dimension;
        this.view = view;
        this.ids = ids;
        // Lists that may hold null entries (a cluster without a name).
        this.names = names == null ? null : Collections.unmodifiableList(new ArrayList<>(names));
        this.descriptions = descriptions == null ? null : Collections.unmodifiableList(new ArrayList<>(descriptions));
    }

    /** The model of a clustering; {@link #save} says so when the method's model cannot be saved. */
    public static ClusterModel of(ClusterBy<?> clustering) {
        return clustering.savedModel();
    }

    /** The model of a clustering result, as {@link #of(ClusterBy)}; the result must come from this process's clusterBy or fit. */
    public static ClusterModel of(ClusterResult<?> result) {
        return Clustering.savedModel(result);
    }

    // ---- what it holds ----

    /** The method's registered name, such as {@code kmeans} or {@code gmm}. */
    public String method() {
        return method;
    }

    /** The method's options as the kebab-case map ({@code k}, {@code seed}, …) the fit was given. */
    public Map<String, Object> params() {
        return params;
    }

    /**
     * The fitted model that labels new points: the method's own model, or for hierarchical and spectral clustering
     * the nearest-training-points rule; its {@code labels()} are empty once loaded from a file.
     */
    public Clusterer.Fitted fitted() {
        return fitted;
    }

    /** The number of cluster ids: k, or more after a {@link #refit} gave unmatched clusters new ids. */
    public int k() {
        if (ids == null) return fitted.k();
        int max = -1;
        for (int id : ids) max = Math.max(max, id);
        return max + 1;
    }

    /** The encoder id, or {@code none} for tensor and numeric columns. */
    public String encoder() {
        return encoder;
    }

    /** The encoder's version fingerprint (a hash of its model files), or {@code none}. */
    public String encoderVersion() {
        return encoderVersion;
    }

    /** How the column was embedded. */
    public Modality modality() {
        return modality;
    }

    /** The column the model was fitted on; {@link #predict(DataPanel)} reads the column of that name. */
    public String column() {
        return column;
    }

    /** The width of the embedding (before an instruction's view). */
    public int dimension() {
        return dimension;
    }

    /** The instruction's text when one steered the fit, else null. */
    public String instruction() {
        return view == null ? null : view.text();
    }

    /** The cluster names (one per id; an entry may be null), or null until {@link #withNames} gives them ({@code cluster --save-model} takes describe's). */
    public List<String> names() {
        return names;
    }

    /** The cluster descriptions (one per id), or null. */
    public List<String> descriptions() {
        return descriptions;
    }

    /**
     * This model with cluster names and descriptions, one per cluster id (null for none); saved with it.
     *
     * @throws ClusterbyException.BadOption when a list's length is not {@link #k()}
     */
    public ClusterModel withNames(List<String> newNames, List<String> newDescriptions) {
        for (List<String> list : Arrays.asList(newNames, newDescriptions)) {
            if (list != null && list.size() != k()) {
                throw new ClusterbyException.BadOption("names", list.size() + " entries for " + k() + " clusters");
            }
        }
        return new ClusterModel(method, params, fitted, encoder, encoderVersion, modality, column, dimension, view, ids,
                newNames, newDescriptions);
    }

    ClusterModel withIds(int[] newIds) {
        return new ClusterModel(method, params, fitted, encoder, encoderVersion, modality, column, dimension, view,
                newIds, names, descriptions);
    }

    // ---- predict ----

    /** The cluster of each row of the model's column in the panel ({@code -1} where a row cannot be embedded). */
    public IntColumn predict(DataPanel panel) {
        return panel.clusterBy(column, this).result().labels();
    }

    /** The cluster of each row of another column of the panel, of the model's modality. */
    public IntColumn predict(DataPanel panel, String columnName) {
        return panel.clusterBy(columnName, this).result().labels();
    }

    /**
     * The GMM posteriors of the model's column, one row of k probabilities per row (NaN rows where a row cannot be
     * embedded).
     *
     * @throws ClusterbyException.BadOption for a model that is not a mixture
     */
    public float[][] predictProba(DataPanel panel) {
        if (!(fitted instanceof GaussianMixture.Model mixture)) {
            throw new ClusterbyException.BadOption("method", "predictProba needs a gmm model; this one is " + method);
        }
        return Clustering.withPoints(panel, panel.column(column), this, Settings.unset(), (points, backend, rows) -> {
            float[] p = mixture.predictProba(points, backend);
            int k = mixture.k();
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                float[] row = new float[k()];
                Arrays.fill(row, Float.NaN);
                if (rows[i] >= 0) {
                    Arrays.fill(row, 0f);
                    for (int c = 0; c < k; c++) row[id(c)] = p[rows[i] * k + c];
                }
                out[i] = row;
            }
            return out;
        });
    }

    /** The stable id of the fitted model's cluster c. */
    int id(int c) {
        return ids == null || c < 0 ? c : ids[c];
    }

    /** Labels of points already embedded (and viewed), in stable ids. */
    int[] label(FloatMatrix points, ComputeBackend backend) {
        int[] labels = fitted.predict(points, backend);
        for (int i = 0; i < labels.length; i++) labels[i] = id(labels[i]);
        return labels;
    }

    /** The instruction's view of embedded rows, in the arena; the rows themselves when there is none. */
    FloatMatrix view(FloatMatrix embedded, Arena arena) {
        if (view == null) return embedded;
        return view.dims() != null ? dev.clusterby.internal.instruct.Steering.select(embedded, view.dims(), arena)
                : dev.clusterby.internal.instruct.Steering.project(embedded, view.basis(), arena);
    }

    /** Fails unless the column can be labelled by this model: same modality, and for tensors the same width. */
    void checkColumn(Column target) {
        Modality actual = Modality.of(target);
        if (actual != modality) {
            throw new ClusterbyException.InvalidData("column '" + target.name() + "' is " + target.type().name()
                    .toLowerCase(Locale.ROOT) + " (" + actual.id() + "), but the model was fitted on " + modality.id()
                    + " column '" + column + "'");
        }
        if (target instanceof TensorColumn t && t.dim() != dimension) {
            throw new ClusterbyException.InvalidData("tensor column '" + target.name() + "' is " + t.dim()
                    + "-d, but the model was fitted on " + dimension + "-d vectors");
        }
    }

    // ---- stable ids ----

    /**
     * Fits the panel's column anew with this model's method, options and encoder, then numbers the new clusters so
     * that each keeps the id of the old cluster it shares the most rows with: this model labels the new rows, and
     * Hungarian matching on that contingency table pairs old and new clusters. New clusters that match nothing get
     * the next free ids. The returned clustering's labels and {@link ClusterModel#of(ClusterBy)} use these ids; its
     * {@code model()} keeps the fit's own numbering.
     */
    public ClusterBy<Clusterer.Fitted> refit(DataPanel panel) {
        return refit(panel, ClusterSpec.defaults().withMethod(method).withEncoder(encoder).withParams(params));
    }

    /** {@link #refit(DataPanel)} with another spec (another seed or k, say); the column is this model's. */
    public <M extends Clusterer.Fitted> ClusterBy<M> refit(DataPanel panel, ClusterSpec<M> spec) {
        return Clustering.refit(panel, column, spec, this);
    }

    // ---- files ----

    /**
     * Writes the model to a zip file at {@code path} (replaced atomically): {@code manifest.json}, one {@code .npy}
     * per array, {@code manifest.sha256}.
     */
    public void save(Path path) {
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", ModelArchive.FORMAT);
        manifest.addProperty("format-version", ModelArchive.FORMAT_VERSION);
        manifest.addProperty("written-by", "clusterby " + version());
        manifest.addProperty("method", method);
        manifest.add("params", toJson(params));
        manifest.addProperty("k", k());
        JsonObject col = new JsonObject();
        col.addProperty("name", column);
        col.addProperty("modality", modality.id());
        col.addProperty("dimension", dimension);
        manifest.add("column", col);
        JsonObject enc = new JsonObject();
        enc.addProperty("id", encoder);
        enc.addProperty("version", encoderVersion);
        manifest.add("encoder", enc);
        Map<String, ModelState.Array> arrays = new LinkedHashMap<>();
        if (!(fitted instanceof SavableModel savable)) {
            throw new ClusterbyException.Unavailable("cannot save the model of method '" + method + "' to " + path
                    + ": its fitted model " + fitted.getClass().getName() + " does not implement "
                    + SavableModel.class.getName() + " (give it predict and state(), and register a "
                    + dev.clusterby.cluster.ModelReader.class.getName() + ")");
        }
        ModelState state = savable.state();
        JsonObject st = new JsonObject();
        st.addProperty("kind", state.kind());
        st.addProperty("version", state.version());
        JsonObject values = new JsonObject();
        state.values().forEach(values::addProperty);
        st.add("values", values);
        manifest.add("state", st);
        state.arrays().forEach((name, array) -> arrays.put("state/" + name, array));
        if (view != null) {
            JsonObject v = new JsonObject();
            v.addProperty("text", view.text());
            v.addProperty("method", view.method());
            v.addProperty("width", view.width());
            manifest.add("instruction", v);
            if (view.dims() != null) {
                arrays.put("instruction-dims", new ModelState.Array(ModelState.Dtype.INT32, new int[] {view.dims().length}, view.dims().clone()));
            } else {
                int r = view.basis().length;
                double[] flat = new double[r * dimension];
                for (int i = 0; i < r; i++) System.arraycopy(view.basis()[i], 0, flat, i * dimension, dimension);
                arrays.put("instruction-basis", new ModelState.Array(ModelState.Dtype.FLOAT64, new int[] {r, dimension}, flat));
            }
        } else {
            manifest.add("instruction", JsonNull.INSTANCE);
        }
        if (ids != null) arrays.put("ids", new ModelState.Array(ModelState.Dtype.INT32, new int[] {ids.length}, ids.clone()));
        manifest.add("names", strings(names));
        manifest.add("descriptions", strings(descriptions));
        ModelArchive.write(path, manifest, arrays);
    }

    /**
     * Reads a model file written by {@link #save} (or the folder it unzips to), checks its checksum, format version
     * and encoder, and returns the model.
     *
     * @throws ClusterbyException.BadFile for a missing, truncated, corrupt or newer-format file, naming the file
     * @throws ClusterbyException.Unavailable when the model's encoder is not on the classpath or has another version;
     *                                        the message names the file and what to add
     */
    public static ClusterModel load(Path path) {
        ClusterModel model = read(path);
        model.checkEncoder(path);
        return model;
    }

    /** Parses and checks a model file without looking for its encoder: the part that meets untrusted bytes. */
    static ClusterModel read(Path path) {
        ModelArchive.Contents contents = ModelArchive.read(path);
        try {
            return fromManifest(contents.manifest(), contents.arrays());
        } catch (ClusterbyException e) {
            throw new ClusterbyException.BadFile("model file " + path + " is not a valid model: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new ClusterbyException.BadFile("model file " + path + " is corrupt: " + e, e);
        }
    }

    private static ClusterModel fromManifest(JsonObject manifest, Map<String, ModelState.Array> arrays) {
        Json m = new Json(manifest, "manifest");
        Json col = m.object("column");
        Modality modality;
        try {
            modality = Modality.valueOf(col.string("modality").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ClusterbyException("column modality '" + col.string("modality") + "' is unknown");
        }
        int dimension = col.integer("dimension");
        Json enc = m.object("encoder");
        Json st = m.object("state");
        Map<String, String> values = new LinkedHashMap<>();
        for (var e : st.object("values").json.entrySet()) {
            if (!e.getValue().isJsonPrimitive()) throw new ClusterbyException("state value '" + e.getKey() + "' is not a scalar");
            values.put(e.getKey(), e.getValue().getAsString());
        }
        Map<String, ModelState.Array> stateArrays = new LinkedHashMap<>();
        arrays.forEach((name, array) -> {
            if (name.startsWith("state/")) stateArrays.put(name.substring("state/".length()), array);
        });
        SavableModel fitted = ModelReaders.read(ModelState.of(st.string("kind"), st.integer("version"), values, stateArrays));
        if (fitted.k() < 1) throw new ClusterbyException("the fitted state has k = " + fitted.k());
        View view = null;
        JsonElement instruction = manifest.get("instruction");
        if (instruction != null && !instruction.isJsonNull()) {
            Json v = new Json(instruction, "instruction");
            int width = v.integer("width");
            ModelState.Array dims = arrays.get("instruction-dims"), basis = arrays.get("instruction-basis");
            if (dims != null && dims.dtype() == ModelState.Dtype.INT32 && dims.shape().length == 1 && dims.size() == width) {
                int[] d = (int[]) dims.data();
                for (int x : d) if (x < 0 || x >= dimension) throw new ClusterbyException("instruction dimension " + x + " is outside 0.." + (dimension - 1));
                view = new View(v.optionalString("text"), v.string("method"), d, null);
            } else if (basis != null && basis.dtype() == ModelState.Dtype.FLOAT64
                    && Arrays.equals(basis.shape(), new int[] {width, dimension})) {
                double[] flat = (double[]) basis.data();
                double[][] rows = new double[width][];
                for (int i = 0; i < width; i++) rows[i] = Arrays.copyOfRange(flat, i * dimension, (i + 1) * dimension);
                view = new View(v.optionalString("text"), v.string("method"), null, rows);
            } else {
                throw new ClusterbyException("the instruction has no dims or basis of width " + width);
            }
        }
        int viewed = view == null ? dimension : view.width();
        int fittedWidth = widthOf(fitted);
        if (fittedWidth > 0 && fittedWidth != viewed) {
            throw new ClusterbyException("the fitted state is " + fittedWidth + "-d, the column's view " + viewed + "-d");
        }
        int[] ids = null;
        ModelState.Array idArray = arrays.get("ids");
        if (idArray != null) {
            if (idArray.dtype() != ModelState.Dtype.INT32 || idArray.size() != fitted.k() || idArray.shape().length != 1) {
                throw new ClusterbyException("array 'ids' does not hold one int per cluster");
            }
            ids = (int[]) idArray.data();
            boolean[] seen = new boolean[ids.length * 2 + 1];
            for (int id : ids) {
                if (id < 0 || id >= seen.length || seen[id]) throw new ClusterbyException("array 'ids' has a bad or repeated id " + id);
                seen[id] = true;
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (var e : m.object("params").json.entrySet()) {
            JsonElement value = e.getValue();
            if (!value.isJsonPrimitive()) throw new ClusterbyException("param '" + e.getKey() + "' is not a scalar");
            JsonPrimitive p = value.getAsJsonPrimitive();
            params.put(e.getKey(), p.isBoolean() ? p.getAsBoolean() : p.isNumber() ? p.getAsNumber() : p.getAsString());
        }
        ClusterModel model = new ClusterModel(m.string("method"), params, fitted, enc.string("id"), enc.string("version"),
                modality, col.string("name"), dimension, view, ids, null, null);
        List<String> names = m.optionalStrings("names"), descriptions = m.optionalStrings("descriptions");
        return names == null && descriptions == null ? model : model.withNames(names, descriptions);
    }

    private static int widthOf(Clusterer.Fitted fitted) {
        return switch (fitted) {
            case dev.clusterby.cluster.CentroidModel c -> c.dimension();
            case GaussianMixture.Model g -> g.dimension();
            case dev.clusterby.internal.cluster.NearestTrainingPoints r -> r.dimension();
            default -> -1;
        };
    }

    /**
     * {@code given} with the maximum tokens of the fit's encoder version (its third field, see EncoderFingerprints),
     * so a model fitted with {@code max-tokens} embeds new rows as the fit did instead of being refused.
     */
    Settings encoderSettings(Settings given) {
        if (modality != Modality.TEXT) return given;
        String[] fields = encoderVersion.split("-");
        if (fields.length < 4) return given;
        try {
            return given.withEncoderMaxTokens(Integer.parseInt(fields[2]));
        } catch (NumberFormatException e) {
            return given; // another encoder's version format: nothing to carry over
        }
    }

    /** The encoder named in the file must be here, at the same version, or the vectors would not be the fit's. */
    private void checkEncoder(Path path) {
        if (modality == Modality.TENSOR || modality == Modality.NUMERIC) return;
        Encoder found;
        try {
            found = Encoders.resolve(encoder, modality == Modality.TEXT ? Encoder.Modality.TEXT : Encoder.Modality.IMAGE,
                    encoderSettings(Settings.unset()).resolve());
            if (!found.version().equals(encoderVersion)) {
                throw new ClusterbyException.Unavailable("model file " + path + " was made with encoder '" + encoder
                        + "' version " + encoderVersion + ", but this classpath has version " + found.version()
                        + "; its vectors would differ, so refit the model or add the encoder jar it was made with");
            }
        } catch (ClusterbyException.Unavailable | ClusterbyException.UnknownName e) {
            if (e.getMessage().startsWith("model file ")) throw e;
            throw new ClusterbyException.Unavailable("model file " + path + " needs encoder '" + encoder + "' (version "
                    + encoderVersion + "), which cannot be loaded here: " + e.getMessage(), e);
        }
    }

    private static String version() {
        String v = ClusterModel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static JsonObject toJson(Map<String, Object> map) {
        JsonObject out = new JsonObject();
        map.forEach((key, value) -> {
            switch (value) {
                case Number n -> out.addProperty(key, n);
                case Boolean b -> out.addProperty(key, b);
                default -> out.addProperty(key, String.valueOf(value));
            }
        });
        return out;
    }

    private static JsonElement strings(List<String> list) {
        if (list == null) return JsonNull.INSTANCE;
        JsonArray out = new JsonArray();
        list.forEach(out::add);
        return out;
    }

    /** A manifest object read with checks: each missing or mistyped member names itself. */
    private record Json(JsonElement element, String where, JsonObject json) {
        Json(JsonElement element, String where) {
            this(element, where, element != null && element.isJsonObject() ? element.getAsJsonObject() : null);
            if (json == null) throw new ClusterbyException("'" + where + "' is not a JSON object");
        }

        Json object(String key) {
            return new Json(json.get(key), where + "." + key);
        }

        String string(String key) {
            JsonElement value = json.get(key);
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new ClusterbyException("'" + where + "." + key + "' is missing or not a string");
            }
            return value.getAsString();
        }

        String optionalString(String key) {
            JsonElement value = json.get(key);
            return value == null || value.isJsonNull() ? null : string(key);
        }

        int integer(String key) {
            JsonElement value = json.get(key);
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw new ClusterbyException("'" + where + "." + key + "' is missing or not a number");
            }
            double d = value.getAsDouble();
            if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) throw new ClusterbyException("'" + where + "." + key + "' = " + value + " is not a count");
            return (int) d;
        }

        List<String> optionalStrings(String key) {
            JsonElement value = json.get(key);
            if (value == null || value.isJsonNull()) return null;
            if (!value.isJsonArray()) throw new ClusterbyException("'" + where + "." + key + "' is not a list");
            List<String> out = new ArrayList<>();
            for (JsonElement e : value.getAsJsonArray()) {
                if (e.isJsonNull()) {
                    out.add(null);
                    continue;
                }
                if (!e.isJsonPrimitive()) throw new ClusterbyException("'" + where + "." + key + "' holds a non-string");
                out.add(e.getAsString());
            }
            return out;
        }
    }

    /** Method, k, modality, encoder and column; never the arrays. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ClusterModel %s k=%d %s column '%s' encoder %s%s", method, k(), modality.id(),
                column, encoder, view == null ? "" : " instruction '" + view.text() + "'");
    }

    static ComputeBackend backend(Settings settings) {
        return ComputeBackends.select(settings);
    }
}
