import dev.clusterby.spark.ClusterbyKMeans;
import dev.clusterby.spark.ClusterbyKMeansModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * ClusterbyKMeans against MLlib's KMeans in local[2] on the same cached DataFrame, same k, seed, maxIter and tol:
 * fit time and objective (sum of squared distances to the nearest centre, computed the same way for both).
 * Data: n L2-normalised d-dimensional points around 256 random unit centres (σ 0.05 per dimension), generated
 * from a fixed seed. Usage: java … SparkKMeansBench.java N D K MAXITER [SEED,SEED,…] (with seeds: clusterby alone, once per seed)
 */
public class SparkKMeansBench {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]), d = Integer.parseInt(args[1]), k = Integer.parseInt(args[2]), maxIter = Integer.parseInt(args[3]);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Random random = new Random(16);
        double[][] truth = new double[256][d];
        for (double[] c : truth) { for (int j = 0; j < d; j++) c[j] = random.nextGaussian(); normalise(c); }
        int parts = 2;
        JavaRDD<Row> rows = sc.parallelize(IntStream.range(0, parts).boxed().toList(), parts).flatMap(p -> {
            List<Row> out = new ArrayList<>();
            Random r = new Random(1000 + p);
            for (int i = p; i < n; i += parts) {
                double[] x = truth[r.nextInt(truth.length)].clone();
                for (int j = 0; j < d; j++) x[j] += 0.05 * r.nextGaussian();
                normalise(x);
                out.add(RowFactory.create(Vectors.dense(x)));
            }
            return out.iterator();
        });
        Dataset<Row> data = spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType())).cache();
        System.out.println("rows " + data.count() + " x " + d + ", k " + k + ", maxIter " + maxIter + ", partitions " + data.rdd().getNumPartitions());

        if (args.length > 4) {
            // clusterby alone over several seeds (MLlib's figure at seed 42 comes from a full run): seed-to-seed spread
            for (String seed : args[4].split(",")) {
                long start = System.nanoTime();
                ClusterbyKMeansModel model = new ClusterbyKMeans().setK(k).setSeed(Long.parseLong(seed)).setMaxIter(maxIter).fit(data);
                System.out.printf("clusterby  seed %s  fit %.1f s  iterations %d  objective %.2f%n", seed,
                        (System.nanoTime() - start) / 1e9, model.iterations(), objective(data, model.clusterCenters()));
                System.out.flush();
            }
            spark.stop();
            return;
        }
        long t0 = System.nanoTime();
        ClusterbyKMeansModel ours = new ClusterbyKMeans().setK(k).setSeed(42).setMaxIter(maxIter).fit(data);
        double oursSeconds = (System.nanoTime() - t0) / 1e9;
        // printed before MLlib starts, so a run stopped during MLlib's fit still has our figures
        System.out.printf("clusterby  fit %.1f s  iterations %d  objective %.2f%n", oursSeconds, ours.iterations(), objective(data, ours.clusterCenters()));
        System.out.flush();
        t0 = System.nanoTime();
        KMeansModel theirs = new org.apache.spark.ml.clustering.KMeans().setK(k).setSeed(42).setMaxIter(maxIter).fit(data);
        double theirSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("mllib      fit %.1f s  iterations %d  objective %.2f%n", theirSeconds, theirs.summary().numIter(), objective(data, theirs.clusterCenters()));
        spark.stop();
    }

    static void normalise(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        s = Math.sqrt(s);
        for (int j = 0; j < x.length; j++) x[j] /= s;
    }

    static double objective(Dataset<Row> data, Vector[] centers) {
        return data.javaRDD().mapToDouble(row -> {
            Vector v = row.getAs(0);
            double best = Double.POSITIVE_INFINITY;
            for (Vector c : centers) best = Math.min(best, Vectors.sqdist(v, c));
            return best;
        }).sum();
    }
}
