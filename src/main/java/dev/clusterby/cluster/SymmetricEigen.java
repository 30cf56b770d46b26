package dev.clusterby.cluster;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The largest eigenpairs of a symmetric operator, in double precision: Lanczos with full
 * reorthogonalisation (classical Gram–Schmidt, repeated when it loses more than ~30% of the norm), then the
 * tridiagonal matrix's eigenpairs by implicit QL with Wilkinson shifts (EISPACK's tql2).
 *
 * <p>For small operators (n ≤ {@link #DENSE_LIMIT}) Lanczos runs all n steps, which is a complete orthogonal
 * tridiagonalisation, so the result is exact to rounding: this is the dense solver, with no native library
 * (jblas would need libgfortran5 and a CPU-type variable to be fast). For larger ones it stops when the k
 * Ritz residuals {@code |β·s|} fall below the tolerance.
 *
 * <p>Single-vector Lanczos finds one copy of a repeated eigenvalue; callers split disconnected graphs into
 * components first, which removes the repeated eigenvalue 1 that graph Laplacians have.
 */
final class SymmetricEigen {
    static final int DENSE_LIMIT = 128;

    private SymmetricEigen() {}

    /** y = A x for a symmetric A of the given size. */
    interface Operator {
        int size();

        void apply(double[] x, double[] y);
    }

    /** Eigenvalues, largest first, and their unit eigenvectors; steps taken; whether every residual met the tolerance. */
    record Result(double[] values, double[][] vectors, int steps, boolean converged) {}

    /** The k largest eigenpairs (k ≤ size). */
    static Result largest(Operator op, int k, double tol, int maxSteps, long seed) {
        int n = op.size();
        if (k < 1 || k > n) throw new IllegalArgumentException("k=" + k + " for an operator of size " + n);
        int m = n <= DENSE_LIMIT ? n : Math.min(n, Math.max(maxSteps, 2 * k + 1));
        SplittableRandom random = new SplittableRandom(seed);
        double[][] q = new double[m][];
        double[] alpha = new double[m], beta = new double[m];
        double[] next = randomUnit(random, n, q, 0);
        double[] w = new double[n];
        double norm = 0; // a running estimate of ‖A‖ for the breakdown test
        int steps = 0;
        Ritz ritz = null;
        int nextCheck = Math.min(m, Math.max(2 * k + 10, 30));
        for (int j = 0; j < m; j++) {
            q[j] = next;
            op.apply(q[j], w);
            if (j > 0) axpy(-beta[j - 1], q[j - 1], w);
            alpha[j] = dot(w, q[j]);
            axpy(-alpha[j], q[j], w);
            double b = reorthogonalise(w, q, j + 1);
            steps = j + 1;
            norm = Math.max(norm, Math.abs(alpha[j]) + b + (j > 0 ? beta[j - 1] : 0));
            if (steps == m) {
                beta[j] = b;
                break;
            }
            if (steps >= nextCheck && n > DENSE_LIMIT) {
                ritz = ritz(alpha, beta, steps, b);
                if (ritz.converged(k, tol * Math.max(norm, 1e-300))) {
                    return vectors(ritz, q, k, n, steps, true);
                }
                nextCheck = steps + Math.max(10, steps / 5);
            }
            if (b <= 1e-12 * Math.max(norm, 1e-300)) {
                // An invariant subspace: continue from a fresh direction orthogonal to it.
                beta[j] = 0;
                next = randomUnit(random, n, q, steps);
                if (next == null) {
                    m = steps;
                    break;
                }
            } else {
                beta[j] = b;
                next = new double[n];
                for (int i = 0; i < n; i++) next[i] = w[i] / b;
            }
        }
        ritz = ritz(alpha, beta, steps, beta[steps - 1]);
        boolean converged = n <= DENSE_LIMIT || steps == n || ritz.converged(k, tol * Math.max(norm, 1e-300));
        return vectors(ritz, q, k, n, steps, converged);
    }

    /** Eigenpairs of the leading steps×steps tridiagonal block; {@code lastBeta} the coupling to the next vector. */
    private record Ritz(double[] values, double[] vectors, int size, double lastBeta) {
        /** Whether the k largest Ritz pairs have residual ≤ threshold. Values sorted ascending. */
        boolean converged(int k, double threshold) {
            for (int c = 0; c < k; c++) {
                int col = size - 1 - c;
                double residual = Math.abs(lastBeta * vectors[col * size + size - 1]);
                if (residual > threshold) return false;
            }
            return true;
        }
    }

    private static Ritz ritz(double[] alpha, double[] beta, int size, double lastBeta) {
        double[] d = Arrays.copyOf(alpha, size);
        double[] e = new double[size];
        for (int i = 1; i < size; i++) e[i] = beta[i - 1];
        double[] v = new double[size * size];
        for (int i = 0; i < size; i++) v[i * size + i] = 1;
        tql2(d, e, v, size);
        return new Ritz(d, v, size, lastBeta);
    }

    private static Result vectors(Ritz ritz, double[][] q, int k, int n, int steps, boolean converged) {
        double[] values = new double[k];
        double[][] vectors = new double[k][n];
        int size = ritz.size;
        for (int c = 0; c < k; c++) {
            int col = size - 1 - c;
            values[c] = ritz.values[col];
            double[] out = vectors[c];
            for (int j = 0; j < size; j++) axpy(ritz.vectors[col * size + j], q[j], out);
            double length = Math.sqrt(dot(out, out));
            if (length > 0) for (int i = 0; i < n; i++) out[i] /= length;
        }
        return new Result(values, vectors, steps, converged);
    }

    /** Removes from w its components along q[0..count); returns the remaining norm. */
    private static double reorthogonalise(double[] w, double[][] q, int count) {
        double before = Math.sqrt(dot(w, w));
        for (int pass = 0; pass < 3; pass++) {
            double[] coefficients = new double[count];
            for (int j = 0; j < count; j++) coefficients[j] = dot(w, q[j]);
            for (int j = 0; j < count; j++) axpy(-coefficients[j], q[j], w);
            double after = Math.sqrt(dot(w, w));
            // "Twice is enough" (Kahan–Parlett): stop once a pass keeps most of the norm.
            if (after > 0.7 * before) return after;
            before = after;
        }
        return Math.sqrt(dot(w, w));
    }

    /** A random unit vector orthogonal to q[0..count), or null when none is left. */
    private static double[] randomUnit(SplittableRandom random, int n, double[][] q, int count) {
        for (int attempt = 0; attempt < 5; attempt++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = random.nextDouble(-1, 1);
            double start = Math.sqrt(dot(v, v));
            double length = count == 0 ? start : reorthogonalise(v, q, count);
            if (length > 1e-8 * start) {
                for (int i = 0; i < n; i++) v[i] /= length;
                return v;
            }
        }
        return null;
    }

    static double dot(double[] a, double[] b) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = a.length, i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) s0 += a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
    }

    static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += a * x[i];
    }

    /**
     * Eigenpairs of a symmetric tridiagonal matrix by implicit QL (EISPACK tql2): diagonal d[0..n), off-diagonal
     * e[1..n) (e[i] couples i−1 and i; e[0] unused). On return d holds the eigenvalues ascending and v (n×n, the
     * identity on entry) the eigenvectors as rows: eigenvector i is v[i·n .. i·n+n), contiguous for the rotations.
     */
    static void tql2(double[] d, double[] e, double[] v, int n) {
        if (n == 1) return;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) break;
                m++;
            }
            if (m > l) {
                int iterations = 0;
                do {
                    if (++iterations > 60) throw new ArithmeticException("tridiagonal QL did not converge");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Math.hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = c, c3 = c;
                    double el1 = e[l + 1];
                    double s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        int a = i * n, b = a + n;
                        for (int k = 0; k < n; k++) {
                            h = v[b + k];
                            v[b + k] = s * v[a + k] + c * h;
                            v[a + k] = c * v[a + k] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
        // Sort ascending, carrying the columns.
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) {
                    double t = v[i * n + j];
                    v[i * n + j] = v[k * n + j];
                    v[k * n + j] = t;
                }
            }
        }
    }
}
