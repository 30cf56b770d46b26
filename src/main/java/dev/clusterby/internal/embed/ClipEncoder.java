package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.ImageInput;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * CLIP from an export folder: the image tower ({@code pixel_values} float [N,3,S,S] → {@code image_embeds} [N,D]), the
 * text tower ({@code input_ids}, {@code attention_mask} int64 [N,L] → {@code text_embeds} [N,D]) and the tokenizer,
 * as {@code optimum} and {@code CLIPVisionModelWithProjection}/{@code CLIPTextModelWithProjection} exports name them.
 * A {@code clip.json} beside them may change any of: {@code image_model}, {@code text_model}, {@code tokenizer}
 * (file names), {@code image_size}, {@code mean}, {@code std}, {@code resample} (bicubic|bilinear),
 * {@code image_input}, {@code image_output}, {@code text_input_ids}, {@code text_attention_mask}, {@code text_output},
 * {@code max_length}, {@code pad_id}, {@code batch_size}; the defaults are OpenAI CLIP's. Both outputs are
 * L2-normalised. The text tower is optional; without it, instructions are unavailable.
 *
 * <p>Images: shorter side to the model size (bicubic), centre crop, per-channel mean/std, NCHW float32 in a direct
 * buffer; decoding runs on a bounded pool, one batch at a time. Thread-safe; {@link #close()} waits for running calls.
 */
final class ClipEncoder implements Encoder {
    private static final System.Logger LOG = System.getLogger(ClipEncoder.class.getName());
    static final String ID = "clip";

    /** What clip.json may say; defaults are OpenAI CLIP ViT-B/32's preprocessing and the common export names. */
    record Config(String imageModel, String textModel, String tokenizer, int imageSize, float[] mean, float[] std,
                  ImagePreprocess.Resample resample, String imageInput, String imageOutput, String textIds, String textMask,
                  String textOutput, int maxLength, long padId, int batchSize) {

        static Config read(Path dir) {
            Path file = dir.resolve("clip.json");
            JsonObject json;
            if (Files.exists(file)) {
                JsonElement parsed;
                try (Reader in = Files.newBufferedReader(file)) {
                    JsonReader reader = new JsonReader(in);
                    reader.setStrictness(Strictness.STRICT);
                    parsed = reader.peek() == JsonToken.END_DOCUMENT ? null : JsonParser.parseReader(reader);
                    if (parsed != null && reader.peek() != JsonToken.END_DOCUMENT) throw new JsonParseException("text after the JSON object");
                } catch (IOException | JsonParseException e) {
                    throw new ClusterbyException.BadFile("cannot read " + file + ": " + e.getMessage(), e);
                }
                if (parsed == null || !parsed.isJsonObject()) throw new ClusterbyException.BadFile(file + " must hold a JSON object");
                json = parsed.getAsJsonObject();
            } else {
                json = new JsonObject();
            }
            Set<String> known = Set.of("image_model", "text_model", "tokenizer", "image_size", "mean", "std", "resample",
                    "image_input", "image_output", "text_input_ids", "text_attention_mask", "text_output", "max_length",
                    "pad_id", "batch_size");
            for (String name : json.keySet()) {
                if (!known.contains(name)) {
                    throw new ClusterbyException.BadFile(file + ": unknown key '" + name + "'; known keys: " + new TreeMap<>(
                            Map.of("k", known)).get("k").stream().sorted().toList());
                }
            }
            String resample = text(json, "resample", "bicubic", file);
            ImagePreprocess.Resample r = switch (resample.toLowerCase(Locale.ROOT)) {
                case "bicubic" -> ImagePreprocess.Resample.BICUBIC;
                case "bilinear" -> ImagePreprocess.Resample.BILINEAR;
                default -> throw new ClusterbyException.BadFile(file + ": resample '" + resample + "' is not bicubic or bilinear");
            };
            Config config = new Config(text(json, "image_model", "image.onnx", file), text(json, "text_model", "text.onnx", file),
                    text(json, "tokenizer", "tokenizer.json", file), integer(json, "image_size", 224, file),
                    triple(json, "mean", new float[] {0.48145466f, 0.4578275f, 0.40821073f}, file),
                    triple(json, "std", new float[] {0.26862954f, 0.26130258f, 0.27577711f}, file), r,
                    text(json, "image_input", "pixel_values", file), text(json, "image_output", "image_embeds", file),
                    text(json, "text_input_ids", "input_ids", file), text(json, "text_attention_mask", "attention_mask", file),
                    text(json, "text_output", "text_embeds", file), integer(json, "max_length", 77, file),
                    integer(json, "pad_id", 49407, file), integer(json, "batch_size", 32, file));
            if (config.imageSize < 8 || config.maxLength < 2 || config.batchSize < 1) {
                throw new ClusterbyException.BadFile(file + ": image_size ≥ 8, max_length ≥ 2 and batch_size ≥ 1 are needed");
            }
            for (float s : config.std) if (!(s > 0)) throw new ClusterbyException.BadFile(file + ": std values must be > 0");
            return config;
        }

        String describe() {
            return String.format(Locale.ROOT, "size %d, mean %s, std %s, %s, max_length %d, pad_id %d", imageSize,
                    Arrays.toString(mean), Arrays.toString(std), resample.name().toLowerCase(Locale.ROOT), maxLength, padId);
        }

        // A key given as null is not absent: it gets the "must be" error.
        private static String text(JsonObject json, String key, String fallback, Path file) {
            if (!json.has(key)) return fallback;
            JsonElement v = json.get(key);
            if (!isString(v) || v.getAsString().isBlank()) throw new ClusterbyException.BadFile(file + ": '" + key + "' must be a non-empty string");
            return v.getAsString();
        }

        private static int integer(JsonObject json, String key, int fallback, Path file) {
            if (!json.has(key)) return fallback;
            JsonElement v = json.get(key);
            int value;
            try {
                // Integral as written ("32", not "32.0" or "3.2e1"), and within int.
                String text = isNumber(v) ? v.getAsString() : "";
                if (text.contains(".") || text.contains("e") || text.contains("E")) throw new NumberFormatException(text);
                value = new BigDecimal(text).intValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ClusterbyException.BadFile(file + ": '" + key + "' must be an integer");
            }
            return value;
        }

        private static float[] triple(JsonObject json, String key, float[] fallback, Path file) {
            if (!json.has(key)) return fallback;
            JsonElement v = json.get(key);
            if (!v.isJsonArray() || v.getAsJsonArray().size() != 3) throw new ClusterbyException.BadFile(file + ": '" + key + "' must be 3 numbers (R, G, B)");
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                JsonElement item = v.getAsJsonArray().get(i);
                if (!isNumber(item)) throw new ClusterbyException.BadFile(file + ": '" + key + "' must be 3 numbers (R, G, B)");
                out[i] = (float) item.getAsDouble();
            }
            return out;
        }

        private static boolean isString(JsonElement v) {
            return v instanceof JsonPrimitive p && p.isString();
        }

        private static boolean isNumber(JsonElement v) {
            return v instanceof JsonPrimitive p && p.isNumber();
        }
    }

    private final Path dir;
    private final Config config;
    private final OrtEnvironment env;
    private final OrtSession imageSession;
    private final OrtSession textSession; // null without a text tower
    private final HuggingFaceTokenizer tokenizer; // null without a text tower
    private final boolean feedMask;
    private final int dimension;
    private final String version;
    private final String provider;
    private final TextTower textTower;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private ClipEncoder(Path dir, Config config, OrtEnvironment env, OrtSession imageSession, OrtSession textSession,
                        HuggingFaceTokenizer tokenizer, boolean feedMask, int dimension, String version, String provider) {
        this.dir = dir;
        this.config = config;
        this.env = env;
        this.imageSession = imageSession;
        this.textSession = textSession;
        this.tokenizer = tokenizer;
        this.feedMask = feedMask;
        this.dimension = dimension;
        this.version = version;
        this.provider = provider;
        this.textTower = textSession == null ? null : new TextTower();
    }

    /** Loads the export in {@code dir}; checks both towers' inputs, outputs and shapes before any image is read. */
    static ClipEncoder load(Path dir) {
        return load(dir, dev.clusterby.Settings.defaults());
    }

    /** As {@link #load(Path)}, on the device and threads of these settings. */
    static ClipEncoder load(Path dir, dev.clusterby.Settings settings) {
        if (!Files.isDirectory(dir)) throw new ClusterbyException.BadFile("CLIP export folder " + dir + " does not exist");
        Config config = Config.read(dir);
        Path imageFile = dir.resolve(config.imageModel());
        Path textFile = dir.resolve(config.textModel());
        Path tokenizerFile = dir.resolve(config.tokenizer());
        if (!Files.isRegularFile(imageFile)) {
            throw new ClusterbyException.BadFile("CLIP export " + dir + " has no image tower " + config.imageModel()
                    + " (export one with optimum or CLIPVisionModelWithProjection; see the README)");
        }
        boolean withText = Files.isRegularFile(textFile);
        if (withText && !Files.isRegularFile(tokenizerFile)) {
            throw new ClusterbyException.BadFile("CLIP export " + dir + " has a text tower but no tokenizer " + config.tokenizer());
        }
        OrtEnvironment env = OnnxTextEncoder.environment(settings.cacheDir());
        OrtSession image = null, text = null;
        HuggingFaceTokenizer tokenizer = null;
        try {
            String provider;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(settings.threads());
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                provider = ExecutionProviders.choose(options, "CPU (" + settings.threads() + " threads)", settings.device());
                image = OrtResources.onDeepStack(() -> env.createSession(imageFile.toString(), options));
                if (withText) text = OrtResources.onDeepStack(() -> env.createSession(textFile.toString(), options));
            }
            int dimension = checkImageTower(imageFile, config, image);
            boolean feedMask = false;
            if (withText) {
                feedMask = checkTextTower(textFile, config, text, dimension);
                tokenizer = newTokenizer(tokenizerFile, config);
            }
            String version = hash(imageFile, 12) + "." + (withText ? hash(textFile, 8) + "." + hash(tokenizerFile, 8) : "notext")
                    + "-" + Integer.toHexString(config.describe().hashCode());
            LOG.log(System.Logger.Level.DEBUG, "encoder clip ({0}: {1}, {2}) runs on ONNX Runtime {3}; {4}-d, {5}", dir,
                    config.imageModel(), withText ? config.textModel() : "no text tower (instructions unavailable)",
                    provider, dimension, config.describe());
            return new ClipEncoder(dir, config, env, image, text, tokenizer, feedMask, dimension, version, provider);
        } catch (OrtException e) {
            OrtResources.closeQuietly(tokenizer, image, text);
            throw new ClusterbyException.BadFile("cannot load CLIP export " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            OrtResources.closeQuietly(tokenizer, image, text);
            throw e;
        }
    }

    private static int checkImageTower(Path file, Config config, OrtSession session) throws OrtException {
        String where = "CLIP image tower " + file;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1 || !inputs.containsKey(config.imageInput())) {
            throw new ClusterbyException.BadFile(where + " must take exactly one input '" + config.imageInput() + "'; it takes "
                    + inputs.keySet() + " (set image_input in clip.json)");
        }
        TensorInfo in = tensor(where, "input", config.imageInput(), inputs.get(config.imageInput()), OnnxJavaType.FLOAT, 4);
        long[] shape = in.getShape();
        if ((shape[1] != 3 && shape[1] != -1) || !fits(shape[2], config.imageSize()) || !fits(shape[3], config.imageSize())) {
            throw new ClusterbyException.BadFile(where + ": input " + config.imageInput() + " has shape " + Arrays.toString(shape)
                    + ", expected [N, 3, " + config.imageSize() + ", " + config.imageSize() + "] (image_size in clip.json)");
        }
        return outputDimension(where, session, config.imageOutput());
    }

    /** Returns whether the text tower takes an attention mask. */
    private static boolean checkTextTower(Path file, Config config, OrtSession session, int dimension) throws OrtException {
        String where = "CLIP text tower " + file;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.containsKey(config.textIds())) {
            throw new ClusterbyException.BadFile(where + " has no input '" + config.textIds() + "'; its inputs are " + inputs.keySet());
        }
        for (var entry : inputs.entrySet()) {
            if (!entry.getKey().equals(config.textIds()) && !entry.getKey().equals(config.textMask())) {
                throw new ClusterbyException.BadFile(where + " wants an input '" + entry.getKey() + "' that CLIP text cannot feed;"
                        + " expected " + config.textIds() + " and optionally " + config.textMask());
            }
            tensor(where, "input", entry.getKey(), entry.getValue(), OnnxJavaType.INT64, 2);
        }
        int textDimension = outputDimension(where, session, config.textOutput());
        if (textDimension != dimension) {
            throw new ClusterbyException.BadFile(where + ": " + config.textOutput() + " is " + textDimension
                    + "-d but the image tower's " + config.imageOutput() + " is " + dimension + "-d; both must share one space");
        }
        return inputs.containsKey(config.textMask());
    }

    private static int outputDimension(String where, OrtSession session, String name) throws OrtException {
        NodeInfo node = session.getOutputInfo().get(name);
        if (node == null) {
            throw new ClusterbyException.BadFile(where + " has no output '" + name + "'; its outputs are " + session.getOutputInfo().keySet());
        }
        long[] shape = tensor(where, "output", name, node, OnnxJavaType.FLOAT, 2).getShape();
        if (shape[1] < 1) {
            throw new ClusterbyException.BadFile(where + ": output " + name + " has shape " + Arrays.toString(shape)
                    + "; its embedding width must be fixed in the export");
        }
        return Math.toIntExact(shape[1]);
    }

    private static boolean fits(long dim, int wanted) {
        return dim == -1 || dim == wanted;
    }

    private static TensorInfo tensor(String where, String role, String name, NodeInfo node, OnnxJavaType type, int rank) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != type || tensor.getShape().length != rank) {
            throw new ClusterbyException.BadFile(where + ": " + role + " " + name + " is " + node.getInfo() + ", expected a "
                    + type + " tensor of rank " + rank);
        }
        return tensor;
    }

    private static HuggingFaceTokenizer newTokenizer(Path file, Config config) {
        QuietSlf4j.ensure();   // before DJL first logs
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "true");
        options.put("padding", "false"); // we pad per batch, with pad_id
        options.put("maxLength", Integer.toString(config.maxLength()));
        options.put("modelMaxLength", Integer.toString(config.maxLength()));
        try {
            return HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException | RuntimeException e) {
            throw new ClusterbyException.BadFile("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    @Override public String id() { return ID; }
    @Override public String version() { return version; }
    @Override public int dimension() { return dimension; }
    @Override public Modality modality() { return Modality.IMAGE; }

    String provider() {
        return provider;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
        throw new ClusterbyException.BadOption("encoder", "'clip' embeds images; its text tower embeds instructions"
                + " (textEncoderForInstructions()), not a column");
    }

    /** The text tower, which embeds instructions and templates into the image space. */
    @Override
    public Encoder textEncoderForInstructions() {
        if (textTower == null) {
            throw new ClusterbyException.Unavailable("CLIP export " + dir + " has no text tower (" + config.textModel()
                    + "), so instructions cannot be embedded");
        }
        return textTower;
    }

    @Override
    public SortedMap<Integer, String> encodeImages(List<? extends ImageInput> images, FloatMatrix out, ProgressListener progress) {
        int n = images.size();
        if (out.rows() != n || out.cols() != dimension) {
            throw new IllegalArgumentException("encoder clip: output is " + out.rows() + "x" + out.cols() + " but " + n
                    + " images need " + n + "x" + dimension);
        }
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        SortedMap<Integer, String> failures = new TreeMap<>();
        int size = config.imageSize(), perImage = 3 * size * size;
        int batch = Math.min(config.batchSize(), Math.max(1, n));
        FloatBuffer pixels = ByteBuffer.allocateDirect(batch * perImage * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        lifecycle.readLock().lock();
        try (ExecutorService pool = ImageDecoding.newPool(ID)) {
            ensureOpen();
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch), base = from;
                int before = failures.size();
                ImageDecoding.decode(pool, images, from, to, (row, image) -> ImagePreprocess.writeChw(
                        ImagePreprocess.shorterSideThenCentre(image, size, config.resample()), config.mean(), config.std(),
                        pixels, (row - base) * perImage), failures);
                if (failures.size() - before < to - from) runImages(pixels, from, to, out);
                listener.onProgress(to, n);
            }
        } catch (OrtException e) {
            throw new ClusterbyException("encoder clip (" + dir.resolve(config.imageModel()) + ") failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
        return failures;
    }

    /** Runs rows [from, to) whose pixels are in the buffer; failed rows hold stale pixels and are overwritten by the caller. */
    private void runImages(FloatBuffer pixels, int from, int to, FloatMatrix out) throws OrtException {
        int rows = to - from, size = config.imageSize();
        long[] shape = {rows, 3, size, size};
        try (OnnxTensor input = OnnxTensor.createTensor(env, pixels.slice(0, rows * 3 * size * size), shape);
             OrtSession.Result result = imageSession.run(Map.of(config.imageInput(), input), Set.of(config.imageOutput()))) {
            copyNormalised(output(result, config.imageOutput(), rows), rows, out, from);
        }
    }

    private FloatBuffer output(OrtSession.Result result, String name, int rows) {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException(name + " missing from the result"));
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != dimension) {
            throw new ClusterbyException("CLIP export " + dir + ": " + name + " came back " + Arrays.toString(shape)
                    + ", expected [" + rows + ", " + dimension + "]");
        }
        return tensor.getFloatBuffer();
    }

    /** Copies rows × dimension vectors into out at row {@code at}, each scaled to unit length. */
    private void copyNormalised(FloatBuffer vectors, int rows, FloatMatrix out, int at) {
        float[] row = new float[dimension];
        MemorySegment data = out.data();
        for (int r = 0; r < rows; r++) {
            vectors.get(r * dimension, row, 0, dimension);
            ClassicImageEncoder.normalise(row, 0, dimension);
            MemorySegment.copy(row, 0, data, FloatMatrix.FLOAT, (long) (at + r) * dimension * Float.BYTES, dimension);
        }
    }

    private void encodeTextsOpen(List<String> texts, FloatMatrix out, ProgressListener progress) throws OrtException {
        int n = texts.size();
        for (int i = 0; i < n; i++) {
            if (texts.get(i) == null) throw new ClusterbyException.InvalidData("encoder clip-text: text at row " + i + " is missing (null)");
        }
        int batch = config.batchSize();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch), rows = to - from;
            Encoding[] encodings = tokenizer.batchEncode(texts.subList(from, to));
            int seq = 1;
            for (Encoding e : encodings) seq = Math.max(seq, e.getIds().length);
            LongBuffer ids = OrtResources.directLongs(rows * seq), mask = OrtResources.directLongs(rows * seq);
            for (int r = 0; r < rows; r++) {
                long[] rowIds = encodings[r].getIds();
                for (int t = 0; t < seq; t++) {
                    ids.put(r * seq + t, t < rowIds.length ? rowIds[t] : config.padId());
                    mask.put(r * seq + t, t < rowIds.length ? 1 : 0);
                }
            }
            long[] shape = {rows, seq};
            try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids, shape);
                 OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, shape)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                feed.put(config.textIds(), idsTensor);
                if (feedMask) feed.put(config.textMask(), maskTensor);
                try (OrtSession.Result result = textSession.run(feed, Set.of(config.textOutput()))) {
                    copyNormalised(output(result, config.textOutput(), rows), rows, out, from);
                }
            }
            progress.onProgress(to, n);
        }
    }

    /** The text tower as an encoder: owned by this CLIP encoder, so its close() does nothing. */
    private final class TextTower implements Encoder {
        @Override public String id() { return "clip-text"; }
        @Override public String version() { return version; }
        @Override public int dimension() { return dimension; }
        @Override public Modality modality() { return Modality.TEXT; }

        @Override
        public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
            if (out.rows() != texts.size() || out.cols() != dimension) {
                throw new IllegalArgumentException("encoder clip-text: output is " + out.rows() + "x" + out.cols() + " but "
                        + texts.size() + " texts need " + texts.size() + "x" + dimension);
            }
            lifecycle.readLock().lock();
            try {
                ensureOpen();
                encodeTextsOpen(texts, out, progress == null ? ProgressListener.NONE : progress);
            } catch (OrtException e) {
                throw new ClusterbyException("encoder clip-text (" + dir.resolve(config.textModel()) + ") failed: " + e.getMessage(), e);
            } finally {
                lifecycle.readLock().unlock();
            }
        }

        @Override
        public void close() {
            // Owned by the CLIP encoder, which closes the session.
        }

        @Override
        public String toString() {
            return "ClipEncoder.TextTower[" + dir + "]";
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("CLIP encoder " + dir + " is closed");
    }

    /** Frees both sessions and the tokenizer; waits for running calls; safe to call twice. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            OrtResources.closeQuietly(tokenizer, imageSession, textSession);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "ClipEncoder[" + dir + ", " + version + ", " + provider + "]";
    }

    private static String hash(Path file, int hexDigits) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) digest.update(buffer, 0, read);
            return HexFormat.of().formatHex(digest.digest()).substring(0, hexDigits);
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
