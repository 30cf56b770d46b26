package dev.clusterby.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * k-means|| seeding (Bahmani et al., 2012), as Spark MLlib runs it: one uniform first centre, then {@code steps}
 * rounds that keep each point with probability min(1, ℓ·cost/total cost), ℓ = max(2k, 100), with costs kept per point between
 * rounds; the candidates are weighted by the points nearest them and reduced to k centres by weighted k-means++
 * and Lloyd on the driver (best of 10 there). Every distance is a clusterby kernel call on a whole block.
 */
final class KMeansParallel {
    private KMeansParallel() {}

    static final int STEPS = 2;
    static final int LOCAL_ITERATIONS = 30;
    static final int LOCAL_RESTARTS = 10;

    /** k centres, row-major k×dim. */
    static float[] centers(JavaRDD<PointBlock> blocks, int k, long seed, int dim, long n) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
        Random random = new Random(seed);
        List<float[]> candidates = new ArrayList<>();
        candidates.add(pointAt(blocks, (long) (random.nextDouble() * n)));

        float[] newest = candidates.getFirst();
        int newestCount = 1;
        JavaRDD<float[]> costs = null;
        // The cached costs' lineage names every round's broadcast: they go when the costs go.
        List<Broadcast<float[]>> rounds = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            Broadcast<float[]> fresh = sc.broadcast(newest);
            rounds.add(fresh);
            int freshCount = newestCount;
            JavaRDD<float[]> updated = costs == null
                    ? blocks.map(b -> Kernels.minDistances(b, fresh.value(), freshCount))
                    : blocks.zip(costs).map(pair -> {
                        float[] now = Kernels.minDistances(pair._1(), fresh.value(), freshCount), before = pair._2();
                        for (int i = 0; i < now.length; i++) now[i] = Math.min(now[i], before[i]);
                        return now;
                    });
            updated.persist(StorageLevel.MEMORY_AND_DISK());
            double total = updated.map(KMeansParallel::sum).reduce(Double::sum);
            if (costs != null) costs.unpersist(false);
            costs = updated;
            if (!(total > 0)) break;   // every point is a candidate already

            long stepSeed = seed ^ ((long) step << 16);
            double scale = oversampling(k) / total;
            List<float[]> chosen = blocks.zip(costs).flatMap(pair -> {
                Random local = new Random(stepSeed ^ TaskContext.getPartitionId());
                float[] cost = pair._2();
                List<float[]> kept = new ArrayList<>();
                for (int i = 0; i < cost.length; i++) if (local.nextDouble() < scale * cost[i]) kept.add(pair._1().row(i));
                return kept.iterator();
            }).collect();
            candidates.addAll(chosen);
            newest = flatten(chosen, dim);
            newestCount = chosen.size();
            if (newestCount == 0) break;
        }
        if (costs != null) costs.unpersist(false);
        for (Broadcast<float[]> round : rounds) round.destroy(false);

        // Too few candidates (tiny or duplicate-heavy data): top up with uniform points.
        while (candidates.size() < k && candidates.size() < n) candidates.add(pointAt(blocks, (long) (random.nextDouble() * n)));
        int m = candidates.size();
        float[] all = flatten(candidates, dim);
        if (m <= k) return Arrays.copyOf(all, k * dim);

        Broadcast<float[]> broadcast = sc.broadcast(all);
        long[] weights = blocks.treeAggregate(new long[m], (acc, block) -> {
            for (int label : Kernels.labels(block, broadcast.value(), m)) acc[label]++;
            return acc;
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) a[i] += b[i];
            return a;
        }, 2);
        broadcast.destroy();
        return LocalKMeans.best(all, weights, dim, k, new Random(seed ^ 0x5DEECE66DL), LOCAL_ITERATIONS, LOCAL_RESTARTS);
    }

    /**
     * Expected candidates per round: MLlib's 2k, but at least 100, so that a small k still gets a candidate pool
     * worth clustering (with k = 2, 2k gives about nine candidates in all).
     */
    static double oversampling(int k) {
        return Math.max(2.0 * k, 100);
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) total += v;
        return total;
    }

    static float[] flatten(List<float[]> rows, int dim) {
        float[] out = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, out, i * dim, dim);
        return out;
    }

    /** The point at a global row index (partitions in order). */
    private static float[] pointAt(JavaRDD<PointBlock> blocks, long index) {
        List<Integer> sizes = blocks.map(PointBlock::rows).collect();
        long offset = index;
        int partition = 0;
        while (partition < sizes.size() - 1 && offset >= sizes.get(partition)) offset -= sizes.get(partition++);
        int target = partition;
        long row = offset;
        return blocks.mapPartitionsWithIndex((i, it) -> {
            List<float[]> found = new ArrayList<>();
            if (i == target && it.hasNext()) found.add(it.next().row((int) row));
            return found.iterator();
        }, false).collect().getFirst();
    }
}
