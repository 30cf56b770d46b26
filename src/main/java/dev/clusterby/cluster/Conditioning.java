package dev.clusterby.cluster;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.compute.Segments;

import java.lang.foreign.Arena;

/**
 * The data as the float32 kernels should see it: moved to the origin when its offset dwarfs its spread, and
 * rescaled by a power of two only when its values would overflow or underflow float32 squares. k-means, mini-batch
 * k-means, hierarchical and spectral fit through here on every backend (GMM centres its data itself), because the
 * kernels use the expanded distance
 * ‖x‖² − 2x·c + ‖c‖², which cancels far from the origin (prices near 1e5 one unit apart) and overflows past
 * about 1e19. The statistics are taken in double; the fitted model is mapped back to the user's coordinates by the
 * method ({@link #restore}), so labels, centroids and heights are as if nothing had happened.
 */
final class Conditioning implements AutoCloseable {
    /** Beyond 2^40 (≈1.1e12) a squared distance summed over many dimensions nears float32's 3.4e38. */
    private static final double LARGE = 0x1p40;
    /** Below 2^-40 squares (≈8e-25) drift towards float32's subnormals. */
    private static final double SMALL = 0x1p-40;
    /** Squared offset over mean squared spread past which the data is centred (16x the spread). */
    private static final double CENTRE_RATIO = 256;

    private final FloatMatrix data;
    private final double[] offset;
    private final double scale;
    private final Arena arena;

    private Conditioning(FloatMatrix data, double[] offset, double scale, Arena arena) {
        this.data = data;
        this.offset = offset;
        this.scale = scale;
        this.arena = arena;
    }

    /** Conditions the matrix by its own statistics (column means, largest magnitude). */
    static Conditioning of(FloatMatrix data) {
        return of(data, true);
    }

    /** Rescales only where float32 would overflow, never centres: for cosine methods, where an offset changes the answer. */
    static Conditioning scaleOnly(FloatMatrix data) {
        return of(data, false);
    }

    private static Conditioning of(FloatMatrix data, boolean mayCentre) {
        int n = data.rows(), d = data.cols();
        double[] mean = new double[d];
        if (n == 0 || d == 0) return new Conditioning(data, null, 1, null);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data.get(i, j);
        for (int j = 0; j < d; j++) mean[j] /= n;
        double spread = 0, offsetNorm = 0, rawMax = 0, centredMax = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = data.get(i, j), c = v - mean[j];
                spread += c * c;
                rawMax = Math.max(rawMax, Math.abs(v));
                centredMax = Math.max(centredMax, Math.abs(c));
            }
        }
        for (int j = 0; j < d; j++) offsetNorm += mean[j] * mean[j];
        spread /= n;
        // The expanded distance loses about log2(offset²/spread) of float32's 24 bits to cancellation. Centre (a copy
        // of the data) once that passes 8 bits, an offset 16x the spread; below, as for embeddings, the copy buys
        // nothing and would double the memory of a mapped input.
        boolean centre = mayCentre && offsetNorm > CENTRE_RATIO * spread;
        return around(data, centre ? mean : null, scaleFor(centre ? centredMax : rawMax));
    }

    /** Conditions the matrix by given statistics (those of another matrix, such as a model's centroids). */
    static Conditioning around(FloatMatrix data, double[] offset, double scale) {
        if (offset == null && scale == 1) return new Conditioning(data, null, 1, null);
        int n = data.rows(), d = data.cols();
        Arena arena = Arena.ofShared();
        FloatMatrix out = Segments.matrix(arena, n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = data.get(i, j);
                if (offset != null) v -= offset[j];
                out.set(i, j, (float) (v / scale));
            }
        }
        return new Conditioning(out, offset, scale, arena);
    }

    /** The power of two bringing the largest magnitude near 1, or 1 when it is in float32's comfortable range. */
    private static double scaleFor(double max) {
        if (max == 0 || !Double.isFinite(max) || (max <= LARGE && max >= SMALL)) return 1;
        return Math.scalb(1.0, Math.getExponent(max) + 1);
    }

    /** The conditioned matrix: the input itself when nothing was needed. */
    FloatMatrix data() {
        return data;
    }

    /** Whether the data went through unchanged. */
    boolean isIdentity() {
        return offset == null && scale == 1;
    }

    /** The factor the data was divided by (a power of two; 1 when not rescaled). */
    double scale() {
        return scale;
    }

    /** The column offset subtracted (null when not centred). */
    double[] offset() {
        return offset == null ? null : offset.clone();
    }

    /** Conditions other points the same way (new points for a model fitted on conditioned data). */
    Conditioning apply(FloatMatrix points) {
        return around(points, offset, scale);
    }

    /** Row-major points of the conditioned space back in the user's coordinates: x·scale + offset, in double. */
    float[] restore(float[] rows, int d) {
        if (isIdentity()) return rows;
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = (float) (rows[i] * scale + (offset == null ? 0 : offset[i % d]));
        }
        return out;
    }

    /** {@link #restore(float[], int)} for double points (mixture means). */
    double[] restore(double[] rows, int d) {
        if (isIdentity()) return rows;
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = rows[i] * scale + (offset == null ? 0 : offset[i % d]);
        return out;
    }

    /** Frees the conditioned copy, if one was made. */
    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
