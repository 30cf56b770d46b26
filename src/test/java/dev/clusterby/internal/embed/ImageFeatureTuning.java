package dev.clusterby.internal.embed;

import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.ImageInput;

import dev.clusterby.DataPanel;
import dev.clusterby.ImageColumn;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.Metrics;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.compute.FloatMatrix;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Not a test: the sweep behind benchmarks/RESULTS-images.md. Run with
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.clusterby.internal.embed.ImageFeatureTuning [n]}.
 */
public final class ImageFeatureTuning {
    public static void main(String[] args) {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (DataPanel panel = DataPanel.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"))) {
            ImageColumn images = panel.imageColumn("image");
            int n = Math.min(limit, images.size());
            int[] truth = panel.intColumn("label").toIntArray(-1);
            truth = java.util.Arrays.copyOf(truth, n);
            List<ImageInput> inputs = new ArrayList<>();
            for (int row = 0; row < n; row++) {
                ImageColumn.Source source = images.source(row);
                inputs.add(new ImageInput() {
                    public String label() { return source.label(); }
                    public BufferedImage decode() throws java.io.IOException { return source.decode(); }
                });
            }
            // Raw pixels, for reference.
            float[][] pixels = new float[n][];
            for (int row = 0; row < n; row++) {
                byte[] p = ((ImageColumn.GreySource) images.source(row)).pixels();
                pixels[row] = new float[p.length];
                for (int i = 0; i < p.length; i++) pixels[row][i] = (p[i] & 0xff) / 255f;
            }
            if (System.getProperty("raw") != null) report("raw pixels", pixels, truth, false);
            String[] grid = args.length > 1 ? args[1].split(";") : new String[] {"28,4,9,2,7,1,0.25,0.25,0.5,64,0.5"};
            for (String spec : grid) {
                String[] f = spec.split(",");
                ClassicImageEncoder.Options o = new ClassicImageEncoder.Options(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                        Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]), Integer.parseInt(f[9]),
                        Double.parseDouble(f[10]));
                ClassicImageEncoder encoder = new ClassicImageEncoder(o);
                long t0 = System.nanoTime();
                float[][] features = encoder.features(inputs, new TreeMap<>(), Encoder.ProgressListener.NONE);
                System.out.printf(Locale.ROOT, "%s  (features %.1fs, %d-d)%n", spec, (System.nanoTime() - t0) / 1e9, features[0].length);
                String[] projections = args.length > 2 ? args[2].split(";") : new String[] {o.components() + "," + o.whiten()};
                for (String projection : projections) {
                    String[] g = projection.split(",");
                    ClassicImageEncoder.Options po = new ClassicImageEncoder.Options(o.size(), o.cell(), o.bins(), o.block(), o.thumb(),
                            o.wHog(), o.wIntensity(), o.wColour(), o.wThumb(), Integer.parseInt(g[0]), Double.parseDouble(g[1]));
                    long t1 = System.nanoTime();
                    float[][] projected = new ClassicImageEncoder(po).project(features);
                    report(String.format(Locale.ROOT, "  p%s w%s (pca %.1fs)", g[0], g[1], (System.nanoTime() - t1) / 1e9), projected, truth, false);
                }
            }
        }
    }

    static void report(String name, float[][] x, int[] truth, boolean spherical) {
        int n = x.length, d = x[0].length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) n * d * 4, 64);
            for (int i = 0; i < n; i++) MemorySegment.copy(x[i], 0, seg, FloatMatrix.FLOAT, (long) i * d * 4, d);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", name));
            double ari = 0, nmi = 0;
            long[] seeds = {42, 1, 2};
            for (long seed : seeds) {
                int[] labels = new KMeans(new KMeans.Options(10, 300, 1e-4, seed, Integer.getInteger("ninit", 3), spherical))
                        .fit(new FloatMatrix(seg, n, d), ComputeBackends.select("auto")).labels();
                double a = Metrics.adjustedRandIndex(truth, labels), m = Metrics.normalizedMutualInfo(truth, labels);
                ari += a / seeds.length;
                nmi += m / seeds.length;
                line.append(String.format(Locale.ROOT, " seed %d: %.3f/%.3f", seed, a, m));
            }
            System.out.printf(Locale.ROOT, "%s  mean ARI %.3f NMI %.3f%n", line, ari, nmi);
        }
    }
}
