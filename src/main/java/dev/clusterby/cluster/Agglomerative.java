package dev.clusterby.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static dev.clusterby.internal.compute.Segments.FLOAT;

/**
 * Agglomerative (hierarchical) clustering with Euclidean distances, giving scipy's linkage matrix and
 * scikit-learn's labels and {@code distances_}.
 *
 * <ul>
 *   <li>{@code ward}: the nearest-neighbour chain on cluster centroids and sizes, O(n²d) time, O(nd) memory, no
 *   size limit (20k×50 in seconds).</li>
 *   <li>{@code complete}, {@code average}: the nearest-neighbour chain with Lance–Williams updates on a condensed
 *   float32 distance matrix (a blocked matrix product, off-heap with long indexing), O(n²) time after the O(n²d)
 *   distances. The matrix takes n(n−1)/2 × 4 bytes: 10k points 200 MB, 20k points 800 MB, 50k points 5 GB.
 *   Beyond {@link Options#maxBytes()} (default: 4 GiB or half the physical memory, whichever is smaller) the
 *   fit fails with a message naming n, the bytes and the alternatives.</li>
 *   <li>{@code single}: a minimum spanning tree by Prim's algorithm with distances computed on the fly:
 *   O(n²d) time, O(n) memory, no size limit.</li>
 * </ul>
 * Ward heights are those scipy and scikit-learn report: {@code sqrt(2|A||B|/(|A|+|B|))·‖c_A − c_B‖}, which equals
 * the Lance–Williams ward update on squared distances, square-rooted. Merges are sorted by height and numbered
 * as scipy does (points 0..n−1, merge i creates cluster n+i). Labels are deterministic: clusters are numbered
 * by their lowest point.
 */
public final class Agglomerative implements Clusterer<Agglomerative.Model> {
    private final Options options;

    /** A clusterer with these options; the same as {@link Options#clusterer()}. */
    public Agglomerative(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** How the distance between two clusters is defined. */
    public enum Linkage {
        /** Increase in within-cluster sum of squares (minimum variance). */
        WARD,
        /** Largest pairwise distance. */
        COMPLETE,
        /** Mean pairwise distance (UPGMA). */
        AVERAGE,
        /** Smallest pairwise distance. */
        SINGLE;

        /** The map and CLI spelling: {@code ward}, {@code complete}, {@code average}, {@code single}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The linkage of that spelling, any case; an error listing the four otherwise. */
        public static Linkage of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ClusterbyException.BadOption("linkage", "unknown linkage '" + name
                        + "'; known: ward, complete, average, single");
            }
        }
    }

    /**
     * Validated hierarchical settings; the map path ({@link #fromParams}) reads the same keys in kebab-case. The
     * method is deterministic, so it has no seed: the map path accepts {@code seed} and ignores it, so that scripts
     * can pass the same flags to every method.
     *
     * @param k                 clusters to cut the tree into, at least 1 and at most the rows; 0 when cutting at a distance
     * @param distanceThreshold cut where merges reach this height (scikit-learn's rule: merges of height ≥ it are
     *                          undone), finite and ≥ 0; NaN when cutting at k. Exactly one of k and the threshold is set.
     * @param linkage           ward, complete, average or single
     * @param maxBytes          the most memory the distance matrix may take (ward, complete, average)
     */
    public record Options(int k, double distanceThreshold, Linkage linkage, long maxBytes)
            implements ClusterOptions<Model> {
        /** Validates every setting, naming the map key of the first bad one. */
        public Options {
            boolean byDistance = !Double.isNaN(distanceThreshold);
            if (byDistance && k != 0) {
                throw new ClusterbyException.BadOption("distance-threshold", "give either k or distance-threshold, not both");
            }
            if (!byDistance && k < 1) throw new ClusterbyException.BadOption("k", "must be at least 1, got " + k);
            if (byDistance && !(Double.isFinite(distanceThreshold) && distanceThreshold >= 0)) {
                throw new ClusterbyException.BadOption("distance-threshold", "must be a finite number ≥ 0, got " + distanceThreshold);
            }
            if (linkage == null) throw new ClusterbyException.BadOption("linkage", "must be one of ward, complete, average, single");
            if (maxBytes < 1) throw new ClusterbyException.BadOption("max-bytes", "must be positive, got " + maxBytes);
        }

        /** k clusters with ward linkage. */
        public static Options of(int k) {
            return new Options(k, Double.NaN, Linkage.WARD, defaultMaxBytes());
        }

        /** Cut at a merge height, ward linkage. */
        public static Options atDistance(double threshold) {
            return new Options(0, threshold, Linkage.WARD, defaultMaxBytes());
        }

        /**
         * Reads the map keys {@code k} or {@code distance-threshold}, {@code linkage}, {@code max-bytes}, and
         * {@code seed} (ignored: the tree does not depend on it).
         */
        public static Options fromParams(Params params) {
            params.raw("seed");
            double threshold = params.getDouble("distance-threshold", Double.NaN);
            int k = params.getInt("k", Double.isNaN(threshold) ? 8 : 0);
            return new Options(k, threshold, Linkage.of(params.getString("linkage", "ward")),
                    params.getLong("max-bytes", defaultMaxBytes()));
        }

        /** {@code hierarchical}. */
        @Override
        public String method() {
            return "hierarchical";
        }

        @Override
        public Agglomerative clusterer() {
            return new Agglomerative(this);
        }

        @Override
        public java.util.Map<String, Object> toParams() {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            if (Double.isNaN(distanceThreshold)) out.put("k", k);
            else out.put("distance-threshold", distanceThreshold);
            out.put("linkage", linkage.id());
            out.put("max-bytes", maxBytes);
            return out;
        }

        /** The same cut with another linkage. */
        public Options withLinkage(Linkage linkage) {
            return new Options(k, distanceThreshold, linkage, maxBytes);
        }

        /** The same settings with another memory cap for the distance matrix. */
        public Options withMaxBytes(long maxBytes) {
            return new Options(k, distanceThreshold, linkage, maxBytes);
        }

        /** 4 GiB, or half the physical memory where that is less. */
        public static long defaultMaxBytes() {
            long cap = 4L << 30;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                long physical = os.getTotalMemorySize();
                if (physical > 0) cap = Math.min(cap, physical / 2);
            }
            return cap;
        }
    }

    /**
     * One merge of the dendrogram, a row of scipy's linkage matrix: clusters {@code a < b} (0..n−1 are points,
     * n+i is the cluster made by merge i) join at {@code height} into a cluster of {@code size} points.
     */
    public record Merge(int a, int b, double height, int size) {}

    /**
     * A fitted tree: labels of the requested cut, and the n−1 merges in order of height (scipy's linkage matrix;
     * {@code merges.get(i).height()} is scikit-learn's {@code distances_[i]}). Cut it again with {@link #labelsAt}
     * or {@link #labelsAtDistance} without refitting.
     */
    public record Model(int[] labels, int k, Linkage linkage, List<Merge> merges) implements Fitted {
        /** Keeps an unmodifiable copy of the merges. */
        public Model {
            merges = List.copyOf(merges);
        }

        /** 0: building the tree has no iterations. */
        @Override
        public int iterations() {
            return 0;
        }

        /** The sizes and the cut, never the merges: {@code hierarchical(ward) k=3 n=150 top-height=…}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "hierarchical(%s) k=%d n=%d merges=%d top-height=%.6g", linkage.id(), k,
                    labels.length, merges.size(), merges.isEmpty() ? 0.0 : merges.get(merges.size() - 1).height());
        }

        /** The points. */
        public int size() {
            return merges.size() + 1;
        }

        /** Labels with the tree cut into k clusters (the last k−1 merges undone); clusters are numbered by their first point. */
        public int[] labelsAt(int k) {
            int n = size();
            if (k < 1 || k > n) throw new ClusterbyException.BadOption("k", "must be between 1 and the " + n + " rows, got " + k);
            return cut(merges, n, k);
        }

        /** Labels with every merge of height ≥ threshold undone, as scikit-learn's {@code distance_threshold}. */
        public int[] labelsAtDistance(double threshold) {
            return labelsAt(clustersAtDistance(threshold));
        }

        /** The clusters a cut at that height leaves. */
        public int clustersAtDistance(double threshold) {
            int clusters = 1;
            for (Merge merge : merges) if (merge.height() >= threshold) clusters++;
            return clusters;
        }

        /** The dendrogram: the linkage matrix as scipy returns it, rows of (a, b, height, size); a new array. */
        public double[][] linkageMatrix() {
            double[][] z = new double[merges.size()][];
            for (int i = 0; i < z.length; i++) {
                Merge m = merges.get(i);
                z[i] = new double[] {m.a(), m.b(), m.height(), m.size()};
            }
            return z;
        }
    }

    @Override
    public String name() {
        return "hierarchical(" + options.linkage.id() + ")";
    }

    @Override
    public Model fit(FloatMatrix data, ComputeBackend backend) {
        return fit(data, options, backend);
    }

    /**
     * Builds the tree and cuts it. The distances run on this class's own blocked product (the backend SPI has
     * no all-pairs kernel); the backend is accepted for symmetry with the other methods.
     */
    public static Model fit(FloatMatrix data, Options options, ComputeBackend backend) {
        int n = data.rows();
        if (n == 0) throw new ClusterbyException.InvalidData("cannot cluster 0 rows");
        if (options.k > n) throw new ClusterbyException.InvalidData("k=" + options.k + " is larger than the " + n + " rows");
        checkFinite(data);
        // Squared distances of rows near 1e20 overflow float32: fit on conditioned data, report heights in the data's units.
        try (Conditioning conditioning = Conditioning.of(data)) {
            FloatMatrix fitted = conditioning.data();
            double scale = conditioning.scale();
            List<Merge> merges = switch (options.linkage) {
                case SINGLE -> singleLinkage(fitted);
                case WARD -> wardChain(fitted);
                case COMPLETE, AVERAGE -> nnChain(fitted, options);
            };
            if (scale != 1) {
                merges = merges.stream().map(m -> new Merge(m.a(), m.b(), m.height() * scale, m.size())).toList();
            }
            int k = options.k != 0 ? options.k : clusters(merges, options.distanceThreshold);
            return new Model(cut(merges, n, k), k, options.linkage, merges);
        }
    }

    /** The merges by the matrix form of the chain (Lance–Williams on condensed distances), for any linkage but single; tests compare ward's centroid form with it. */
    static List<Merge> mergesWithMatrix(FloatMatrix data, Options options) {
        return nnChain(data, options);
    }

    /** The bytes the condensed distance matrix of n points takes. */
    public static long matrixBytes(int n) {
        return (long) n * (n - 1) / 2 * Float.BYTES;
    }

    private static int clusters(List<Merge> merges, double threshold) {
        int clusters = 1;
        for (Merge merge : merges) if (merge.height() >= threshold) clusters++;
        return clusters;
    }

    private static void checkFinite(FloatMatrix data) {
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < data.cols(); j++) {
                if (!Float.isFinite(data.get(i, j))) {
                    throw new ClusterbyException.InvalidData("row " + i + " column " + j + " is " + data.get(i, j)
                            + "; hierarchical clustering needs finite values");
                }
            }
        }
    }

    // ---- nearest-neighbour chain (ward, complete, average) ----

    private static List<Merge> nnChain(FloatMatrix data, Options options) {
        int n = data.rows();
        if (n == 1) return List.of();
        long bytes = matrixBytes(n);
        if (bytes > options.maxBytes) {
            throw new ClusterbyException.InvalidData(String.format(Locale.ROOT,
                    "%s linkage on %d rows needs a %,d-byte distance matrix (n(n-1)/2 float32), over max-bytes=%,d; "
                            + "use linkage=single (no matrix), kmeans or gmm, cluster a sample, or raise max-bytes",
                    options.linkage.id(), n, bytes, options.maxBytes));
        }
        boolean ward = options.linkage == Linkage.WARD;
        long[] rowStart = new long[n];
        for (int i = 0; i < n; i++) rowStart[i] = (long) n * i - (long) i * (i + 1) / 2 - i - 1;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dist = arena.allocate(bytes, 64);
            // Ward works on squared distances (the Lance–Williams ward form); complete and average on distances.
            PairwiseDistances.compute(data, true, (i, j0, values, count) -> {
                int start = Math.max(j0, i + 1), end = j0 + count;
                if (start >= end) return;
                if (!ward) for (int j = start - j0; j < count; j++) values[j] = (float) Math.sqrt(values[j]);
                MemorySegment.copy(values, start - j0, dist, FLOAT, (rowStart[i] + start) * Float.BYTES, end - start);
            });
            return label(chain(dist, rowStart, n, options.linkage), n, ward);
        }
    }

    /** The chain; returns raw merges (x, y, height) with y the slot the merged cluster keeps, in merge order. */
    private static double[][] chain(MemorySegment dist, long[] rowStart, int n, Linkage linkage) {
        int[] size = new int[n];
        Arrays.fill(size, 1);
        int[] active = new int[n];
        for (int i = 0; i < n; i++) active[i] = i;
        int activeCount = n;
        int[] chain = new int[n];
        int chainLength = 0;
        double[][] raw = new double[n - 1][];
        for (int step = 0; step < n - 1; step++) {
            if (chainLength == 0) chain[chainLength++] = active[0];
            int x, y;
            float best;
            while (true) {
                x = chain[chainLength - 1];
                if (chainLength > 1) {
                    y = chain[chainLength - 2];
                    best = get(dist, rowStart, x, y);
                } else {
                    y = -1;
                    best = Float.POSITIVE_INFINITY;
                }
                // Scan x's row: columns below x are strided in the condensed layout, those above contiguous.
                for (int a = 0; a < activeCount; a++) {
                    int i = active[a];
                    if (i == x) continue;
                    float value = dist.getAtIndex(FLOAT, i < x ? rowStart[i] + x : rowStart[x] + i);
                    if (value < best) {
                        best = value;
                        y = i;
                    }
                }
                if (chainLength > 1 && y == chain[chainLength - 2]) break;
                chain[chainLength++] = y;
            }
            chainLength -= 2;
            if (x > y) {
                int t = x;
                x = y;
                y = t;
            }
            int nx = size[x], ny = size[y];
            raw[step] = new double[] {x, y, best, nx + ny};
            size[x] = 0;
            size[y] = nx + ny;
            int removeAt = Arrays.binarySearch(active, 0, activeCount, x);
            System.arraycopy(active, removeAt + 1, active, removeAt, activeCount - removeAt - 1);
            activeCount--;
            double dxy = best;
            double total = nx + ny;
            for (int a = 0; a < activeCount; a++) {
                int i = active[a];
                if (i == y) continue;
                long ix = i < x ? rowStart[i] + x : rowStart[x] + i;
                long iy = i < y ? rowStart[i] + y : rowStart[y] + i;
                double dxi = dist.getAtIndex(FLOAT, ix), dyi = dist.getAtIndex(FLOAT, iy);
                double updated = switch (linkage) {
                    case WARD -> {
                        int ni = size[i];
                        yield ((ni + nx) * dxi + (ni + ny) * dyi - ni * dxy) / (ni + total);
                    }
                    case COMPLETE -> Math.max(dxi, dyi);
                    case AVERAGE -> (nx * dxi + ny * dyi) / total;
                    case SINGLE -> Math.min(dxi, dyi);
                };
                dist.setAtIndex(FLOAT, iy, (float) updated);
            }
        }
        return raw;
    }

    private static float get(MemorySegment dist, long[] rowStart, int a, int b) {
        return dist.getAtIndex(FLOAT, a < b ? rowStart[a] + b : rowStart[b] + a);
    }

    /**
     * scipy's numbering: sort the merges by height (stable), then name each merged cluster n+i by union-find,
     * smaller id first. Ward heights are square-rooted here.
     */
    private static List<Merge> label(double[][] raw, int n, boolean squared) {
        Integer[] order = new Integer[raw.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (p, q) -> Double.compare(raw[p][2], raw[q][2]));
        int[] parent = new int[2 * n - 1];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        int[] sizes = new int[2 * n - 1];
        Arrays.fill(sizes, 0, n, 1);
        List<Merge> merges = new ArrayList<>(raw.length);
        for (int step = 0; step < order.length; step++) {
            double[] m = raw[order[step]];
            int a = find(parent, (int) m[0]), b = find(parent, (int) m[1]);
            int node = n + step;
            parent[a] = node;
            parent[b] = node;
            sizes[node] = sizes[a] + sizes[b];
            double height = squared ? Math.sqrt(Math.max(0, m[2])) : m[2];
            merges.add(new Merge(Math.min(a, b), Math.max(a, b), height, sizes[node]));
        }
        return merges;
    }

    private static int find(int[] parent, int x) {
        int root = x;
        while (parent[root] != root) root = parent[root];
        while (parent[x] != root) {
            int next = parent[x];
            parent[x] = root;
            x = next;
        }
        return root;
    }

    // ---- ward: nearest-neighbour chain on centroids, no distance matrix ----

    /** Scans with fewer active slots × dimensions than this run on one thread. */
    private static final int PARALLEL_SCAN_WORK = 1 << 18;

    /**
     * Ward's distance needs only centroids and sizes: {@code d²(A, B) = 2|A||B|/(|A|+|B|) ‖c_A − c_B‖²} (scipy's
     * scale, so two points are at their Euclidean distance). The chain scans the active centroids, kept
     * transposed so the squared differences are a vectorisable loop over d; merged-away slots are skipped and
     * compacted away (order kept) once half are dead. Same merges and tie-breaking (lowest index) as the
     * Lance–Williams form on a matrix, in O(n²d) time and O(nd) memory.
     */
    private static List<Merge> wardChain(FloatMatrix data) {
        int n = data.rows(), d = data.cols();
        if (n == 1) return List.of();
        // Slot s holds cluster id[s]; slots stay in increasing id order, so scans break ties as scipy does.
        float[][] ct = new float[d][n];
        double[][] centroid = new double[n][];
        for (int i = 0; i < n; i++) {
            centroid[i] = new double[d];
            for (int k = 0; k < d; k++) {
                float v = data.get(i, k);
                ct[k][i] = v;
                centroid[i][k] = v;
            }
        }
        int[] id = new int[n], slotOf = new int[n], size = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = i;
            slotOf[i] = i;
            size[i] = 1;
        }
        int slots = n, dead = 0;
        float[] acc = new float[n];
        int[] chain = new int[n];
        int chainLength = 0;
        double[][] raw = new double[n - 1][];
        int first = 0;
        for (int step = 0; step < n - 1; step++) {
            if (chainLength == 0) {
                while (size[id[first]] == 0) first++;
                chain[chainLength++] = id[first];
            }
            int x, y;
            double best;
            while (true) {
                x = chain[chainLength - 1];
                y = chainLength > 1 ? chain[chainLength - 2] : -1;
                long found = nearestWard(ct, acc, id, size, slots, n, d, slotOf[x], size[x]);
                int candidate = id[(int) (found >>> 32)];
                float candidateDistance = Float.intBitsToFloat((int) found);
                if (y >= 0) {
                    double dy = wardSquared(ct, n, d, slotOf[x], slotOf[y], size[x], size[y]);
                    // Keep the previous link unless something is strictly nearer (scipy's rule).
                    if (!(candidateDistance < dy) || candidate == y) {
                        best = dy;
                        break;
                    }
                }
                best = candidateDistance;
                chain[chainLength++] = candidate;
            }
            chainLength -= 2;
            if (x > y) {
                int t = x;
                x = y;
                y = t;
            }
            int nx = size[x], ny = size[y];
            raw[step] = new double[] {x, y, best, nx + ny};
            double[] cx = centroid[x], cy = centroid[y];
            int sy = slotOf[y];
            for (int k = 0; k < d; k++) {
                cy[k] = (nx * cx[k] + ny * cy[k]) / (nx + ny);
                ct[k][sy] = (float) cy[k];
            }
            centroid[x] = null;
            size[x] = 0;
            size[y] = nx + ny;
            if (++dead * 2 > slots && slots > 64) {
                int to = 0;
                for (int s = 0; s < slots; s++) {
                    if (size[id[s]] == 0) continue;
                    if (to != s) for (int k = 0; k < d; k++) ct[k][to] = ct[k][s];
                    id[to] = id[s];
                    slotOf[id[to]] = to;
                    to++;
                }
                slots = to;
                dead = 0;
                first = 0;
            }
        }
        return label(raw, n, true);
    }

    /** The exact ward quantity between two slots, in double: what the chain compares a kept link with. */
    private static float wardSquared(float[][] ct, int n, int d, int a, int b, int na, int nb) {
        float sum = 0;
        for (int k = 0; k < d; k++) {
            float diff = ct[k][a] - ct[k][b];
            sum += diff * diff;
        }
        return (float) (2.0 * na * nb / (na + nb)) * sum;
    }

    /** The active slot nearest to slot sx by ward distance (lowest slot on ties), packed as slot << 32 | float bits. */
    private static long nearestWard(float[][] ct, float[] acc, int[] id, int[] size, int slots, int n, int d, int sx, int nx) {
        if ((long) slots * d < PARALLEL_SCAN_WORK) return nearestWard(ct, acc, id, size, 0, slots, n, d, sx, nx);
        int parts = Math.min(Runtime.getRuntime().availableProcessors(), 8);
        int chunk = (slots + parts - 1) / parts;
        return IntStream.range(0, parts).parallel()
                .mapToLong(p -> nearestWard(ct, acc, id, size, p * chunk, Math.min(slots, (p + 1) * chunk), n, d, sx, nx))
                .reduce(Long.MAX_VALUE, Agglomerative::nearer);
    }

    private static long nearer(long a, long b) {
        if (a == Long.MAX_VALUE) return b;
        if (b == Long.MAX_VALUE) return a;
        float da = Float.intBitsToFloat((int) a), db = Float.intBitsToFloat((int) b);
        if (da < db) return a;
        if (db < da) return b;
        return (a >>> 32) <= (b >>> 32) ? a : b;
    }

    private static long nearestWard(float[][] ct, float[] acc, int[] id, int[] size, int from, int to, int n, int d,
                                    int sx, int nx) {
        if (from >= to) return Long.MAX_VALUE;
        Arrays.fill(acc, from, to, 0f);
        // Blocks of slots keep acc in L1 across the d passes; acc[s] and ct[k][s] share the index, so it vectorises.
        for (int b0 = from; b0 < to; b0 += 2048) {
            int b1 = Math.min(to, b0 + 2048);
            for (int k = 0; k < d; k++) {
                float[] row = ct[k];
                float a = row[sx];
                for (int s = b0; s < b1; s++) {
                    float diff = a - row[s];
                    acc[s] += diff * diff;
                }
            }
        }
        int bestSlot = -1;
        float best = Float.POSITIVE_INFINITY;
        for (int s = from; s < to; s++) {
            int ns = size[id[s]];
            if (ns == 0 || s == sx) continue;
            float value = (float) (2.0 * nx * ns / (nx + ns)) * acc[s];
            if (value < best) {
                best = value;
                bestSlot = s;
            }
        }
        if (bestSlot < 0) return Long.MAX_VALUE;
        return ((long) bestSlot << 32) | (Float.floatToRawIntBits(best) & 0xffffffffL);
    }

    // ---- single linkage: Prim's minimum spanning tree, distances on the fly ----

    /**
     * Prim over the points still outside the tree, kept compacted in a transposed copy so the distance update
     * to the newest tree point is a vectorisable axpy over d. Records (newest tree point, next point, its
     * distance to the tree): sorted by height and relabelled this gives the single-linkage tree (scipy's
     * {@code mst_single_linkage} does the same).
     */
    private static List<Merge> singleLinkage(FloatMatrix data) {
        int n = data.rows(), d = data.cols();
        if (n == 1) return List.of();
        float[] x = data.toArray();
        float[][] xt = PairwiseDistances.transpose(x, n, d);
        float[] pointNorms = new float[n];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) norm += (double) x[i * d + k] * x[i * d + k];
            pointNorms[i] = (float) norm;
        }
        float[] norms = pointNorms.clone();
        // Slots 0..remaining-1 hold the points outside the tree; id[slot] is the point, best[slot] its squared distance to the tree.
        int[] id = new int[n];
        for (int i = 0; i < n; i++) id[i] = i;
        float[] best = new float[n];
        Arrays.fill(best, Float.POSITIVE_INFINITY);
        float[] dot = new float[n];
        double[][] raw = new double[n - 1][];
        int remaining = n;
        int current = 0;
        remove(0, id, best, norms, xt, n, d, remaining--);
        for (int step = 0; step < n - 1; step++) {
            int bestSlot = primStep(x, xt, current, d, pointNorms[current], norms, best, id, dot, remaining);
            float bestValue = best[bestSlot];
            int next = id[bestSlot];
            raw[step] = new double[] {current, next, Math.sqrt(bestValue), 0};
            remove(bestSlot, id, best, norms, xt, n, d, remaining--);
            current = next;
        }
        return label(raw, n, false);
    }

    /**
     * Lowers each outside point's distance to the tree by the newest tree point and returns the slot of the
     * nearest (lowest id on ties, as scipy's scan in index order). A method of its own so that it is compiled
     * normally rather than on-stack-replaced inside the long outer loop.
     */
    private static int primStep(float[] x, float[][] xt, int current, int d, float nc, float[] norms, float[] best, int[] id,
                                float[] dot, int remaining) {
        Arrays.fill(dot, 0, remaining, 0f);
        for (int b0 = 0; b0 < remaining; b0 += 2048) {
            int b1 = Math.min(remaining, b0 + 2048);
            for (int k = 0; k < d; k++) {
                float a = x[current * d + k];
                float[] row = xt[k];
                for (int s = b0; s < b1; s++) dot[s] += a * row[s];
            }
        }
        int bestSlot = 0;
        float bestValue = Float.POSITIVE_INFINITY;
        for (int s = 0; s < remaining; s++) {
            float value = Math.max(0f, nc + norms[s] - 2f * dot[s]);
            if (value < best[s]) best[s] = value;
            if (best[s] < bestValue || (best[s] == bestValue && id[s] < id[bestSlot])) {
                bestValue = best[s];
                bestSlot = s;
            }
        }
        return bestSlot;
    }

    /** Moves the last outside slot into {@code slot} (norms travel with the slots too). */
    private static void remove(int slot, int[] id, float[] best, float[] norms, float[][] xt, int n, int d, int remaining) {
        int last = remaining - 1;
        id[slot] = id[last];
        best[slot] = best[last];
        norms[slot] = norms[last];
        for (int k = 0; k < d; k++) xt[k][slot] = xt[k][last];
    }

    // ---- cutting ----

    /** Union-find over the first n−k merges; clusters numbered by their lowest point. */
    static int[] cut(List<Merge> merges, int n, int k) {
        int[] parent = new int[2 * n - 1];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int step = 0; step < n - k; step++) {
            Merge m = merges.get(step);
            parent[m.a()] = n + step;
            parent[m.b()] = n + step;
        }
        int[] labels = new int[n];
        int[] clusterOfRoot = new int[2 * n - 1];
        Arrays.fill(clusterOfRoot, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (clusterOfRoot[root] < 0) clusterOfRoot[root] = next++;
            labels[i] = clusterOfRoot[root];
        }
        return labels;
    }
}
