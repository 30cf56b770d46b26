package dev.clusterby.internal.describe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Domino's error-aware mixture (Eyuboglu et al., ICLR 2022): a mixture of diagonal Gaussians over the reduced
 * embedding whose components also carry a categorical distribution of the target and one of the prediction. A row's
 * responsibility for slice s is proportional to {@code π_s · N(z | μ_s, σ²_s) · Π_c φʸ_sc^(w·y_c) · Π_c φᵖ_sc^(w·p_c)},
 * so rows that look alike <em>and</em> share a (target, prediction) pattern fall together, and a slice where the
 * model errs separates from the rows of the same kind where it does not. Targets and predictions are soft (rows of
 * class probabilities); without them (weight 0) this is a plain diagonal Gaussian mixture: soft slices.
 */
public final class SliceMixture {
    /** Domino's default weight of the target and prediction terms against the embedding's. */
    public static final double LABEL_WEIGHT = 10;
    private static final int ITERATIONS = 100;
    private static final double TOLERANCE = 1e-5;
    private static final double VARIANCE_FLOOR = 1e-4;
    private static final double SMOOTHING = 1e-3;

    private SliceMixture() {}

    /**
     * Fits {@code slices} components and returns the n×slices responsibilities.
     *
     * @param z       n×p reduced embedding
     * @param target  n×c target probabilities (one-hot for labels), or null
     * @param pred    n×c predicted probabilities (one-hot for labels), or null
     * @param weight  the weight of the target and prediction terms
     */
    public static double[][] fit(double[][] z, double[][] target, double[][] pred, int slices, double weight, long seed) {
        return em(z, target, pred, initial(z, target, pred, slices, seed), weight);
    }

    /**
     * Domino's "confusion" start: one component per (target, predicted class) cell, the largest cells first, up to
     * {@code maxComponents}; rows of the cells left over start in the component whose embedding mean is nearest. With
     * fewer cells than {@code minComponents}, the largest components are split along the first principal axis.
     * Returns the n×components responsibilities.
     */
    public static double[][] fitFromConfusion(double[][] z, double[][] target, double[][] pred, int minComponents,
                                              int maxComponents, double weight) {
        int n = z.length, p = z[0].length, c = target[0].length;
        Map<Integer, List<Integer>> cells = new HashMap<>();
        for (int i = 0; i < n; i++) cells.computeIfAbsent(argmax(target[i]) * c + argmax(pred[i]), key -> new ArrayList<>()).add(i);
        List<List<Integer>> bySize = new ArrayList<>(cells.values());
        bySize.sort((a, b) -> a.size() != b.size() ? Integer.compare(b.size(), a.size()) : Integer.compare(a.getFirst(), b.getFirst()));
        int components = Math.max(minComponents, Math.min(maxComponents, bySize.size()));
        List<List<Integer>> start = new ArrayList<>(bySize.subList(0, Math.min(components, bySize.size())));
        while (start.size() < components) {
            // Split the largest component in two at the median of the first coordinate.
            int largest = 0;
            for (int s = 1; s < start.size(); s++) if (start.get(s).size() > start.get(largest).size()) largest = s;
            List<Integer> rows = new ArrayList<>(start.get(largest));
            if (rows.size() < 2) break;
            rows.sort((a, b) -> z[a][0] != z[b][0] ? Double.compare(z[a][0], z[b][0]) : Integer.compare(a, b));
            start.set(largest, new ArrayList<>(rows.subList(0, rows.size() / 2)));
            start.add(new ArrayList<>(rows.subList(rows.size() / 2, rows.size())));
        }
        components = start.size();
        int[] label = new int[n];
        Arrays.fill(label, -1);
        double[][] means = new double[components][p];
        for (int s = 0; s < components; s++) {
            for (int i : start.get(s)) {
                label[i] = s;
                for (int j = 0; j < p; j++) means[s][j] += z[i][j] / start.get(s).size();
            }
        }
        for (int i = 0; i < n; i++) {
            if (label[i] >= 0) continue;
            double best = Double.POSITIVE_INFINITY;
            for (int s = 0; s < components; s++) {
                double dist = distance(z[i], means[s]);
                if (dist < best) {
                    best = dist;
                    label[i] = s;
                }
            }
        }
        double[][] resp = new double[n][components];
        for (int i = 0; i < n; i++) resp[i][label[i]] = 1;
        return em(z, target, pred, resp, weight);
    }

    private static int argmax(double[] row) {
        int top = 0;
        for (int k = 1; k < row.length; k++) if (row[k] > row[top]) top = k;
        return top;
    }

    private static double[][] em(double[][] z, double[][] target, double[][] pred, double[][] resp, double weight) {
        int n = z.length, p = z[0].length, slices = resp[0].length;
        int c = target == null ? 0 : target[0].length;
        double[] pi = new double[slices];
        double[][] mean = new double[slices][p], var = new double[slices][p];
        double[][] phiY = new double[slices][c], phiP = new double[slices][c];
        double previous = Double.NEGATIVE_INFINITY;
        for (int it = 0; it < ITERATIONS; it++) {
            // M-step
            for (int s = 0; s < slices; s++) {
                double total = 0;
                double[] m = mean[s], v = var[s];
                Arrays.fill(m, 0);
                Arrays.fill(v, 0);
                Arrays.fill(phiY[s], SMOOTHING);
                Arrays.fill(phiP[s], SMOOTHING);
                for (int i = 0; i < n; i++) {
                    double r = resp[i][s];
                    if (r == 0) continue;
                    total += r;
                    for (int j = 0; j < p; j++) m[j] += r * z[i][j];
                    for (int k = 0; k < c; k++) {
                        phiY[s][k] += r * target[i][k];
                        phiP[s][k] += r * pred[i][k];
                    }
                }
                double mass = Math.max(total, 1e-12);
                for (int j = 0; j < p; j++) m[j] /= mass;
                for (int i = 0; i < n; i++) {
                    double r = resp[i][s];
                    if (r == 0) continue;
                    for (int j = 0; j < p; j++) {
                        double dz = z[i][j] - m[j];
                        v[j] += r * dz * dz;
                    }
                }
                for (int j = 0; j < p; j++) v[j] = v[j] / mass + VARIANCE_FLOOR;
                pi[s] = (total + 1e-10) / (n + slices * 1e-10);
                normaliseLog(phiY[s]);
                normaliseLog(phiP[s]);
            }
            // E-step
            double logLikelihood = 0;
            for (int i = 0; i < n; i++) {
                double[] row = resp[i];
                for (int s = 0; s < slices; s++) {
                    double lp = Math.log(pi[s]);
                    double[] m = mean[s], v = var[s];
                    for (int j = 0; j < p; j++) {
                        double dz = z[i][j] - m[j];
                        lp -= 0.5 * (Math.log(2 * Math.PI * v[j]) + dz * dz / v[j]);
                    }
                    for (int k = 0; k < c; k++) lp += weight * (target[i][k] * phiY[s][k] + pred[i][k] * phiP[s][k]);
                    row[s] = lp;
                }
                logLikelihood += softmaxInPlace(row);
            }
            if (Math.abs(logLikelihood - previous) <= TOLERANCE * Math.abs(logLikelihood)) break;
            previous = logLikelihood;
        }
        return resp;
    }

    /** Turns counts into log probabilities. */
    private static void normaliseLog(double[] counts) {
        double sum = 0;
        for (double v : counts) sum += v;
        for (int k = 0; k < counts.length; k++) counts[k] = Math.log(counts[k] / sum);
    }

    /** Log-sum-exp of the row, and the row turned into probabilities. */
    private static double softmaxInPlace(double[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : row) max = Math.max(max, v);
        double sum = 0;
        for (int s = 0; s < row.length; s++) {
            row[s] = Math.exp(row[s] - max);
            sum += row[s];
        }
        for (int s = 0; s < row.length; s++) row[s] /= sum;
        return max + Math.log(sum);
    }

    /**
     * Hard starting responsibilities from k-means++ and Lloyd on the embedding (scaled to unit variance per dimension)
     * joined with the weighted target and prediction, so the start already splits by (target, prediction) cell.
     */
    private static double[][] initial(double[][] z, double[][] target, double[][] pred, int slices, long seed) {
        int n = z.length, p = z[0].length, c = target == null ? 0 : target[0].length;
        double[] sd = new double[p], mu = new double[p];
        for (double[] row : z) for (int j = 0; j < p; j++) mu[j] += row[j] / n;
        for (double[] row : z) for (int j = 0; j < p; j++) sd[j] += (row[j] - mu[j]) * (row[j] - mu[j]) / n;
        double labelScale = Math.sqrt(p); // a changed label moves a row as far as the whole embedding spread
        double[][] f = new double[n][p + 2 * c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) f[i][j] = (z[i][j] - mu[j]) / Math.sqrt(sd[j] + 1e-12);
            for (int k = 0; k < c; k++) {
                f[i][p + k] = labelScale * target[i][k];
                f[i][p + c + k] = labelScale * pred[i][k];
            }
        }
        int[] label = lloyd(f, slices, seed);
        double[][] resp = new double[n][slices];
        for (int i = 0; i < n; i++) resp[i][label[i]] = 1;
        return resp;
    }

    private static int[] lloyd(double[][] f, int k, long seed) {
        int n = f.length, d = f[0].length;
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centre = new double[k][];
        centre[0] = f[random.nextInt(n)].clone();
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int s = 1; s < k; s++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(f[i], centre[s - 1]));
                total += nearest[i];
            }
            double pick = random.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= nearest[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            centre[s] = f[chosen].clone();
        }
        int[] label = new int[n];
        for (int it = 0; it < 50; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int s = 0; s < k; s++) {
                    double dist = distance(f[i], centre[s]);
                    if (dist < bestD) {
                        bestD = dist;
                        best = s;
                    }
                }
                if (label[i] != best || it == 0) changed |= label[i] != best;
                label[i] = best;
            }
            double[][] sum = new double[k][d];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[label[i]]++;
                for (int j = 0; j < d; j++) sum[label[i]][j] += f[i][j];
            }
            for (int s = 0; s < k; s++) {
                if (count[s] == 0) continue; // an empty centre keeps its place
                for (int j = 0; j < d; j++) centre[s][j] = sum[s][j] / count[s];
            }
            if (!changed && it > 0) break;
        }
        return label;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            sum += diff * diff;
        }
        return sum;
    }
}
