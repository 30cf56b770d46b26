package dev.clusterby.internal.cluster.hdbscan;

import java.util.Arrays;

/**
 * From a mutual-reachability spanning tree to HDBSCAN's answer, as in Campello, Moulavi and Sander (2013) and
 * McInnes' {@code hdbscan}: the single-linkage dendrogram, the condensed tree (a split counts only where both
 * sides have at least {@code minClusterSize} rows; smaller sides fall out as points), cluster stabilities
 * {@code Σ (λ_p − λ_birth)}, excess-of-mass or leaf selection, the ε merge, labels (−1 for noise), membership
 * probabilities and GLOSH outlier scores. λ = 1/distance.
 *
 * <p>Condensed-tree ids follow {@code hdbscan}'s: rows are 0..n−1, clusters n, n+1, … with the root n; a child
 * cluster's id is larger than its parent's, so one pass in decreasing id visits children before parents.
 */
public final class Hierarchy {
    /** The condensed tree, one entry per edge: parent cluster, child (row or cluster), λ, child size. */
    public final int[] parent;
    public final int[] child;
    public final double[] lambda;
    public final int[] childSize;
    /** Rows. */
    public final int n;
    /** Clusters in the condensed tree, root included; ids n..n+clusters−1. */
    public final int clusters;
    /** Per cluster (index id − n): its parent cluster id (−1 for the root), birth λ, stability, and the largest λ below it. */
    public final int[] clusterParent;
    public final double[] birth;
    public final double[] stability;
    public final double[] deathDirect;
    public final double[] deathSubtree;
    /** Per row: the cluster it falls out of and the λ at which it does. */
    public final int[] rowCluster;
    public final double[] rowLambda;

    private Hierarchy(int n, int[] parent, int[] child, double[] lambda, int[] childSize, int clusters) {
        this.n = n;
        this.parent = parent;
        this.child = child;
        this.lambda = lambda;
        this.childSize = childSize;
        this.clusters = clusters;
        clusterParent = new int[clusters];
        birth = new double[clusters];
        stability = new double[clusters];
        deathDirect = new double[clusters];
        rowCluster = new int[n];
        rowLambda = new double[n];
        clusterParent[0] = -1;
        for (int e = 0; e < parent.length; e++) {
            if (child[e] >= n) {
                clusterParent[child[e] - n] = parent[e];
                birth[child[e] - n] = lambda[e];
            } else {
                rowCluster[child[e]] = parent[e];
                rowLambda[child[e]] = lambda[e];
            }
        }
        for (int e = 0; e < parent.length; e++) {
            int p = parent[e] - n;
            stability[p] += (lambda[e] - birth[p]) * childSize[e];
            deathDirect[p] = Math.max(deathDirect[p], lambda[e]);
        }
        deathSubtree = deathDirect.clone();
        for (int c = clusters - 1; c > 0; c--) {
            int p = clusterParent[c] - n;
            deathSubtree[p] = Math.max(deathSubtree[p], deathSubtree[c]);
        }
    }

    /**
     * Builds the condensed tree from a spanning tree of n rows. Zero distances (duplicate rows) are floored at
     * 1e-12 of the largest edge, so their λ is large but finite and stabilities stay finite.
     */
    public static Hierarchy build(SpanningTree.Edges tree, int n, int minClusterSize) {
        if (n == 1) return new Hierarchy(1, new int[]{1}, new int[]{0}, new double[]{0}, new int[]{1}, 1);
        int edges = n - 1;
        int[] order = SpanningTree.sortedIndices(tree.weight());
        // Single linkage: merge i makes node n + i from two earlier nodes.
        int[] left = new int[edges], right = new int[edges], size = new int[2 * n - 1];
        double[] distance = new double[edges];
        int[] setNode = new int[n];
        SpanningTree.UnionFind sets = new SpanningTree.UnionFind(n);
        for (int i = 0; i < n; i++) {
            setNode[i] = i;
            size[i] = 1;
        }
        double largest = 0;
        for (double w : tree.weight()) largest = Math.max(largest, w);
        double floor = largest > 0 ? largest * 1e-12 : 1.0;
        for (int i = 0; i < edges; i++) {
            int e = order[i];
            int ra = sets.find(tree.from()[e]), rb = sets.find(tree.to()[e]);
            left[i] = setNode[ra];
            right[i] = setNode[rb];
            distance[i] = Math.max(tree.weight()[e], floor);
            sets.union(ra, rb);
            int r = sets.find(ra);
            setNode[r] = n + i;
            size[n + i] = size[left[i]] + size[right[i]];
        }
        return condense(n, left, right, distance, size, minClusterSize);
    }

    private static Hierarchy condense(int n, int[] left, int[] right, double[] distance, int[] size, int minClusterSize) {
        int root = 2 * n - 2;
        int[] relabel = new int[2 * n - 1];
        Arrays.fill(relabel, -1);
        relabel[root] = n;
        int next = n + 1;
        int cap = 2 * n;
        int[] parent = new int[cap], child = new int[cap], childSize = new int[cap];
        double[] lambda = new double[cap];
        int rows = 0;
        int[] stack = new int[2 * n];
        int[] leaves = new int[2 * n];
        int top = 0;
        stack[top++] = root;
        while (top > 0) {
            int node = stack[--top];
            if (node < n) continue;
            int merge = node - n;
            int l = left[merge], r = right[merge];
            double lam = 1.0 / distance[merge];
            int ls = size[l], rs = size[r];
            int cluster = relabel[node];
            if (ls >= minClusterSize && rs >= minClusterSize) {
                for (int side : new int[]{l, r}) {
                    relabel[side] = next++;
                    parent[rows] = cluster;
                    child[rows] = relabel[side];
                    lambda[rows] = lam;
                    childSize[rows] = size[side];
                    rows++;
                    stack[top++] = side;
                }
            } else {
                for (int side : new int[]{l, r}) {
                    if (size[side] >= minClusterSize) {
                        relabel[side] = cluster;
                        stack[top++] = side;
                        continue;
                    }
                    // The small side's rows all leave this cluster at λ.
                    int lt = 0;
                    leaves[lt++] = side;
                    while (lt > 0) {
                        int sub = leaves[--lt];
                        if (sub < n) {
                            parent[rows] = cluster;
                            child[rows] = sub;
                            lambda[rows] = lam;
                            childSize[rows] = 1;
                            rows++;
                        } else {
                            leaves[lt++] = left[sub - n];
                            leaves[lt++] = right[sub - n];
                        }
                    }
                }
            }
        }
        return new Hierarchy(n, Arrays.copyOf(parent, rows), Arrays.copyOf(child, rows), Arrays.copyOf(lambda, rows),
                Arrays.copyOf(childSize, rows), next - n);
    }

    /**
     * The selected clusters (ids), by excess of mass or as the leaves, then merged upward where a cluster was born
     * below distance ε (hdbscan's {@code cluster_selection_epsilon}). The root is never selected.
     */
    public boolean[] select(boolean leaf, double epsilon) {
        boolean[] selected = new boolean[clusters];
        boolean[] hasChildCluster = new boolean[clusters];
        for (int c = 1; c < clusters; c++) hasChildCluster[clusterParent[c] - n] = true;
        if (leaf) {
            for (int c = 1; c < clusters; c++) selected[c] = !hasChildCluster[c];
        } else {
            double[] subtree = stability.clone();
            double[] childSum = new double[clusters];
            for (int c = clusters - 1; c >= 1; c--) {
                if (hasChildCluster[c] && childSum[c] > subtree[c]) {
                    subtree[c] = childSum[c];
                } else {
                    selected[c] = true;
                }
                childSum[clusterParent[c] - n] += subtree[c];
            }
            dropNested(selected);
        }
        if (epsilon > 0) selected = epsilonMerge(selected, epsilon);
        return selected;
    }

    /** A selected cluster unselects everything below it; parents come first, so one pass carries the flag down. */
    private void dropNested(boolean[] selected) {
        boolean[] covered = new boolean[clusters];
        for (int c = 1; c < clusters; c++) {
            int p = clusterParent[c] - n;
            covered[c] = p > 0 && (covered[p] || selected[p]);
            if (covered[c]) selected[c] = false;
        }
    }

    private boolean[] epsilonMerge(boolean[] selected, double epsilon) {
        boolean[] out = new boolean[clusters];
        for (int c = 1; c < clusters; c++) {
            if (!selected[c]) continue;
            int target = c;
            // Walk up while the cluster was born below ε, stopping under the root.
            while (1.0 / birth[target] < epsilon) {
                int p = clusterParent[target] - n;
                if (p <= 0) break;
                target = p;
            }
            out[target] = true;
        }
        dropNested(out);
        return out;
    }

    /** For each cluster, the selected cluster at or above it, or −1; index id − n. */
    public int[] selectedAncestor(boolean[] selected) {
        int[] up = new int[clusters];
        up[0] = -1;
        for (int c = 1; c < clusters; c++) up[c] = selected[c] ? c : up[clusterParent[c] - n];
        return up;
    }

    /** Labels 0..k−1 in cluster-id order, −1 for noise; {@code labelOf[c]} maps selected cluster index c to its label. */
    public int[] labels(boolean[] selected, int[] labelOf) {
        int k = 0;
        Arrays.fill(labelOf, -1);
        for (int c = 0; c < clusters; c++) if (selected[c]) labelOf[c] = k++;
        int[] up = selectedAncestor(selected);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int s = up[rowCluster[i] - n];
            labels[i] = s < 0 ? -1 : labelOf[s];
        }
        return labels;
    }

    /** hdbscan's membership strength: λ_p (capped at the cluster's largest direct λ) over that λ; 0 for noise. */
    public double[] probabilities(int[] labels, int[] clusterOfLabel) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) continue;
            double max = deathDirect[clusterOfLabel[labels[i]]];
            p[i] = max <= 0 || !Double.isFinite(rowLambda[i]) ? 1.0 : Math.min(rowLambda[i], max) / max;
        }
        return p;
    }

    /** GLOSH: (λ_max − λ_p) / λ_max, with λ_max the largest λ in the subtree of the cluster the row leaves. */
    public double[] outlierScores() {
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            double max = deathSubtree[rowCluster[i] - n];
            score[i] = max <= 0 || !Double.isFinite(rowLambda[i]) ? 0 : (max - rowLambda[i]) / max;
        }
        return score;
    }
}
