package dev.clusterby.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.io.Serial;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The fitted k-means: its centres label rows ({@link #transform}: the nearest centre by squared Euclidean distance,
 * an integer column), in batches through clusterby's kernels. Saves and loads as MLlib models do (metadata with the
 * params, the centres as Parquet under {@code data/}).
 */
public final class ClusterbyKMeansModel extends Model<ClusterbyKMeansModel> implements MLWritable {
    @Serial private static final long serialVersionUID = 1L;
    private static final int BATCH_ROWS = 4096;

    private final String uid;
    private final float[] centers;
    private final int k;
    private final int dim;
    private final double trainingCost;
    private final int iterations;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;

    ClusterbyKMeansModel(String uid, float[] centers, int k, int dim, double trainingCost, int iterations) {
        this.uid = uid;
        this.centers = centers;
        this.k = k;
        this.dim = dim;
        this.trainingCost = trainingCost;
        this.iterations = iterations;
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name (integer cluster labels)");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    @Override public String uid() { return uid; }

    /** The input vector column. */
    public Param<String> featuresCol() { return featuresCol; }
    /** The output label column. */
    public Param<String> predictionCol() { return predictionCol; }
    /** Sets the input column. */
    public ClusterbyKMeansModel setFeaturesCol(String value) { set(featuresCol, value); return this; }
    /** Sets the output column. */
    public ClusterbyKMeansModel setPredictionCol(String value) { set(predictionCol, value); return this; }
    /** The input column. */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** The output column. */
    public String getPredictionCol() { return getOrDefault(predictionCol); }

    /** The number of clusters. */
    public int getK() { return k; }

    /** The centres, as MLlib's model gives them. */
    public Vector[] clusterCenters() {
        Vector[] out = new Vector[k];
        for (int c = 0; c < k; c++) {
            double[] values = new double[dim];
            for (int j = 0; j < dim; j++) values[j] = centers[c * dim + j];
            out[c] = Vectors.dense(values);
        }
        return out;
    }

    /** The sum of squared distances to the nearest centre in the last Lloyd pass (MLlib's trainingCost); NaN after a load. */
    public double trainingCost() { return trainingCost; }

    /** The Lloyd iterations the fit ran; 0 after a load. */
    public int iterations() { return iterations; }

    @Override
    public StructType transformSchema(StructType schema) {
        return Schemas.withPrediction(schema, getFeaturesCol(), getPredictionCol());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int featureIndex = dataset.schema().fieldIndex(getFeaturesCol());
        float[] centres = centers;
        int clusters = k, width = dim;
        MapPartitionsFunction<Row, Row> label = rows -> new BatchIterator<>(rows, BATCH_ROWS) {
            @Override
            protected List<Row> process(List<Row> batch) {
                return labelBatch(batch, featureIndex, centres, clusters, width);
            }
        };
        return dataset.toDF().mapPartitions(label, Encoders.row(out));
    }

    private static List<Row> labelBatch(List<Row> batch, int featureIndex, float[] centers, int k, int dim) {
        List<Row> labelled = new ArrayList<>(batch.size());
        try (Arena arena = Arena.ofShared()) {
            int n = batch.size();
            MemorySegment points = arena.allocate((long) Math.max(1, n) * dim * Float.BYTES, 64);
            for (int i = 0; i < n; i++) {
                Row row = batch.get(i);
                if (row.isNullAt(featureIndex)) continue;
                Vector v = row.getAs(featureIndex);
                if (v.size() != dim) throw new IllegalArgumentException("a vector of " + v.size() + " values; the model's centres have " + dim);
                double[] values = v instanceof DenseVector d ? d.values() : v.toArray();
                for (int j = 0; j < dim; j++) points.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * dim + j, (float) values[j]);
            }
            MemorySegment labels = arena.allocate((long) Math.max(1, n) * Integer.BYTES, 64);
            MemorySegment distances = arena.allocate((long) Math.max(1, n) * Float.BYTES, 64);
            Kernels.backend().assignL2(new dev.clusterby.compute.FloatMatrix(points.asSlice(0, (long) n * dim * Float.BYTES), n, dim),
                    Kernels.matrix(arena, centers, k, dim), labels, distances);
            for (int i = 0; i < n; i++) {
                Row row = batch.get(i);
                Object[] values = new Object[row.length() + 1];
                for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
                values[row.length()] = row.isNullAt(featureIndex) ? null : labels.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                labelled.add(RowFactory.create(values));
            }
        }
        return labelled;
    }

    @Override
    public ClusterbyKMeansModel copy(ParamMap extra) {
        ClusterbyKMeansModel copied = new ClusterbyKMeansModel(uid, centers, k, dim, trainingCost, iterations);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark's reader for a saved model. */
    public static MLReader<ClusterbyKMeansModel> read() {
        return new Reader();
    }

    /** Loads a saved model. */
    public static ClusterbyKMeansModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final ClusterbyKMeansModel model;

        Writer(ClusterbyKMeansModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsWriter.saveMetadata(model, path, spark);
            List<Row> rows = new ArrayList<>();
            Vector[] centres = model.clusterCenters();
            for (int c = 0; c < centres.length; c++) rows.add(RowFactory.create(c, centres[c]));
            StructType schema = new StructType().add("clusterIdx", DataTypes.IntegerType, false).add("clusterCenter", SQLDataTypes.VectorType(), false);
            spark.createDataFrame(rows, schema).repartition(1).write().parquet(new org.apache.hadoop.fs.Path(path, "data").toString());
        }
    }

    private static final class Reader extends MLReader<ClusterbyKMeansModel> {
        @Override
        public ClusterbyKMeansModel load(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, spark, ClusterbyKMeansModel.class.getName());
            List<Row> rows = spark.read().parquet(new org.apache.hadoop.fs.Path(path, "data").toString())
                    .orderBy("clusterIdx").collectAsList();
            int k = rows.size();
            int dim = k == 0 ? 0 : ((Vector) rows.getFirst().getAs(1)).size();
            float[] centers = new float[k * dim];
            for (int c = 0; c < k; c++) {
                double[] values = ((Vector) rows.get(c).getAs(1)).toArray();
                for (int j = 0; j < dim; j++) centers[c * dim + j] = (float) values[j];
            }
            ClusterbyKMeansModel model = new ClusterbyKMeansModel(metadata.uid(), centers, k, dim, Double.NaN, 0);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
