package dev.clusterby.internal.cluster.hdbscan;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

import static dev.clusterby.internal.compute.Segments.INT;

/**
 * Core distances and the minimum spanning tree of the mutual-reachability graph,
 * {@code mr(a, b) = max(core(a), core(b), dist(a, b))}, where {@code core(a)} is the distance to a's
 * {@code minSamples}-th nearest row counting a itself (scikit-learn's and McInnes' convention; Tribuo's {@code k}).
 *
 * <p>Two ways: exact (Prim's algorithm over the complete graph, O(n²·d) time, O(n) memory), and approximate for
 * large n: Kruskal on the kNN graph's edges (the backend's {@code knn} kernel, which also gives the core
 * distances), then Borůvka-like rounds that join the remaining components (usually one per well-separated group)
 * through candidate edges between nearby components, so the result is always a spanning tree. Distances are {@code sqrt(Σ(a−b)²)} for Euclidean and {@code Σ(a−b)²/2 = 1 − cos}
 * on unit rows for cosine, computed in double from the rows themselves, never from the kernel's float32 expansion.
 */
public final class SpanningTree {
    private SpanningTree() {}

    /** The n − 1 edges, as parallel arrays, with the core distances they were built from. */
    public record Edges(int[] from, int[] to, double[] weight, double[] core, boolean exact, int graphNeighbours) {}

    /** The rows (a float32 copy, row-major) and the metric: cosine rows are unit length. */
    public record Points(float[] x, int n, int d, boolean cosine) {
        /** Copies the matrix (rows already unit length for cosine). */
        public static Points of(FloatMatrix m, boolean cosine) {
            return new Points(m.toArray(), m.rows(), m.cols(), cosine);
        }

        double distance(int a, int b) {
            return fromSquared(squared(a, b));
        }

        double squared(int a, int b) {
            int oa = a * d, ob = b * d;
            double s = 0;
            for (int j = 0; j < d; j++) {
                double t = x[oa + j] - x[ob + j];
                s += t * t;
            }
            return s;
        }

        double fromSquared(double sq) {
            return cosine ? sq / 2 : Math.sqrt(sq);
        }
    }

    /**
     * The kNN lists of every row (nearest first, self excluded), m per row, from the backend kernel, with exact
     * distances recomputed in double and re-sorted (the kernel's float32 expansion can misorder near ties).
     */
    public record Neighbours(int[] index, double[] distance, int m) {}

    public static Neighbours neighbours(Points points, FloatMatrix matrix, int m, ComputeBackend backend) {
        int n = points.n();
        int[] index = new int[n * m];
        double[] distance = new double[n * m];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment indices = Segments.ints(arena, (long) n * m);
            MemorySegment distances = Segments.floats(arena, (long) n * m);
            backend.knn(matrix, m, indices, distances);
            IntStream.range(0, n).parallel().forEach(i -> {
                double[] exact = new double[m];
                for (int s = 0; s < m; s++) {
                    int j = indices.getAtIndex(INT, (long) i * m + s);
                    exact[s] = points.distance(i, j);
                    index[i * m + s] = j;
                }
                Integer[] order = new Integer[m];
                for (int s = 0; s < m; s++) order[s] = s;
                Arrays.sort(order, (p, q) -> exact[p] != exact[q] ? Double.compare(exact[p], exact[q])
                        : Integer.compare(index[i * m + p], index[i * m + q]));
                int[] sortedIndex = new int[m];
                for (int s = 0; s < m; s++) {
                    sortedIndex[s] = index[i * m + order[s]];
                    distance[i * m + s] = exact[order[s]];
                }
                System.arraycopy(sortedIndex, 0, index, i * m, m);
            });
        }
        return new Neighbours(index, distance, m);
    }

    /** core(i): the (minSamples − 1)-th other neighbour's distance (minSamples counts the row itself); 0 when minSamples is 1. */
    public static double[] coreDistances(Neighbours nn, int n, int minSamples) {
        double[] core = new double[n];
        if (minSamples <= 1) return core;
        for (int i = 0; i < n; i++) core[i] = nn.distance()[i * nn.m() + minSamples - 2];
        return core;
    }

    /** Prim's algorithm on the complete mutual-reachability graph: exact, O(n²·d). */
    public static Edges exact(Points points, double[] core) {
        int n = points.n();
        int[] from = new int[n - 1], to = new int[n - 1];
        double[] weight = new double[n - 1];
        boolean[] inTree = new boolean[n];
        double[] best = new double[n];
        int[] bestFrom = new int[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int current = 0;
        inTree[0] = true;
        int blocks = n >= 4096 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : 1;
        for (int e = 0; e < n - 1; e++) {
            final int c = current;
            final double coreC = core[c];
            if (blocks == 1) {
                relax(points, core, inTree, best, bestFrom, c, coreC, 0, n);
            } else {
                int step = (n + blocks - 1) / blocks;
                IntStream.range(0, blocks).parallel().forEach(b ->
                        relax(points, core, inTree, best, bestFrom, c, coreC, b * step, Math.min(n, (b + 1) * step)));
            }
            int next = -1;
            double nextWeight = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (!inTree[j] && (next < 0 || best[j] < nextWeight)) {
                    next = j;
                    nextWeight = best[j];
                }
            }
            from[e] = bestFrom[next];
            to[e] = next;
            weight[e] = nextWeight;
            inTree[next] = true;
            current = next;
        }
        return new Edges(from, to, weight, core, true, n - 1);
    }

    private static void relax(Points points, double[] core, boolean[] inTree, double[] best, int[] bestFrom,
                              int c, double coreC, int start, int end) {
        for (int j = start; j < end; j++) {
            if (inTree[j]) continue;
            double mr = Math.max(points.distance(c, j), Math.max(coreC, core[j]));
            if (mr < best[j]) {
                best[j] = mr;
                bestFrom[j] = c;
            }
        }
    }

    /** Kruskal on the kNN graph's mutual-reachability edges, then {@link #joinRound} until one component is left. */
    public static Edges approximate(Points points, Neighbours nn, double[] core) {
        int n = points.n(), m = nn.m();
        long edgeCount = (long) n * m;
        double[] w = new double[(int) edgeCount];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < m; s++) {
                int j = nn.index()[i * m + s];
                w[i * m + s] = Math.max(nn.distance()[i * m + s], Math.max(core[i], core[j]));
            }
        }
        int[] order = sortedIndices(w);
        UnionFind sets = new UnionFind(n);
        int[] from = new int[n - 1], to = new int[n - 1];
        double[] weight = new double[n - 1];
        int e = 0;
        for (int k = 0; k < order.length && e < n - 1; k++) {
            int edge = order[k];
            int a = edge / m, b = nn.index()[edge];
            if (sets.union(a, b)) {
                from[e] = a;
                to[e] = b;
                weight[e] = w[edge];
                e++;
            }
        }
        while (e < n - 1) e = joinRound(points, core, sets, from, to, weight, e);
        return new Edges(from, to, weight, core, false, m);
    }

    /** Components compared per component, nearest by centroid, and rows per side searched for the closest pair. */
    static final int JOIN_CANDIDATES = 5, JOIN_ROWS = 256;

    /**
     * One round joining the kNN graph's components: each component's {@value #JOIN_CANDIDATES} nearest components by
     * centroid are candidates; the edge between two components is the cheapest mutual-reachability pair among the
     * {@value #JOIN_ROWS} rows of each side nearest the other side's centroid; Kruskal on those edges. The pairs are
     * exact when a component is small, approximate otherwise; the kNN edges inside components are untouched.
     */
    private static int joinRound(Points points, double[] core, UnionFind sets, int[] from, int[] to, double[] weight, int e) {
        int n = points.n(), d = points.d();
        int[] root = new int[n];
        int[] compOf = new int[n];
        java.util.Arrays.fill(compOf, -1);
        int comps = 0;
        int[] compRoot = new int[n];
        for (int i = 0; i < n; i++) {
            root[i] = sets.find(i);
            if (compOf[root[i]] < 0) {
                compRoot[comps] = root[i];
                compOf[root[i]] = comps++;
            }
        }
        int[] count = new int[comps + 1];
        for (int i = 0; i < n; i++) count[compOf[root[i]] + 1]++;
        for (int c = 0; c < comps; c++) count[c + 1] += count[c];
        int[] members = new int[n], fill = java.util.Arrays.copyOf(count, comps);
        for (int i = 0; i < n; i++) members[fill[compOf[root[i]]]++] = i;
        double[][] centroid = new double[comps][d];
        for (int c = 0; c < comps; c++) {
            for (int r = count[c]; r < count[c + 1]; r++) for (int j = 0; j < d; j++) centroid[c][j] += points.x()[members[r] * d + j];
            int size = count[c + 1] - count[c];
            for (int j = 0; j < d; j++) centroid[c][j] /= size;
        }
        final int total = comps;
        int candidates = Math.min(JOIN_CANDIDATES, comps - 1);
        int[][] pairs = new int[comps * candidates][];
        IntStream.range(0, comps).parallel().forEach(c -> {
            double[] dist = new double[total];
            Integer[] order = new Integer[total];
            for (int o = 0; o < total; o++) {
                order[o] = o;
                double s = 0;
                for (int j = 0; j < d; j++) s += (centroid[c][j] - centroid[o][j]) * (centroid[c][j] - centroid[o][j]);
                dist[o] = o == c ? Double.POSITIVE_INFINITY : s;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
            for (int t = 0; t < candidates; t++) pairs[c * candidates + t] = new int[]{c, order[t]};
        });
        double[] pairW = new double[pairs.length];
        int[] pairFrom = new int[pairs.length], pairTo = new int[pairs.length];
        IntStream.range(0, pairs.length).parallel().forEach(p -> {
            int a = pairs[p][0], b = pairs[p][1];
            int[] sideA = nearestRows(points, members, count[a], count[a + 1], centroid[b]);
            int[] sideB = nearestRows(points, members, count[b], count[b + 1], centroid[a]);
            double best = Double.POSITIVE_INFINITY;
            for (int i : sideA) {
                for (int j : sideB) {
                    double mr = Math.max(points.distance(i, j), Math.max(core[i], core[j]));
                    if (mr < best) {
                        best = mr;
                        pairFrom[p] = i;
                        pairTo[p] = j;
                    }
                }
            }
            pairW[p] = best;
        });
        int[] order = sortedIndices(pairW);
        int before = e;
        for (int k = 0; k < order.length && e < n - 1; k++) {
            int p = order[k];
            if (sets.union(pairFrom[p], pairTo[p])) {
                from[e] = pairFrom[p];
                to[e] = pairTo[p];
                weight[e] = pairW[p];
                e++;
            }
        }
        if (e == before) throw new IllegalStateException("no join between " + comps + " components");
        return e;
    }

    /** The rows members[start..end) nearest to a point, at most {@value #JOIN_ROWS}. */
    private static int[] nearestRows(Points points, int[] members, int start, int end, double[] target) {
        int size = end - start, d = points.d();
        if (size <= JOIN_ROWS) return java.util.Arrays.copyOfRange(members, start, end);
        long[] keyed = new long[size];
        for (int r = 0; r < size; r++) {
            int i = members[start + r];
            double s = 0;
            for (int j = 0; j < d; j++) s += (points.x()[i * d + j] - target[j]) * (points.x()[i * d + j] - target[j]);
            keyed[r] = ((long) Float.floatToIntBits((float) s) << 32) | i;
        }
        java.util.Arrays.sort(keyed);
        int[] out = new int[JOIN_ROWS];
        for (int r = 0; r < JOIN_ROWS; r++) out[r] = (int) keyed[r];
        return out;
    }

    /**
     * Indices of w (non-negative) in increasing order, ties by index. One primitive sort of (float bits, index)
     * keys: the bits of a non-negative float order as the float does. The float rounding only reorders edges whose
     * weights agree to 7 digits, and the tree keeps the exact double weights.
     */
    static int[] sortedIndices(double[] w) {
        long[] keyed = new long[w.length];
        for (int i = 0; i < w.length; i++) keyed[i] = ((long) Float.floatToIntBits((float) w[i]) << 32) | i;
        Arrays.parallelSort(keyed);
        int[] order = new int[w.length];
        for (int i = 0; i < w.length; i++) order[i] = (int) keyed[i];
        return order;
    }

    /** Union–find with path halving and union by size. */
    static final class UnionFind {
        private final int[] parent;
        private final int[] size;

        UnionFind(int n) {
            parent = new int[n];
            size = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
                size[i] = 1;
            }
        }

        int find(int x) {
            while (parent[x] != x) {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }

        boolean union(int a, int b) {
            int ra = find(a), rb = find(b);
            if (ra == rb) return false;
            if (size[ra] < size[rb]) {
                int t = ra;
                ra = rb;
                rb = t;
            }
            parent[rb] = ra;
            size[ra] += size[rb];
            return true;
        }
    }
}
