package dev.clusterby.internal.embed;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Principal components by randomized SVD (Halko, Martinsson and Tropp 2011): a random sketch of the centred data,
 * a few power iterations, then an exact eigensolve of the small sketch. The cost is a handful of n×d×l products,
 * where a full covariance would be n×d² and an eigensolve d³.
 */
public final class Pca {
    private Pca() {}

    /** Mean, p×d unit components (largest variance first) and the variance along each. */
    public record Fit(float[] mean, float[][] components, double[] variances) {
        public int count() {
            return components.length;
        }
    }

    /**
     * Fits up to {@code p} components to the rows of x (n×d). Centres x in place: the caller hands over its features.
     */
    public static Fit fit(float[][] x, int p, int oversample, int powerIterations, long seed) {
        int n = x.length, d = x[0].length;
        float[] mean = new float[d];
        double[] sum = new double[d];
        for (float[] row : x) for (int k = 0; k < d; k++) sum[k] += row[k];
        for (int k = 0; k < d; k++) mean[k] = (float) (sum[k] / n);
        IntStream.range(0, n).parallel().forEach(i -> {
            float[] row = x[i];
            for (int k = 0; k < d; k++) row[k] -= mean[k];
        });
        int l = Math.min(p + oversample, Math.min(n, d));
        SplittableRandom random = new SplittableRandom(seed);
        float[][] omega = new float[d][l];
        for (float[] row : omega) for (int j = 0; j < l; j++) row[j] = (float) gaussian(random);

        double[][] q = orthonormalColumns(times(x, omega, l), n); // l columns of length n
        for (int it = 0; it < powerIterations; it++) {
            double[][] z = orthonormalColumns(transposeTimes(x, q, d), d); // l columns of length d
            q = orthonormalColumns(times(x, toRows(z, d), l), n);
        }
        double[][] b = transposeTimes(x, q, d); // b[j] = Xᵀ q_j: the rows of B = Qᵀ X
        int m = b.length;
        double[][] gram = new double[m][m];
        for (int i = 0; i < m; i++) for (int j = i; j < m; j++) gram[i][j] = gram[j][i] = dot(b[i], b[j]);
        double[][] vectors = new double[m][m];
        double[] values = jacobiEigen(gram, vectors);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (a, c) -> Double.compare(values[c], values[a]));

        int kept = Math.min(p, m);
        float[][] components = new float[kept][d];
        double[] variances = new double[kept];
        for (int c = 0; c < kept; c++) {
            int e = order[c];
            double s = Math.sqrt(Math.max(values[e], 0));
            variances[c] = values[e] / Math.max(1, n - 1);
            if (s == 0) continue;
            double[] v = new double[d];
            for (int j = 0; j < m; j++) {
                double u = vectors[j][e];
                for (int k = 0; k < d; k++) v[k] += u * b[j][k];
            }
            for (int k = 0; k < d; k++) components[c][k] = (float) (v[k] / s);
        }
        return new Fit(mean, components, variances);
    }

    /** x (n×d, already centred or not: the mean is subtracted here) times the components, scaled by variance^(-power/2). */
    public static void project(float[][] x, boolean centred, Fit fit, double whitenPower, float[][] out) {
        int d = fit.mean().length, p = fit.count();
        double floor = fit.variances().length == 0 ? 0 : fit.variances()[0] * 1e-6;
        float[] scale = new float[p];
        for (int c = 0; c < p; c++) scale[c] = (float) Math.pow(fit.variances()[c] + floor + Double.MIN_NORMAL, -whitenPower / 2);
        IntStream.range(0, x.length).parallel().forEach(i -> {
            float[] row = x[i];
            for (int c = 0; c < p; c++) {
                float[] v = fit.components()[c];
                float acc = 0;
                for (int k = 0; k < d; k++) acc += (centred ? row[k] : row[k] - fit.mean()[k]) * v[k];
                out[i][c] = acc * scale[c];
            }
        });
    }

    /** x (n×d) times w (d×l), as l columns of length n. */
    private static double[][] times(float[][] x, float[][] w, int l) {
        int n = x.length, d = w.length;
        double[][] columns = new double[l][n];
        IntStream.range(0, n).parallel().forEach(i -> {
            float[] acc = new float[l];
            float[] row = x[i];
            for (int k = 0; k < d; k++) {
                float a = row[k];
                if (a == 0) continue;
                float[] wk = w[k];
                for (int j = 0; j < l; j++) acc[j] += a * wk[j];
            }
            for (int j = 0; j < l; j++) columns[j][i] = acc[j];
        });
        return columns;
    }

    /** Xᵀ q_j for each column q_j (length n): l vectors of length d. Float partial sums per chunk, summed in double. */
    private static double[][] transposeTimes(float[][] x, double[][] q, int d) {
        int n = x.length, l = q.length;
        int chunks = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors() * 4, n / 256));
        float[][][] partial = new float[chunks][][];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            float[][] acc = new float[l][d];
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            for (int i = from; i < to; i++) {
                float[] row = x[i];
                for (int j = 0; j < l; j++) {
                    float qi = (float) q[j][i];
                    float[] a = acc[j];
                    for (int k = 0; k < d; k++) a[k] += qi * row[k];
                }
            }
            partial[c] = acc;
        });
        double[][] total = new double[l][d];
        for (float[][] part : partial) {
            for (int j = 0; j < l; j++) for (int k = 0; k < d; k++) total[j][k] += part[j][k];
        }
        return total;
    }

    /** Columns (each of length rows) to a rows×l float matrix. */
    private static float[][] toRows(double[][] columns, int rows) {
        float[][] out = new float[rows][columns.length];
        for (int j = 0; j < columns.length; j++) for (int r = 0; r < rows; r++) out[r][j] = (float) columns[j][r];
        return out;
    }

    /** Modified Gram-Schmidt, twice for stability; a column that vanishes is dropped. */
    private static double[][] orthonormalColumns(double[][] columns, int length) {
        java.util.List<double[]> kept = new java.util.ArrayList<>();
        for (double[] column : columns) {
            double[] v = column.clone();
            double before = Math.sqrt(dot(v, v));
            for (int pass = 0; pass < 2; pass++) {
                for (double[] u : kept) {
                    double a = dot(u, v);
                    for (int k = 0; k < length; k++) v[k] -= a * u[k];
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm <= 1e-10 * Math.max(before, 1e-300)) continue;
            for (int k = 0; k < length; k++) v[k] /= norm;
            kept.add(v);
        }
        return kept.toArray(double[][]::new);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) s += a[k] * b[k];
        return s;
    }

    /** Cyclic Jacobi for a small symmetric matrix (destroyed); eigenvectors go into the columns of {@code vectors}. */
    static double[] jacobiEigen(double[][] a, double[][] vectors) {
        int m = a.length;
        for (int i = 0; i < m; i++) {
            Arrays.fill(vectors[i], 0);
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, total = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-24 * total || off == 0) break;
            for (int p = 0; p < m - 1; p++) {
                for (int q = p + 1; q < m; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < m; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < m; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < m; k++) {
                        double vkp = vectors[k][p], vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[m];
        for (int i = 0; i < m; i++) values[i] = a[i][i];
        return values;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
