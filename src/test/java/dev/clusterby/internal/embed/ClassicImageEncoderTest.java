package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.ImageInput;

import dev.clusterby.compute.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ClassicImageEncoderTest {

    @Test
    void jacobiDiagonalisesASymmetricMatrix() {
        SplittableRandom random = new SplittableRandom(1);
        int m = 12;
        double[][] a = new double[m][m];
        for (int i = 0; i < m; i++) for (int j = i; j < m; j++) a[i][j] = a[j][i] = random.nextDouble() - 0.5;
        double[][] copy = new double[m][];
        for (int i = 0; i < m; i++) copy[i] = a[i].clone();
        double[][] v = new double[m][m];
        double[] values = Pca.jacobiEigen(copy, v);
        for (int e = 0; e < m; e++) {
            for (int i = 0; i < m; i++) {
                double av = 0;
                for (int k = 0; k < m; k++) av += a[i][k] * v[k][e];
                assertEquals(values[e] * v[i][e], av, 1e-9, "A v = λ v for eigenpair " + e);
            }
        }
    }

    @Test
    void randomizedPcaFindsTheLeadingDirectionsAndVariances() {
        // 2000 points in 50-d: variances 25, 9, 4 along three random orthogonal directions, plus 0.01 noise.
        SplittableRandom random = new SplittableRandom(2);
        int n = 2000, d = 50;
        double[][] basis = new double[3][d];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < d; k++) basis[c][k] = random.nextDouble() - 0.5;
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int k = 0; k < d; k++) dot += basis[c][k] * basis[p][k];
                for (int k = 0; k < d; k++) basis[c][k] -= dot * basis[p][k];
            }
            double norm = 0;
            for (int k = 0; k < d; k++) norm += basis[c][k] * basis[c][k];
            for (int k = 0; k < d; k++) basis[c][k] /= Math.sqrt(norm);
        }
        double[] sd = {5, 3, 2};
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) x[i][k] = (float) (7 + 0.1 * gaussian(random));
            for (int c = 0; c < 3; c++) {
                double z = sd[c] * gaussian(random);
                for (int k = 0; k < d; k++) x[i][k] += (float) (z * basis[c][k]);
            }
        }
        Pca.Fit fit = Pca.fit(x, 3, 10, 1, 5);
        for (int c = 0; c < 3; c++) {
            double dot = 0;
            for (int k = 0; k < d; k++) dot += fit.components()[c][k] * basis[c][k];
            assertEquals(1.0, Math.abs(dot), 1e-3, "component " + c);
            assertEquals(sd[c] * sd[c], fit.variances()[c], sd[c] * sd[c] * 0.1, "variance " + c);
        }
        assertEquals(7, fit.mean()[0], 0.05);
    }

    @Test
    void hogSeesEdgeDirections() {
        ClassicImageEncoder encoder = new ClassicImageEncoder(new ClassicImageEncoder.Options(28, 7, 9, 2, 0, 1, 0, 0, 0, 8, 0));
        // Vertical stripes have horizontal gradients: the 0° bin (index 0 of each cell's 9) carries the energy.
        BufferedImage vertical = stripes(true), horizontal = stripes(false);
        float[] v = encoder.describe(vertical), h = encoder.describe(horizontal);
        double v0 = 0, v90 = 0, h0 = 0, h90 = 0;
        for (int i = 0; i < encoder.options().hogLength(); i += 9) {
            v0 += v[i];
            v90 += v[i + 4];
            h0 += h[i];
            h90 += h[i + 4];
        }
        assertTrue(v0 > 5 * v90, v0 + " vs " + v90);
        assertTrue(h90 > 5 * h0, h90 + " vs " + h0);
    }

    private static BufferedImage stripes(boolean vertical) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) image.getRaster().setSample(x, y, 0, ((vertical ? x : y) / 2) % 2 * 255);
        return image;
    }

    @Test
    void vectorsAreUnitLengthDeterministicAndDecodeFailuresAreRows() {
        ClassicImageEncoder encoder = ClassicImageEncoder.create();
        List<ImageInput> images = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 40; i++) {
            BufferedImage image = new BufferedImage(20 + i, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) for (int x = 0; x < image.getWidth(); x++) image.setRGB(x, y, random.nextInt(1 << 24));
            images.add(ClipEncoderTest.input("r" + i, image));
        }
        images.add(new ImageInput() {
            public String label() { return "bad"; }
            public BufferedImage decode() throws java.io.IOException { throw new java.io.IOException("truncated"); }
        });
        float[][] a = encode(encoder, images), b = encode(encoder, images);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(a[i], b[i], 0f);
            double norm = 0;
            for (float f : a[i]) norm += f * f;
            assertEquals(1.0, norm, 1e-4);
        }
        assertEquals(32, encoder.dimension());
        assertTrue(encoder.version().startsWith("1-s28-c7-b9"), encoder.version());
    }

    private static float[][] encode(Encoder encoder, List<ImageInput> images) {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix out = new FloatMatrix(arena.allocate((long) images.size() * encoder.dimension() * 4, 64), images.size(), encoder.dimension());
            var failures = encoder.encodeImages(images, out, null);
            assertEquals(java.util.Map.of(images.size() - 1, "truncated"), failures);
            float[][] rows = new float[images.size() - 1][];
            for (int r = 0; r < rows.length; r++) rows[r] = out.row(r).toArray(ValueLayout.JAVA_FLOAT);
            return rows;
        }
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
