package dev.clusterby.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.Serial;
import java.util.List;

/**
 * k-means as a Spark ML {@link Estimator}, with clusterby's kernels: k-means|| seeding, then distributed Lloyd in
 * which each partition assigns and accumulates its cached block of points with the native kernels and the partial
 * sums combine through {@code treeAggregate}. Parameters and defaults follow MLlib's {@code KMeans}: k 2, maxIter
 * 20, tol 1e-4 (stop when no centre moves farther), seed the hash of the class name, featuresCol "features",
 * predictionCol "prediction" (an integer column).
 */
public final class ClusterbyKMeans extends Estimator<ClusterbyKMeansModel> implements DefaultParamsWritable {
    @Serial private static final long serialVersionUID = 1L;

    private final String uid;
    private final IntParam k;
    private final LongParam seed;
    private final IntParam maxIter;
    private final DoubleParam tol;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;

    /** A k-means estimator with a random uid. */
    public ClusterbyKMeans() {
        this(Identifiable.randomUID("clusterbyKMeans"));
    }

    /** A k-means estimator with this uid (Spark's copy and load use it). */
    public ClusterbyKMeans(String uid) {
        this.uid = uid;
        k = new IntParam(this, "k", "the number of clusters (> 1)", ParamValidators.gt(1));
        seed = new LongParam(this, "seed", "random seed");
        maxIter = new IntParam(this, "maxIter", "maximum number of Lloyd iterations (>= 0)", ParamValidators.gtEq(0));
        tol = new DoubleParam(this, "tol", "convergence tolerance: stop when no centre moves farther (>= 0)", ParamValidators.gtEq(0));
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name (integer cluster labels)");
        setDefault(k, 2);
        setDefault(seed, (long) ClusterbyKMeans.class.getName().hashCode());
        setDefault(maxIter, 20);
        setDefault(tol, 1e-4);
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    @Override public String uid() { return uid; }

    /** The number of clusters. */
    public IntParam k() { return k; }
    /** The random seed of the seeding. */
    public LongParam seed() { return seed; }
    /** The most Lloyd iterations. */
    public IntParam maxIter() { return maxIter; }
    /** The convergence tolerance. */
    public DoubleParam tol() { return tol; }
    /** The input vector column. */
    public Param<String> featuresCol() { return featuresCol; }
    /** The output label column. */
    public Param<String> predictionCol() { return predictionCol; }

    /** Sets k. */
    public ClusterbyKMeans setK(int value) { set(k, value); return this; }
    /** Sets the seed. */
    public ClusterbyKMeans setSeed(long value) { set(seed, value); return this; }
    /** Sets the iteration limit. */
    public ClusterbyKMeans setMaxIter(int value) { set(maxIter, value); return this; }
    /** Sets the tolerance. */
    public ClusterbyKMeans setTol(double value) { set(tol, value); return this; }
    /** Sets the input column. */
    public ClusterbyKMeans setFeaturesCol(String value) { set(featuresCol, value); return this; }
    /** Sets the output column. */
    public ClusterbyKMeans setPredictionCol(String value) { set(predictionCol, value); return this; }

    /** k. */
    public int getK() { return (Integer) getOrDefault(k); }
    /** The seed. */
    public long getSeed() { return (Long) getOrDefault(seed); }
    /** The iteration limit. */
    public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
    /** The tolerance. */
    public double getTol() { return (Double) getOrDefault(tol); }
    /** The input column. */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** The output column. */
    public String getPredictionCol() { return getOrDefault(predictionCol); }

    @Override
    public StructType transformSchema(StructType schema) {
        return Schemas.withPrediction(schema, getFeaturesCol(), getPredictionCol());
    }

    @Override
    public ClusterbyKMeansModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String features = getFeaturesCol();
        int clusters = getK();
        JavaRDD<PointBlock> blocks = dataset.select(features).toJavaRDD()
                .mapPartitions(rows -> List.of(PointBlock.of(rows, features)).iterator())
                .filter(block -> block.rows() > 0);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<int[]> shapes = blocks.map(b -> new int[]{b.rows(), b.dim()}).collect();
            long n = shapes.stream().mapToLong(s -> s[0]).sum();
            int dim = shapes.isEmpty() ? 0 : shapes.getFirst()[1];
            for (int[] shape : shapes) {
                if (shape[1] != dim) throw new IllegalArgumentException("column '" + features + "' has vectors of " + dim + " and " + shape[1] + " values");
            }
            if (n < clusters) throw new IllegalArgumentException("k = " + clusters + " is more than the " + n + " rows of '" + features + "'");

            float[] centers = KMeansParallel.centers(blocks, clusters, getSeed(), dim, n);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
            double cost = Double.NaN;
            int iterations = 0;
            double tolerance = getTol();
            while (iterations < getMaxIter()) {
                Broadcast<float[]> current = sc.broadcast(centers);
                LloydSums sums = blocks.treeAggregate(new LloydSums(clusters, dim),
                        (acc, block) -> acc.add(block, current.value()), LloydSums::merge, 2);
                current.destroy();
                cost = sums.cost;
                iterations++;
                boolean converged = true;
                float[] next = centers.clone();
                for (int c = 0; c < clusters; c++) {
                    if (sums.counts[c] == 0) continue;   // an empty cluster keeps its centre, as MLlib's
                    double moved = 0;
                    for (int j = 0; j < dim; j++) {
                        next[c * dim + j] = (float) (sums.sums[c * dim + j] / sums.counts[c]);
                        double diff = next[c * dim + j] - centers[c * dim + j];
                        moved += diff * diff;
                    }
                    if (moved > tolerance * tolerance) converged = false;
                }
                centers = next;
                if (converged) break;
            }
            ClusterbyKMeansModel model = new ClusterbyKMeansModel(uid, centers, clusters, dim, cost, iterations);
            copyValues(model, ParamMap.empty());
            return model.setParent(this);
        } finally {
            blocks.unpersist(false);
        }
    }

    @Override
    public ClusterbyKMeans copy(ParamMap extra) {
        return (ClusterbyKMeans) defaultCopy(extra);
    }

    /** Spark's reader for a saved estimator. */
    public static MLReader<ClusterbyKMeans> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a saved estimator. */
    public static ClusterbyKMeans load(String path) {
        return read().load(path);
    }
}
