package dev.clusterby.internal.cluster;

import java.util.Arrays;

/**
 * The assignment problem (Kuhn–Munkres, in the O(n³) potentials form) for renumbering clusters: which old cluster
 * each new one keeps the id of, so that the rows keeping their id are as many as can be.
 */
public final class Hungarian {
    private Hungarian() {}

    /**
     * Stable ids for new clusters from {@code shared[new][old]}, the rows both contain: new cluster i gets the old id
     * of its partner in a maximum-weight matching, and a cluster matched to nothing (or to an old cluster it shares
     * no row with) gets the next id from {@code oldK} on, in order of i.
     */
    public static int[] stableIds(long[][] shared, int oldK) {
        int k = shared.length;
        int[] partner = maximise(shared, k, oldK);
        int[] ids = new int[k];
        int next = oldK;
        for (int i = 0; i < k; i++) {
            int j = partner[i];
            ids[i] = j >= 0 && j < oldK && shared[i][j] > 0 ? j : -1;
        }
        for (int i = 0; i < k; i++) if (ids[i] < 0) ids[i] = next++;
        return ids;
    }

    /** For each row, the column of a maximum-weight perfect matching on the square padding of the matrix (-1 when padded). */
    static int[] maximise(long[][] weight, int rows, int cols) {
        int n = Math.max(rows, cols);
        long max = 0;
        for (long[] row : weight) for (long w : row) max = Math.max(max, w);
        // Minimise max − w; padded cells cost max (weight 0).
        long[][] cost = new long[n + 1][n + 1];
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= n; j++) cost[i][j] = max - (i <= rows && j <= cols ? weight[i - 1][j - 1] : 0);
        }
        long[] u = new long[n + 1], v = new long[n + 1];
        int[] p = new int[n + 1], way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            long[] minv = new long[n + 1];
            Arrays.fill(minv, Long.MAX_VALUE);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                long delta = Long.MAX_VALUE;
                for (int j = 1; j <= n; j++) {
                    if (used[j]) continue;
                    long cur = cost[i0][j] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] partner = new int[rows];
        Arrays.fill(partner, -1);
        for (int j = 1; j <= n; j++) {
            if (p[j] >= 1 && p[j] <= rows && j <= cols) partner[p[j] - 1] = j - 1;
        }
        return partner;
    }
}
