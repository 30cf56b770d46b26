package example;

import dev.clusterby.*;
import dev.clusterby.cluster.KMeans;

import java.nio.file.Path;
import java.util.Map;

/** The README's Java quick start, as a user's project runs it. */
public class QuickStart {
    public static void main(String[] args) {
        // --- README quick start begins ---
        try (DataPanel dp = DataPanel.read(Path.of("reviews.csv"))) {
            ClusterBy<?> cb = dp.clusterBy("text");                // encoder "auto" (bge-small), method "kmeans"
            Column meanRating = cb.column("rating").mean();        // one value per cluster
            DataPanel perCluster = cb.aggregate(Map.of("rating", Agg.MEAN, "date", Agg.MAX));
            DataPanel labeled = cb.toDataPanel();                  // every row plus a "cluster" column
            ClusterBy<?> again = dp.clusterBy("text", "kmeans", Map.of("k", 12));   // reuses the cached embedding
            IntColumn labels = Clustering.cluster(dp.column("text"), "kmeans", "auto", Map.of("k", 5));
            ClusterResult<?> fit = Clustering.fit(dp.column("text"), ClusterSpec.defaults().withParam("k", 5));
            fit.model();                                           // the fitted clusterer (centroids, inertia, predict)
            again.result().embeddedComputed();                     // 0: the second call encoded nothing
            dp.columnNames(true);                                  // [..., bge-small(text)]: the hidden cache column
            ClusterBy<KMeans.Model> typed = dp.clusterBy("text", KMeans.Options.of(6));   // typed, validated options
            double inertia = typed.model().inertia();              // the model's own type: centroids(), inertia()
            // --- README quick start ends ---
            System.out.println("clusters: " + cb.groupCount());
            System.out.println("mean rating per cluster: " + meanRating.size() + " values");
            System.out.println("aggregate columns: " + perCluster.columnNames());
            System.out.println("labeled rows: " + labeled.size());
            System.out.println("second call computed: " + again.result().embeddedComputed());
            System.out.println("k=5 labels: " + labels.size() + ", fit k=" + fit.k());
            System.out.println("columns: " + dp.columnNames(true));
            System.out.println("typed: " + typed.model() + (inertia > 0 ? " (inertia > 0)" : ""));
            // What the library leaves out is asked for by name and says which dependency brings it.
            try {
                dp.clusterBy("text", "kmeans", "minilm", Map.of("k", 3));
                System.out.println("minilm: available");
            } catch (ClusterbyException e) {
                System.out.println("minilm: " + e.getMessage());
            }
            try {
                dp.clusterBy("text", ClusterSpec.defaults().withBackend("opencl"));
                System.out.println("opencl: available");
            } catch (ClusterbyException e) {
                System.out.println("opencl: " + e.getMessage());
            }
        }
    }
}
