package dev.clusterby.cluster;


import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * A test-only PCA: the covariance in double, its top eigenvectors by subspace iteration with Rayleigh-Ritz
 * (Jacobi on the small projected matrix), and the centred data projected on them, as scikit-learn's
 * {@code PCA(n_components).fit_transform} up to the signs of the axes.
 */
final class Pca {
    private Pca() {}

    static FloatMatrix project(FloatMatrix x, int components, Arena arena) {
        int n = x.rows(), d = x.cols(), m = Math.min(d, components + 10);
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x.get(i, j);
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[] cov = new double[d * d];
        double[] row = new double[d];
        // Blocks of rows keep one covariance row in L1 while the block's rows update it (C is too big for cache).
        int blockRows = 128;
        double[][] block = new double[blockRows][d];
        for (int start = 0; start < n; start += blockRows) {
            int size = Math.min(blockRows, n - start);
            for (int r = 0; r < size; r++) for (int j = 0; j < d; j++) block[r][j] = x.get(start + r, j) - mean[j];
            for (int a = 0; a < d; a++) {
                int base = a * d;
                for (int r = 0; r < size; r++) {
                    double[] xr = block[r];
                    double xa = xr[a];
                    for (int b = a; b < d; b++) cov[base + b] += xa * xr[b];
                }
            }
        }
        for (int a = 0; a < d; a++) for (int b = a; b < d; b++) cov[b * d + a] = cov[a * d + b];
        // Subspace iteration: q (m×d, rows orthonormal) converges to the top-m eigenvectors' span.
        SplittableRandom random = new SplittableRandom(7);
        double[][] q = new double[m][d];
        for (double[] v : q) for (int j = 0; j < d; j++) v[j] = random.nextDouble() - 0.5;
        orthonormalise(q);
        double[][] z = new double[m][d];
        for (int iter = 0; iter < 60; iter++) {
            multiply(cov, q, z, d);
            double[][] t = q;
            q = z;
            z = t;
            orthonormalise(q);
        }
        // Rayleigh-Ritz: the eigenvectors of qᵀ C q rotate q onto the eigenvectors themselves.
        multiply(cov, q, z, d);
        double[][] small = new double[m][m];
        for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) small[a][b] = dot(q[a], z[b]);
        double[][] vectors = new double[m][m];
        double[] values = jacobi(small, vectors);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] axes = new double[components][d];
        for (int c = 0; c < components; c++) {
            int e = order[c];
            for (int a = 0; a < m; a++) for (int j = 0; j < d; j++) axes[c][j] += vectors[a][e] * q[a][j];
        }
        FloatMatrix out = Segments.matrix(arena, n, components);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) row[j] = x.get(i, j) - mean[j];
            for (int c = 0; c < components; c++) out.set(i, c, (float) dot(row, axes[c]));
        }
        return out;
    }

    /** out = q C (C symmetric), row of C by row, so that C streams through the cache once. */
    private static void multiply(double[] cov, double[][] q, double[][] out, int d) {
        for (double[] v : out) java.util.Arrays.fill(v, 0);
        double[] crow = new double[d];
        for (int a = 0; a < d; a++) {
            System.arraycopy(cov, a * d, crow, 0, d);
            for (int v = 0; v < q.length; v++) {
                double qa = q[v][a];
                double[] o = out[v];
                for (int b = 0; b < d; b++) o[b] += qa * crow[b];
            }
        }
    }

    private static void orthonormalise(double[][] q) {
        for (int v = 0; v < q.length; v++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int u = 0; u < v; u++) {
                    double p = dot(q[u], q[v]);
                    for (int j = 0; j < q[v].length; j++) q[v][j] -= p * q[u][j];
                }
            }
            double norm = Math.sqrt(dot(q[v], q[v]));
            for (int j = 0; j < q[v].length; j++) q[v][j] /= norm;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    /** Cyclic Jacobi for a symmetric matrix: returns the eigenvalues; the eigenvectors are the columns of {@code vectors}. */
    private static double[] jacobi(double[][] a, double[][] vectors) {
        int m = a.length;
        for (int i = 0; i < m; i++) vectors[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) for (int r = p + 1; r < m; r++) off += a[p][r] * a[p][r];
            if (off < 1e-22) break;
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    if (Math.abs(a[p][r]) < 1e-300) continue;
                    double theta = (a[r][r] - a[p][p]) / (2 * a[p][r]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < m; k++) {
                        double akp = a[k][p], akr = a[k][r];
                        a[k][p] = c * akp - s * akr;
                        a[k][r] = s * akp + c * akr;
                    }
                    for (int k = 0; k < m; k++) {
                        double apk = a[p][k], ark = a[r][k];
                        a[p][k] = c * apk - s * ark;
                        a[r][k] = s * apk + c * ark;
                    }
                    for (int k = 0; k < m; k++) {
                        double vkp = vectors[k][p], vkr = vectors[k][r];
                        vectors[k][p] = c * vkp - s * vkr;
                        vectors[k][r] = s * vkp + c * vkr;
                    }
                }
            }
        }
        double[] values = new double[m];
        for (int i = 0; i < m; i++) values[i] = a[i][i];
        return values;
    }
}
