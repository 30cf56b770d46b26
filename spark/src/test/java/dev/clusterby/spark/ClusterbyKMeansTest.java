package dev.clusterby.spark;

import dev.clusterby.DataPanel;
import dev.clusterby.Metrics;
import dev.clusterby.StringColumn;
import dev.clusterby.TensorColumn;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The Spark stages on real data, in one local[2] session: agreement with the library, with MLlib, and save/load. */
class ClusterbyKMeansTest {
    static SparkSession spark;
    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local("clusterby-kmeans-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The 70 Reuters crude/acq articles: row (0…69, file order), topic, text. */
    static Dataset<Row> reuters() {
        DataPanel panel = DataPanel.read(SparkSessions.testData("reuters-crude-acq.csv"));
        StringColumn topics = panel.stringColumn("topic"), texts = panel.stringColumn("text");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < panel.size(); i++) rows.add(RowFactory.create(i, topics.get(i), texts.get(i)));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("topic", DataTypes.StringType).add("text", DataTypes.StringType);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    /** scikit-learn's 1797 digits, 64 pixels each, as a Vector column. */
    static Dataset<Row> digits() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(SparkSessions.testData("digits.csv.gz")))))) {
            String line;
            int id = 0;
            while ((line = in.readLine()) != null) {
                String[] cells = line.split(",");
                double[] pixels = new double[64];
                for (int j = 0; j < 64; j++) pixels[j] = Double.parseDouble(cells[j]);
                rows.add(RowFactory.create(id++, Vectors.dense(pixels)));
            }
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", SQLDataTypes.VectorType());
        return spark.createDataFrame(rows, schema).repartition(2).cache();
    }

    /** Sum of squared distances to the nearest centre, in double, on the driver: the one objective both sides get. */
    static double objective(Dataset<Row> data, Vector[] centers) {
        double total = 0;
        for (Row row : data.select("features").collectAsList()) {
            Vector v = row.getAs(0);
            double best = Double.POSITIVE_INFINITY;
            for (Vector c : centers) best = Math.min(best, Vectors.sqdist(v, c));
            total += best;
        }
        return total;
    }

    @Test
    void pipelineEmbedsAndClustersLikeTheLibrary() {
        Dataset<Row> data = reuters();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{
                new Embedder().setInputCol("text").setOutputCol("features").setEncoder("minilm"),
                new ClusterbyKMeans().setK(2).setSeed(7).setMaxIter(300).setTol(0)});
        PipelineModel fitted = pipeline.fit(data);
        List<Row> rows = fitted.transform(data).orderBy("id").select("id", "features", "prediction").collectAsList();
        assertEquals(70, rows.size());

        // The library on the same texts (same order), with the same encoder and seed.
        List<String> texts = data.orderBy("id").select("text").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        try (DataPanel panel = DataPanel.of(StringColumn.of("text", texts))) {
            var cb = panel.clusterBy("text", "kmeans", "minilm", java.util.Map.of("k", 2, "seed", 7));
            TensorColumn vectors = (TensorColumn) panel.column(cb.embeddingColumn());
            for (int i = 0; i < rows.size(); i++) {
                double[] spark = ((Vector) rows.get(i).getAs(1)).toArray();
                float[] library = vectors.get(i);
                for (int j = 0; j < library.length; j++) assertEquals(library[j], (float) spark[j], 0f, "row " + i + " dim " + j);
            }
            int[] sparkLabels = rows.stream().mapToInt(r -> r.getInt(2)).toArray();
            double ari = Metrics.adjustedRandIndex(cb.labels().toIntArray(-1), sparkLabels);
            double sparkCost = objective(fitted.transform(data).orderBy("id"), ((ClusterbyKMeansModel) fitted.stages()[1]).clusterCenters());
            assertTrue(ari >= 0.99, "ARI between the Spark pipeline and the library: " + ari + "; objectives: Spark "
                    + sparkCost + ", library " + ((dev.clusterby.cluster.KMeans.Model) cb.model()).inertia());
        }
    }

    @Test
    void objectiveIsNoWorseThanMllibsOnTheSameDataFrame() throws Exception {
        Dataset<Row> data = digits();
        for (int k : new int[]{10, 16}) {
            ClusterbyKMeansModel ours = new ClusterbyKMeans().setK(k).setSeed(1).setMaxIter(50).fit(data);
            var mllib = new org.apache.spark.ml.clustering.KMeans().setK(k).setSeed(1).setMaxIter(50).fit(data);
            double ourCost = objective(data, ours.clusterCenters()), theirCost = objective(data, mllib.clusterCenters());
            assertTrue(ourCost <= 1.01 * theirCost, "k=" + k + ": clusterby " + ourCost + " against MLlib " + theirCost);
            assertEquals(ourCost, ours.trainingCost(), 0.02 * ourCost, "trainingCost is the objective of the last pass");
        }
    }

    @Test
    void modelLabelsRowsAndSavesAndLoads() throws Exception {
        Dataset<Row> data = digits();
        ClusterbyKMeans estimator = new ClusterbyKMeans().setK(10).setSeed(3).setPredictionCol("cluster");
        ClusterbyKMeansModel model = estimator.fit(data);
        Dataset<Row> labelled = model.transform(data);
        assertEquals(DataTypes.IntegerType, labelled.schema().apply("cluster").dataType());
        List<Row> before = labelled.orderBy("id").select("cluster").collectAsList();

        // Each label is the nearest centre.
        Vector[] centers = model.clusterCenters();
        for (Row row : labelled.select("features", "cluster").collectAsList()) {
            Vector v = row.getAs(0);
            int best = 0;
            for (int c = 1; c < centers.length; c++) if (Vectors.sqdist(v, centers[c]) < Vectors.sqdist(v, centers[best])) best = c;
            assertEquals(Vectors.sqdist(v, centers[best]), Vectors.sqdist(v, centers[row.getInt(1)]), 1e-3);
        }

        String modelPath = dir.resolve("model").toString();
        model.write().overwrite().save(modelPath);
        ClusterbyKMeansModel loaded = ClusterbyKMeansModel.load(modelPath);
        assertEquals("cluster", loaded.getPredictionCol());
        assertEquals(model.uid(), loaded.uid());
        assertEquals(before, loaded.transform(data).orderBy("id").select("cluster").collectAsList());

        String estimatorPath = dir.resolve("estimator").toString();
        estimator.write().overwrite().save(estimatorPath);
        ClusterbyKMeans again = ClusterbyKMeans.load(estimatorPath);
        assertEquals(10, again.getK());
        assertEquals(3L, again.getSeed());

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{new ClusterbyKMeans().setK(4).setSeed(5)});
        PipelineModel fitted = pipeline.fit(data);
        String pipelinePath = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(pipelinePath);
        assertEquals(fitted.transform(data).orderBy("id").select("prediction").collectAsList(),
                PipelineModel.load(pipelinePath).transform(data).orderBy("id").select("prediction").collectAsList());
    }

    @Test
    void badColumnsAreNamed() throws Exception {
        Dataset<Row> data = digits();
        var error = assertThrows(IllegalArgumentException.class, () -> new ClusterbyKMeans().setFeaturesCol("nope").fit(data));
        assertTrue(error.getMessage().contains("'nope' does not exist"), error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> new Embedder().setInputCol("features").transform(data));
        assertTrue(error.getMessage().contains("'features' must be a string column"), error.getMessage());
    }
}
