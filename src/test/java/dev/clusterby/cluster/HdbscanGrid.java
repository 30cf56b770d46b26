package dev.clusterby.cluster;

import dev.clusterby.Metrics;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.cluster.hdbscan.Hierarchy;
import dev.clusterby.internal.cluster.hdbscan.SpanningTree;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.map.NeighborEmbedding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The defaults' grid for benchmarks/RESULTS-hdbscan.md; not a JUnit test. {@code HdbscanGrid CACHE SEEDS REDUCTIONS
 * SET...}: for each set (as {@link HdbscanTuning#load}), each reduction {@code neighbours/dimensions/epochs/metric}
 * (epochs 0 = by size; metric {@code euclidean} or {@code cosine}, the distance the neighbour graph's weights use;
 * an optional fifth field, the negative samples, 5 if absent; ε values from {@code -Depsilons=0,0.5,…})
 * and each seed, it lays the embedding out once, then runs HDBSCAN on it over min-samples × min-cluster-size ×
 * selection × ε, exactly as {@link Hdbscan#fit} does on a reduced input (exact tree, Euclidean), one tab-separated
 * line per run: {@code set n classes kmeansNmi reduction seed ms mcs selection eps k noise nmi}.
 */
public final class HdbscanGrid {
    private HdbscanGrid() {}

    static final int[] MIN_SAMPLES = {1, 2, 3, 5, 10, 15};
    static final int[] FRACTIONS = {6, 10, 15, 20, 25, 40, 60};
    static final int[] SIZES = {5, 10, 15, 25, 50, 100, 150, 250, 400};
    static final double[] EPSILONS = Arrays.stream(System.getProperty("epsilons", "0,0.05,0.1,0.2,0.3,0.5,1").split(","))
            .mapToDouble(Double::parseDouble).toArray();

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        long[] seeds = Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray();
        String[] reductions = args[2].split(",");
        ComputeBackend backend = ComputeBackends.defaultBackend();
        for (int a = 3; a < args.length; a++) {
            HdbscanTuning.Set set = HdbscanTuning.load(args[a], cache);
            FloatMatrix x = set.x();
            int n = x.rows();
            double kmeans = Metrics.normalizedMutualInfo(set.truth(), KMeans.fit(x, KMeans.Options.of(set.classes()), backend).labels());
            TreeSet<Integer> sizes = new TreeSet<>();
            for (int f : FRACTIONS) sizes.add((int) Math.round(n / (double) f));
            for (int s : SIZES) sizes.add(s);
            sizes.removeIf(s -> s < 2 || s > n / 2);
            for (String reduction : reductions) {
                String[] r = reduction.split("/");
                int neighbours = Integer.parseInt(r[0]), dims = Integer.parseInt(r[1]), epochs = Integer.parseInt(r[2]);
                boolean cosineGraph = r.length > 3 && r[3].equals("cosine");
                int negatives = r.length > 4 ? Integer.parseInt(r[4]) : 5;
                for (long seed : seeds) {
                    long t0 = System.nanoTime();
                    float[] layout = NeighborEmbedding.fit(x, new NeighborEmbedding.Options(dims, neighbours, 0.0, epochs, negatives, 50,
                            seed, cosineGraph), backend).coordinates();
                    double layoutSeconds = (System.nanoTime() - t0) / 1e9;
                    try (Arena arena = Arena.ofConfined()) {
                        FloatMatrix space = Segments.matrix(arena, n, dims);
                        MemorySegment.copy(layout, 0, space.data(), FloatMatrix.FLOAT, 0, layout.length);
                        SpanningTree.Points points = SpanningTree.Points.of(space, false);
                        int maxMs = Arrays.stream(MIN_SAMPLES).max().orElseThrow();
                        SpanningTree.Neighbours nn = SpanningTree.neighbours(points, space, Math.min(n - 1, maxMs - 1), backend);
                        for (int ms : MIN_SAMPLES) {
                            double[] core = SpanningTree.coreDistances(nn, n, ms);
                            SpanningTree.Edges edges = SpanningTree.exact(points, core);
                            for (int mcs : sizes) {
                                if (ms > mcs) continue;
                                Hierarchy hierarchy = Hierarchy.build(edges, n, mcs);
                                for (boolean leaf : new boolean[]{false, true}) {
                                    for (double eps : EPSILONS) {
                                        boolean[] selected = hierarchy.select(leaf, eps);
                                        int[] labelOf = new int[hierarchy.clusters];
                                        int[] labels = hierarchy.labels(selected, labelOf);
                                        int k = 0;
                                        for (boolean s : selected) if (s) k++;
                                        long noise = Arrays.stream(labels).filter(l -> l < 0).count();
                                        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%.4f\t%s\t%d\t%d\t%d\t%s\t%.2f\t%d\t%.4f\t%.4f%n",
                                                set.name(), n, set.classes(), kmeans, reduction, seed, ms, mcs, leaf ? "leaf" : "eom",
                                                eps, k, (double) noise / n, Metrics.normalizedMutualInfo(set.truth(), labels));
                                    }
                                }
                            }
                        }
                    }
                    System.err.printf(Locale.ROOT, "%s %s seed %d: layout %.1f s%n", set.name(), reduction, seed, layoutSeconds);
                }
            }
        }
    }
}
