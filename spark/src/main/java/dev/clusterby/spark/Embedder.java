package dev.clusterby.spark;

import dev.clusterby.Settings;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.Encoders;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serial;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds a text column into a Spark ML {@code Vector} column with a clusterby encoder, inside
 * {@code mapPartitions}: each executor JVM opens the encoder once, lazily, on first use, and every later task
 * reuses it (clusterby's encoder registry owns that instance). The vectors are those of the single-machine library
 * for the same encoder and settings (one text per ONNX run unless {@code clusterby.encoder.batchRows} says
 * otherwise). A null text gives a null vector. Defaults: encoder "auto" (bge-small), batchSize 64 texts per
 * encoder call, outputCol "embedding".
 */
public final class Embedder extends Transformer implements DefaultParamsWritable {
    @Serial private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> encoder;
    private final IntParam batchSize;

    /** An embedder with a random uid. */
    public Embedder() {
        this(Identifiable.randomUID("embedder"));
    }

    /** An embedder with this uid (Spark's copy and load use it). */
    public Embedder(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "input column name (strings)");
        outputCol = new Param<>(this, "outputCol", "output column name (Vector)");
        encoder = new Param<>(this, "encoder", "clusterby encoder name: auto (bge-small), minilm, e5-small, …");
        batchSize = new IntParam(this, "batchSize", "texts handed to the encoder per call (> 0)", ParamValidators.gt(0));
        setDefault(outputCol, "embedding");
        setDefault(encoder, "auto");
        setDefault(batchSize, 64);
    }

    @Override public String uid() { return uid; }

    /** The text column. */
    public Param<String> inputCol() { return inputCol; }
    /** The vector column it adds. */
    public Param<String> outputCol() { return outputCol; }
    /** The encoder's name. */
    public Param<String> encoder() { return encoder; }
    /** Texts per encoder call. */
    public IntParam batchSize() { return batchSize; }

    /** Sets the text column. */
    public Embedder setInputCol(String value) { set(inputCol, value); return this; }
    /** Sets the vector column. */
    public Embedder setOutputCol(String value) { set(outputCol, value); return this; }
    /** Sets the encoder by name. */
    public Embedder setEncoder(String value) { set(encoder, value); return this; }
    /** Sets the texts per encoder call. */
    public Embedder setBatchSize(int value) { set(batchSize, value); return this; }

    /** The text column. */
    public String getInputCol() { return getOrDefault(inputCol); }
    /** The vector column. */
    public String getOutputCol() { return getOrDefault(outputCol); }
    /** The encoder's name. */
    public String getEncoder() { return getOrDefault(encoder); }
    /** Texts per encoder call. */
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(inputCol)) throw new IllegalArgumentException("Embedder needs setInputCol");
        Schemas.require(schema, getInputCol(), DataTypes.StringType, "a string");
        return Schemas.append(schema, getOutputCol(), SQLDataTypes.VectorType());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int textIndex = dataset.schema().fieldIndex(getInputCol());
        String encoderName = getEncoder();
        int rows = getBatchSize();
        MapPartitionsFunction<Row, Row> embed = partition -> new BatchIterator<>(partition, rows) {
            @Override
            protected List<Row> process(List<Row> batch) {
                return embedBatch(batch, textIndex, encoderName);
            }
        };
        return dataset.toDF().mapPartitions(embed, org.apache.spark.sql.Encoders.row(out));
    }

    private static List<Row> embedBatch(List<Row> batch, int textIndex, String encoderName) {
        // The registry's shared instance: opened by the first task of this JVM, reused by all the others.
        Encoder shared = Encoders.resolve(encoderName, Encoder.Modality.TEXT, Settings.defaults());
        List<String> texts = new ArrayList<>();
        for (Row row : batch) if (!row.isNullAt(textIndex)) texts.add(row.getString(textIndex));
        int dim = shared.dimension();
        List<Row> out = new ArrayList<>(batch.size());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment vectors = arena.allocate((long) Math.max(1, texts.size()) * dim * Float.BYTES, 64);
            if (!texts.isEmpty()) shared.encodeTexts(texts, new FloatMatrix(vectors.asSlice(0, (long) texts.size() * dim * Float.BYTES), texts.size(), dim), null);
            int next = 0;
            for (Row row : batch) {
                Object[] values = new Object[row.length() + 1];
                for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
                if (!row.isNullAt(textIndex)) {
                    double[] vector = new double[dim];
                    long base = (long) next++ * dim;
                    for (int j = 0; j < dim; j++) vector[j] = vectors.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + j);
                    values[row.length()] = Vectors.dense(vector);
                }
                out.add(RowFactory.create(values));
            }
        }
        return out;
    }

    @Override
    public Embedder copy(ParamMap extra) {
        return (Embedder) defaultCopy(extra);
    }

    /** Spark's reader for a saved embedder. */
    public static MLReader<Embedder> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a saved embedder. */
    public static Embedder load(String path) {
        return read().load(path);
    }
}
