package dev.clusterby.internal.cluster.hdbscan;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;

import java.util.stream.IntStream;

/**
 * HDBSCAN's approximate predict ({@code hdbscan.approximate_predict}): a new point, mapped into the space that was
 * clustered, gets a core distance from its nearest training rows; its nearest training row by mutual reachability
 * places it in the condensed tree at λ = 1/mr. If that row left its cluster at a λ no larger, the point goes with
 * it; otherwise the point joins the ancestor cluster alive at its λ. The label is the selected cluster there, or −1.
 */
public final class Prediction {
    private final Reduction.Predictor predictor;
    private final SpanningTree.Points training;
    private final double[] core;
    private final int minSamples;
    private final int[] rowCluster;
    private final double[] rowLambda;
    private final int[] clusterParent;
    private final double[] birth;
    private final double[] deathDirect;
    private final int[] selectedAncestor;
    private final int[] labelOf;
    private final int n;

    /** What predict keeps from a fit. */
    public Prediction(Reduction.Predictor predictor, SpanningTree.Points training, double[] core, int minSamples,
                      Hierarchy hierarchy, boolean[] selected, int[] labelOf) {
        this.predictor = predictor;
        this.training = training;
        this.core = core;
        this.minSamples = minSamples;
        this.rowCluster = hierarchy.rowCluster;
        this.rowLambda = hierarchy.rowLambda;
        this.clusterParent = hierarchy.clusterParent;
        this.birth = hierarchy.birth;
        this.deathDirect = hierarchy.deathDirect;
        this.selectedAncestor = hierarchy.selectedAncestor(selected);
        this.labelOf = labelOf;
        this.n = hierarchy.n;
    }

    /** Labels and probabilities of new points. */
    public record Result(int[] labels, double[] probabilities) {}

    public Result predict(FloatMatrix points, ComputeBackend backend) {
        if (points.cols() != predictor.inputDimension()) {
            throw new ClusterbyException.InvalidData("points are " + points.cols() + "-d, the model was fitted on "
                    + predictor.inputDimension() + "-d rows");
        }
        float[] mapped = predictor.map(points, backend);
        int q = points.rows(), d = training.d();
        int[] labels = new int[q];
        double[] probabilities = new double[q];
        int m = Math.min(n, Math.max(2 * minSamples, 2));
        IntStream.range(0, q).parallel().forEach(p -> {
            int[] idx = new int[m];
            double[] dist = new double[m];
            int filled = 0;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0, o = j * d; c < d; c++) {
                    double t = mapped[p * d + c] - training.x()[o + c];
                    s += t * t;
                }
                double v = training.fromSquared(s);
                if (filled < m || v < dist[filled - 1]) {
                    int slot = filled < m ? filled++ : m - 1;
                    while (slot > 0 && dist[slot - 1] > v) {
                        dist[slot] = dist[slot - 1];
                        idx[slot] = idx[slot - 1];
                        slot--;
                    }
                    dist[slot] = v;
                    idx[slot] = j;
                }
            }
            // The new point is not among the training rows, so its (minSamples−1)-th other neighbour is dist[ms−2].
            double coreP = minSamples <= 1 ? 0 : dist[Math.min(filled, minSamples - 1) - 1];
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int s = 0; s < filled; s++) {
                double mr = Math.max(dist[s], Math.max(coreP, core[idx[s]]));
                if (mr < best) {
                    best = mr;
                    nearest = idx[s];
                }
            }
            double lambda = best > 0 ? 1.0 / best : Double.POSITIVE_INFINITY;
            int cluster = rowCluster[nearest] - n;
            if (rowLambda[nearest] <= lambda) {
                lambda = rowLambda[nearest];
            } else {
                while (cluster > 0 && birth[cluster] >= lambda) cluster = clusterParent[cluster] - n;
            }
            int selected = selectedAncestor[cluster];
            if (selected < 0) {
                labels[p] = -1;
                return;
            }
            labels[p] = labelOf[selected];
            double max = deathDirect[selected];
            probabilities[p] = max <= 0 || !Double.isFinite(lambda) ? 1.0 : Math.min(lambda, max) / max;
        });
        return new Result(labels, probabilities);
    }
}
