package example;

import dev.clusterby.spark.ClusterbyKMeans;
import dev.clusterby.spark.Embedder;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.SparkSession;

/** The README's spark-submit pipeline, with its paths as arguments: INPUT.parquet OUTPUT_DIR MODEL_DIR. */
public final class ClusterReviews {
    private ClusterReviews() {}

    public static void main(String[] args) throws java.io.IOException {
        SparkSession spark = SparkSession.builder().appName("cluster-reviews").getOrCreate();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{
                new Embedder().setInputCol("text").setOutputCol("features"),
                new ClusterbyKMeans().setK(2).setSeed(7)});
        PipelineModel model = pipeline.fit(spark.read().parquet(args[0]));
        model.transform(spark.read().parquet(args[0])).write().parquet(args[1]);
        model.write().overwrite().save(args[2]);
        // What a reader of the output sees: rows per (topic, prediction).
        spark.read().parquet(args[1]).groupBy("topic", "prediction").count().orderBy("topic", "prediction").show();
        spark.stop();
    }
}
