package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.ImageInput;

import dev.clusterby.ClusterbyException;
import dev.clusterby.compute.FloatMatrix;

import java.awt.image.BufferedImage;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * The image encoder when no CLIP export is configured: hand-made features, no model. Each image is scaled to a
 * square, described by HOG (gradient orientations per cell, overlapping blocks normalised with L2-Hys) plus an
 * intensity histogram, a coarse colour histogram and a small thumbnail; then the rows are projected on their own
 * principal components (partially whitened) and L2-normalised. The PCA is fitted on the images being encoded, so a
 * vector depends on the whole column; the column's content is in every cache key, so that is safe.
 *
 * <p>These features see shape and texture, not meaning: a CLIP export ({@code clip:DIR}) gives semantic clusters.
 */
final class ClassicImageEncoder implements Encoder {
    static final String ID = "hog-pca";

    /**
     * @param size        images are scaled to size×size (whole image, aspect not kept: cropping could cut the object)
     * @param cell        HOG cell side in pixels
     * @param bins        unsigned orientation bins over 0..180°
     * @param block       cells per block side (blocks overlap by all but one cell)
     * @param thumb       thumbnail side (average-pooled grey), 0 for none
     * @param wHog        weight of each feature group after it is scaled to unit length
     * @param components  PCA components kept: the dimension
     * @param whiten      variance^(-whiten/2) per component: 0 keeps the PCA scale, 1 whitens fully
     */
    record Options(int size, int cell, int bins, int block, int thumb, double wHog, double wIntensity, double wColour,
                   double wThumb, int components, double whiten) {
        Options {
            if (size < 8 || cell < 2 || size / cell < block || bins < 2 || block < 1 || thumb < 0 || components < 1
                    || whiten < 0 || whiten > 1) {
                throw new IllegalArgumentException("bad image feature options " + this);
            }
        }

        /** Chosen on Fashion-MNIST (benchmarks/RESULTS-images.md). */
        static Options defaults() {
            return new Options(28, 7, 9, 2, 7, 1.0, 0.25, 0.25, 0.5, 32, 0.75);
        }

        int cells() {
            return size / cell;
        }

        int hogLength() {
            int blocks = cells() - block + 1;
            return blocks * blocks * block * block * bins;
        }

        int featureLength() {
            return hogLength() + INTENSITY_BINS + COLOUR_BINS * COLOUR_BINS * COLOUR_BINS + thumb * thumb;
        }

        String describe() {
            return String.format(Locale.ROOT, "HOG %dx%d px cells, %d bins, %dx%d blocks L2-Hys on %dx%d images"
                            + " + intensity/colour histograms + %dx%d thumbnail, PCA %d (whiten %.2f), L2",
                    cell, cell, bins, block, block, size, size, thumb, thumb, components, whiten);
        }
    }

    private static final int INTENSITY_BINS = 16;
    private static final int COLOUR_BINS = 4;
    private static final System.Logger LOG = System.getLogger(ClassicImageEncoder.class.getName());

    private final Options options;

    ClassicImageEncoder(Options options) {
        this.options = options;
    }

    static ClassicImageEncoder create() {
        ClassicImageEncoder encoder = new ClassicImageEncoder(Options.defaults());
        LOG.log(System.Logger.Level.DEBUG, "image encoder " + ID + ": " + encoder.options.describe()
                + "; classical features group by shape and texture; for semantic clusters configure a CLIP export (--encoder clip:DIR)");
        return encoder;
    }

    Options options() {
        return options;
    }

    @Override public String id() { return ID; }

    @Override
    public String version() {
        Options o = options;
        return String.format(Locale.ROOT, "1-s%d-c%d-b%d-k%d-t%d-w%.3f,%.3f,%.3f,%.3f-p%d-wh%.3f", o.size, o.cell, o.bins,
                o.block, o.thumb, o.wHog, o.wIntensity, o.wColour, o.wThumb, o.components, o.whiten);
    }

    @Override public int dimension() { return options.components(); }

    @Override public Modality modality() { return Modality.IMAGE; }

    @Override
    public void encodeTexts(List<String> texts, FloatMatrix out, ProgressListener progress) {
        throw new ClusterbyException.BadOption("encoder", "'" + ID + "' reads images, not text");
    }

    @Override
    public SortedMap<Integer, String> encodeImages(List<? extends ImageInput> images, FloatMatrix out, ProgressListener progress) {
        int n = images.size();
        if (out.rows() != n || out.cols() != dimension()) {
            throw new IllegalArgumentException("encoder " + ID + ": output is " + out.rows() + "x" + out.cols() + " but "
                    + n + " images need " + n + "x" + dimension());
        }
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        SortedMap<Integer, String> failures = new TreeMap<>();
        float[][] features = features(images, failures, listener);
        int[] good = new int[n - failures.size()];
        for (int row = 0, g = 0; row < n; row++) if (!failures.containsKey(row)) good[g++] = row;
        if (good.length == 0) return failures;
        float[][] rows = new float[good.length][];
        for (int g = 0; g < good.length; g++) rows[g] = features[good[g]];
        float[][] projected = project(rows);
        MemorySegment data = out.data();
        for (int g = 0; g < good.length; g++) {
            MemorySegment.copy(projected[g], 0, data, FloatMatrix.FLOAT, (long) good[g] * dimension() * Float.BYTES, dimension());
        }
        return failures;
    }

    /** Raw features of every image; rows of failed images stay null. */
    float[][] features(List<? extends ImageInput> images, SortedMap<Integer, String> failures, ProgressListener progress) {
        int n = images.size();
        float[][] features = new float[n][];
        int batch = 512;
        try (ExecutorService pool = ImageDecoding.newPool(ID)) {
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                ImageDecoding.decode(pool, images, from, to, (row, image) -> features[row] = describe(image), failures);
                progress.onProgress(to, n);
            }
        }
        return features;
    }

    /** PCA (fitted on these rows), partial whitening, L2. Consumes the rows. */
    float[][] project(float[][] rows) {
        int p = options.components();
        float[][] projected = new float[rows.length][p];
        if (rows.length > 1) {
            Pca.Fit fit = Pca.fit(rows, p, 16, 1, 20261127L);
            Pca.project(rows, true, fit, options.whiten(), projected);
        }
        for (float[] row : projected) normalise(row, 0, row.length);
        return projected;
    }

    /** The feature vector of one image: each group scaled to unit length, then weighted. */
    float[] describe(BufferedImage image) {
        Options o = options;
        int size = o.size();
        float[] grey = new float[size * size];
        int[] rgb;
        byte[] greyBytes = image.getWidth() == size && image.getHeight() == size ? ImagePreprocess.greyBytes(image) : null;
        if (greyBytes != null) {
            rgb = null;
            for (int i = 0; i < grey.length; i++) grey[i] = (greyBytes[i] & 0xff) / 255f;
        } else {
            BufferedImage scaled = ImagePreprocess.resize(ImagePreprocess.toRgb(image), size, size, ImagePreprocess.Resample.BILINEAR);
            rgb = ImagePreprocess.packedRgb(scaled);
            for (int i = 0; i < grey.length; i++) {
                int p = rgb[i];
                grey[i] = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
            }
        }
        float[] out = new float[o.featureLength()];
        int at = 0;
        hog(grey, size, out, at);
        weight(out, at, o.hogLength(), o.wHog());
        at += o.hogLength();

        for (float g : grey) out[at + Math.min(INTENSITY_BINS - 1, (int) (g * INTENSITY_BINS))] += 1;
        sqrtHistogram(out, at, INTENSITY_BINS, grey.length);
        weight(out, at, INTENSITY_BINS, o.wIntensity());
        at += INTENSITY_BINS;

        int colours = COLOUR_BINS * COLOUR_BINS * COLOUR_BINS;
        for (int i = 0; i < grey.length; i++) {
            int r, g, b;
            if (rgb == null) {
                r = g = b = greyBytes[i] & 0xff;
            } else {
                r = (rgb[i] >> 16) & 0xff;
                g = (rgb[i] >> 8) & 0xff;
                b = rgb[i] & 0xff;
            }
            out[at + ((r * COLOUR_BINS >> 8) * COLOUR_BINS + (g * COLOUR_BINS >> 8)) * COLOUR_BINS + (b * COLOUR_BINS >> 8)] += 1;
        }
        sqrtHistogram(out, at, colours, grey.length);
        weight(out, at, colours, o.wColour());
        at += colours;

        if (o.thumb() > 0) {
            int t = o.thumb();
            for (int y = 0; y < size; y++) {
                int ty = y * t / size;
                for (int x = 0; x < size; x++) out[at + ty * t + x * t / size] += grey[y * size + x];
            }
            weight(out, at, t * t, o.wThumb());
        }
        return out;
    }

    /** HOG with bilinear voting between neighbouring orientation bins, then L2-Hys per block. */
    private void hog(float[] grey, int size, float[] out, int at) {
        Options o = options;
        int cells = o.cells(), bins = o.bins(), cell = o.cell();
        float[] hist = new float[cells * cells * bins];
        int used = cells * cell;
        for (int y = 0; y < used; y++) {
            for (int x = 0; x < used; x++) {
                float gx = x == 0 || x == size - 1 ? 0 : grey[y * size + x + 1] - grey[y * size + x - 1];
                float gy = y == 0 || y == size - 1 ? 0 : grey[(y + 1) * size + x] - grey[(y - 1) * size + x];
                float magnitude = (float) Math.sqrt(gx * gx + gy * gy);
                if (magnitude == 0) continue;
                double angle = Math.atan2(gy, gx);
                if (angle < 0) angle += Math.PI;
                double position = angle / Math.PI * bins - 0.5;
                int b0 = (int) Math.floor(position);
                float frac = (float) (position - b0);
                int base = ((y / cell) * cells + x / cell) * bins;
                hist[base + Math.floorMod(b0, bins)] += magnitude * (1 - frac);
                hist[base + Math.floorMod(b0 + 1, bins)] += magnitude * frac;
            }
        }
        int blocks = cells - o.block() + 1, blockLength = o.block() * o.block() * bins;
        for (int by = 0; by < blocks; by++) {
            for (int bx = 0; bx < blocks; bx++) {
                int start = at + (by * blocks + bx) * blockLength, k = start;
                for (int cy = by; cy < by + o.block(); cy++) {
                    for (int cx = bx; cx < bx + o.block(); cx++) {
                        System.arraycopy(hist, (cy * cells + cx) * bins, out, k, bins);
                        k += bins;
                    }
                }
                l2Hys(out, start, blockLength);
            }
        }
    }

    private static void l2Hys(float[] v, int from, int length) {
        normalise(v, from, length, 1e-3f);
        for (int i = from; i < from + length; i++) v[i] = Math.min(v[i], 0.2f);
        normalise(v, from, length, 1e-3f);
    }

    private static void sqrtHistogram(float[] v, int from, int length, int total) {
        for (int i = from; i < from + length; i++) v[i] = (float) Math.sqrt(v[i] / total);
    }

    private static void weight(float[] v, int from, int length, double weight) {
        normalise(v, from, length);
        for (int i = from; i < from + length; i++) v[i] *= (float) weight;
    }

    static void normalise(float[] v, int from, int length) {
        normalise(v, from, length, 0);
    }

    private static void normalise(float[] v, int from, int length, float eps) {
        double squares = 0;
        for (int i = from; i < from + length; i++) squares += (double) v[i] * v[i];
        double norm = Math.sqrt(squares + (double) eps * eps);
        if (norm == 0) return;
        float scale = (float) (1 / norm);
        for (int i = from; i < from + length; i++) v[i] *= scale;
    }

    @Override
    public void close() {
        // No native resources: decoding pools live for one call.
    }

    @Override
    public String toString() {
        return "ClassicImageEncoder[" + options.describe() + "]";
    }
}
