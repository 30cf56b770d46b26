package dev.clusterby.internal.map;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.embed.Pca;

/** The linear map (principal components) and the checks both maps share for inputs too small or flat to map. */
public final class Layouts {
    private Layouts() {}

    /** The first {@code dims} principal components of the rows; degenerate inputs as {@link NeighborEmbedding} treats them. */
    public static NeighborEmbedding.Result pca(FloatMatrix data, int dims, long seed) {
        int n = data.rows();
        NeighborEmbedding.Result degenerate = degenerate(data, dims);
        if (degenerate != null) return degenerate;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = data.row(i).toArray(FloatMatrix.FLOAT);
        Pca.Fit fit = Pca.fit(rows, Math.min(dims, data.cols()), 10, 2, seed);
        float[][] projected = new float[n][fit.count()];
        Pca.project(rows, true, fit, 0, projected);
        float[] out = new float[n * dims];
        for (int i = 0; i < n; i++) System.arraycopy(projected[i], 0, out, i * dims, projected[i].length);
        return new NeighborEmbedding.Result(out, n, dims, null);
    }

    /**
     * A fixed layout with the reason when the rows allow no map: fewer than 3 (evenly spaced on the first axis) or all
     * identical (all at the origin); null otherwise. Non-finite values are an error, as in every map.
     */
    public static NeighborEmbedding.Result degenerate(FloatMatrix data, int dims) {
        int n = data.rows();
        NeighborEmbedding.requireFinite(data);
        if (n < 3) {
            float[] out = new float[n * dims];
            for (int i = 0; i < n; i++) out[i * dims] = n == 1 ? 0 : -1 + 2f * i / (n - 1);
            return new NeighborEmbedding.Result(out, n, dims, n == 0 ? "no rows" : "only " + n + (n == 1 ? " row" : " rows"));
        }
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < data.cols(); j++) {
                if (data.get(i, j) != data.get(0, j)) return null;
            }
        }
        return new NeighborEmbedding.Result(new float[n * dims], n, dims, "all " + n + " rows are identical");
    }
}
