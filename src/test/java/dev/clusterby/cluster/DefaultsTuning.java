package dev.clusterby.cluster;

import dev.clusterby.DataPanel;
import dev.clusterby.Metrics;
import dev.clusterby.StringColumn;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.compute.ComputeBackends;
import dev.clusterby.internal.compute.Segments;
import dev.clusterby.internal.embed.Encoders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Measures the clustering defaults (benchmarks/RESULTS-defaults.md); not a JUnit test. Modes:
 * <ul>
 * <li>{@code export DIR} writes every set as DIR/NAME.csv (features..., label; no header): iris, digits, wine
 *     (z-scored), Fashion-MNIST test (first 5000, PCA50), and the demo emoji and Reuters crude/acq texts embedded
 *     with minilm and bge-small.</li>
 * <li>{@code embedcsv DIR NAME ENCODER CSV TEXT GROUP} embeds one more CSV text set the same way (the spam set).</li>
 * <li>{@code ninit DIR RUNS set:k...} runs RUNS single-start k-means fits per (set, k) and reports, exactly over
 *     the RUNS runs, the expected relative inertia gap of best-of-m against the best of all RUNS, P(best-of-m is within
 *     0.1% of it), the expected ARI of best-of-m and the fit time; then the current default's fit.</li>
 * <li>{@code spectral DIR SEEDS set:k...} compares normalize-rows true/false (ARI, NMI, mean over seeds) and
 *     writes the seed-42 labels to DIR/labels-NAME-{njw,plain}.txt for benchmarks/peers/defaults_spectral.py.</li>
 * <li>{@code autok DIR set:k...} k-means with k=auto (silhouette, default range) against the true k and k=8.</li>
 * <li>{@code omp FITS} times FITS k-means fits (n=2000, d=32, k=8, n-init 1) on the native backend.</li>
 * </ul>
 */
public final class DefaultsTuning {
    private DefaultsTuning() {}

    record Set(FloatMatrix x, int[] labels) {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "export" -> export(Path.of(args[1]));
            case "embedcsv" -> {
                try (Arena arena = Arena.ofConfined()) {
                    DataPanel panel = DataPanel.read(Path.of(args[4]));
                    embed(Path.of(args[1]), args[2], args[3], (StringColumn) panel.column(args[5]), (StringColumn) panel.column(args[6]), arena);
                }
            }
            case "ninit" -> ninit(Path.of(args[1]), Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
            case "spectral" -> spectral(Path.of(args[1]), Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
            case "autok" -> autok(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
            case "omp" -> omp(Integer.parseInt(args[1]));
            case "fittime" -> fittime(Path.of(args[1]), Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
            default -> throw new IllegalArgumentException(args[0]);
        }
        ComputeBackends.closeAll();
    }

    // ---------------------------------------------------------------- export

    static void export(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Arena arena = Arena.ofConfined()) {
            LabeledSets iris = LabeledSets.iris(arena), digits = LabeledSets.digits(arena);
            write(dir.resolve("iris.csv"), iris.data(), iris.labels());
            write(dir.resolve("digits.csv"), digits.data(), digits.labels());
            Set wine = zscore(readCsv(arena, Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv"), true), arena);
            write(dir.resolve("wine.csv"), wine.x(), wine.labels());
            LabeledSets fashion = LabeledSets.fashion(arena, 5000);
            write(dir.resolve("fashion5k-pca50.csv"), Pca.project(fashion.data(), 50, arena), fashion.labels());
            write(dir.resolve("fashion2k.csv"), firstRows(fashion.data(), 2000, arena), Arrays.copyOf(fashion.labels(), 2000));
            DataPanel emoji = DataPanel.read(Path.of("cli/src/main/resources/dev/clusterby/demo/emoji.csv"));
            DataPanel reuters = DataPanel.read(Path.of("src/test/resources/data/reuters-crude-acq.csv"));
            for (String encoder : List.of("minilm", "bge-small")) {
                embed(dir, "emoji-" + encoder, encoder, (StringColumn) emoji.column("text"), (StringColumn) emoji.column("group"), arena);
                embed(dir, "reuters-" + encoder, encoder, (StringColumn) reuters.column("text"), (StringColumn) reuters.column("topic"), arena);
            }
        }
    }

    private static void embed(Path dir, String name, String encoderName, StringColumn text, StringColumn group, Arena arena)
            throws IOException {
        Map<String, Integer> codes = new LinkedHashMap<>();
        int[] labels = new int[group.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = codes.computeIfAbsent(group.get(i), g -> codes.size());
        Encoder encoder = Encoders.open(encoderName);
        FloatMatrix out = Segments.matrix(arena, text.size(), encoder.dimension());
        long t0 = System.nanoTime();
        encoder.encodeTexts(text.values(), out, Encoder.ProgressListener.NONE);
        System.out.printf("%s: %d rows, %d-d, %d classes, %.1f s%n", name, out.rows(), out.cols(), codes.size(), (System.nanoTime() - t0) / 1e9);
        write(dir.resolve(name + ".csv"), out, labels);
    }

    private static FloatMatrix firstRows(FloatMatrix x, int n, Arena arena) {
        FloatMatrix out = Segments.matrix(arena, n, x.cols());
        for (int i = 0; i < n; i++) for (int j = 0; j < x.cols(); j++) out.set(i, j, x.get(i, j));
        return out;
    }

    private static Set zscore(Set s, Arena arena) {
        int n = s.x().rows(), d = s.x().cols();
        FloatMatrix out = Segments.matrix(arena, n, d);
        for (int j = 0; j < d; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += s.x().get(i, j);
            mean /= n;
            for (int i = 0; i < n; i++) sq += Math.pow(s.x().get(i, j) - mean, 2);
            double sd = Math.sqrt(sq / n);
            for (int i = 0; i < n; i++) out.set(i, j, (float) ((s.x().get(i, j) - mean) / sd));
        }
        return new Set(out, s.labels());
    }

    private static void write(Path file, FloatMatrix x, int[] labels) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < x.rows(); i++) {
                line.setLength(0);
                for (int j = 0; j < x.cols(); j++) line.append(x.get(i, j)).append(',');
                w.println(line.append(labels[i]));
            }
        }
    }

    static Set readCsv(Arena arena, Path file, boolean header) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             BufferedReader r = new BufferedReader(new InputStreamReader(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.US_ASCII))) {
            if (header) r.readLine();
            List<double[]> rows = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
            }
            int n = rows.size(), d = rows.get(0).length - 1;
            FloatMatrix x = Segments.matrix(arena, n, d);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) x.set(i, j, (float) rows.get(i)[j]);
                labels[i] = (int) rows.get(i)[d];
            }
            return new Set(x, labels);
        }
    }

    // ---------------------------------------------------------------- fit time of the defaults

    /**
     * Wall time of a default k-means fit (the n-init size rule) and of the old default (3 restarts), median of
     * {@code repeats} after a warm-up, with the inertia reached; benchmarks/peers/defaults_fittime.py times
     * scikit-learn's default KMeans on the same files in the same session.
     */
    static void fittime(Path dir, int repeats, String[] specs) throws IOException {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.printf("backend %s; median of %d fits%n%-22s %6s %4s %5s %10s %14s %10s %14s%n", backend.name(), repeats,
                "set", "n", "k", "rule", "rule ms", "rule inertia", "3 ms", "3 inertia");
        for (String spec : specs) {
            String[] p = spec.split(":");
            try (Arena arena = Arena.ofConfined()) {
                Set s = readCsv(arena, dir.resolve(p[0] + ".csv"), false);
                int k = Integer.parseInt(p[1]);
                KMeans.Options rule = KMeans.Options.of(k), three = rule.withNInit(3);
                double[] a = timed(s.x(), rule, backend, repeats), b = timed(s.x(), three, backend, repeats);
                System.out.printf("%-22s %6d %4d %5d %10.1f %14.6g %10.1f %14.6g%n", p[0], s.x().rows(), k,
                        KMeans.defaultNInit(s.x().rows(), k, s.x().cols()), a[0], a[1], b[0], b[1]);
            }
        }
    }

    /** {median ms, inertia} of repeated fits after as many warm-up fits (the JIT compiles the Lloyd loop meanwhile). */
    private static double[] timed(FloatMatrix x, KMeans.Options options, ComputeBackend backend, int repeats) {
        for (int r = 0; r < repeats; r++) KMeans.fit(x, options, backend);
        double[] ms = new double[repeats];
        double inertia = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            inertia = KMeans.fit(x, options, backend).inertia();
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[repeats / 2], inertia};
    }

    // ---------------------------------------------------------------- n-init

    /** P(the minimum of m draws without replacement from R sorted runs is the j-th smallest), j = 0-based. */
    static double pMinIs(int j, int m, int runs) {
        // C(R-1-j, m-1) / C(R, m)
        if (runs - 1 - j < m - 1) return 0;
        return Math.exp(logChoose(runs - 1 - j, m - 1) - logChoose(runs, m));
    }

    static double logChoose(int n, int r) {
        double s = 0;
        for (int i = 0; i < r; i++) s += Math.log(n - i) - Math.log(i + 1);
        return s;
    }

    static void ninit(Path dir, int runs, String[] specs) throws IOException {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        int[] ms = {1, 2, 3, 5, 10, 20};
        System.out.println("backend " + backend.name() + ", " + runs + " single-start runs per row; gap = E[inertia(best of m)] / best of " + runs + " - 1");
        System.out.printf("%-22s %6s %4s %9s |", "set", "n", "k", "fit1 ms");
        for (int m : ms) System.out.printf(" gap@%-2d  P@%-2d  ARI@%-2d|", m, m, m);
        System.out.printf(" %s%n", "default(seed42): nInit gap ARI ms");
        for (String spec : specs) {
            String[] p = spec.split(":");
            try (Arena arena = Arena.ofConfined()) {
                Set s = readCsv(arena, dir.resolve(p[0] + ".csv"), false);
                int k = Integer.parseInt(p[1]);
                KMeans.Options base = new KMeans.Options(k, 300, 1e-4, 0, 1, false);
                KMeans.fit(s.x(), base, backend); // warm-up
                double[] inertia = new double[runs], ari = new double[runs];
                long nanos = 0;
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    KMeans.Model model = KMeans.fit(s.x(), new KMeans.Options(k, 300, 1e-4, 1000 + r, 1, false), backend);
                    nanos += System.nanoTime() - t0;
                    inertia[r] = model.inertia();
                    ari[r] = Metrics.adjustedRandIndex(s.labels(), model.labels());
                }
                Integer[] order = new Integer[runs];
                for (int i = 0; i < runs; i++) order[i] = i;
                Arrays.sort(order, (a, b) -> Double.compare(inertia[a], inertia[b]));
                double best = inertia[order[0]];
                System.out.printf("%-22s %6d %4d %9.1f |", p[0], s.x().rows(), k, nanos / 1e6 / runs);
                for (int m : ms) {
                    double gap = 0, hit = 0, eAri = 0;
                    for (int j = 0; j < runs; j++) {
                        double pj = pMinIs(j, m, runs);
                        double v = inertia[order[j]];
                        gap += pj * (v / best - 1);
                        if (v / best - 1 <= 1e-3) hit += pj;
                        eAri += pj * ari[order[j]];
                    }
                    System.out.printf(" %6.3f%% %5.2f %5.3f |", 100 * gap, hit, eAri);
                }
                KMeans def = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", k))));
                long t0 = System.nanoTime();
                KMeans.Model model = def.fit(s.x(), backend);
                double ms1 = (System.nanoTime() - t0) / 1e6;
                System.out.printf(" %s %.3f%% %.3f %.0f%n", defaultNInit(s.x().rows(), k, s.x().cols()), 100 * (model.inertia() / best - 1),
                        Metrics.adjustedRandIndex(s.labels(), model.labels()), ms1);
            }
        }
    }

    private static String defaultNInit(int n, int k, int d) {
        try {
            return String.valueOf(KMeans.class.getMethod("defaultNInit", int.class, int.class, int.class).invoke(null, n, k, d));
        } catch (ReflectiveOperationException e) {
            return "3";
        }
    }

    // ---------------------------------------------------------------- spectral

    static void spectral(Path dir, int seeds, String[] specs) throws IOException {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.printf("%-22s %6s %4s | %-15s | %-15s%n", "set", "n", "k", "NJW ARI / NMI", "plain ARI / NMI");
        for (String spec : specs) {
            String[] p = spec.split(":");
            try (Arena arena = Arena.ofConfined()) {
                Set s = readCsv(arena, dir.resolve(p[0] + ".csv"), false);
                int k = Integer.parseInt(p[1]);
                StringBuilder row = new StringBuilder(String.format("%-22s %6d %4d |", p[0], s.x().rows(), k));
                for (boolean njw : new boolean[] {true, false}) {
                    double ari = 0, nmi = 0;
                    for (int seed = 42; seed < 42 + seeds; seed++) {
                        Spectral.Options o = new Spectral.Options(k, Spectral.Affinity.NEAREST_NEIGHBORS, 1.0, 10, seed, 10, njw,
                                Agglomerative.Options.defaultMaxBytes());
                        int[] labels = Spectral.fit(s.x(), o, backend).labels();
                        ari += Metrics.adjustedRandIndex(s.labels(), labels);
                        nmi += Metrics.normalizedMutualInfo(s.labels(), labels);
                        if (seed == 42) {
                            Files.writeString(dir.resolve("labels-" + p[0] + "-" + (njw ? "njw" : "plain") + ".txt"),
                                    String.join("\n", Arrays.stream(labels).mapToObj(Integer::toString).toList()) + "\n");
                        }
                    }
                    row.append(String.format(" %.3f / %.3f |", ari / seeds, nmi / seeds));
                }
                System.out.println(row);
            }
        }
    }

    // ---------------------------------------------------------------- auto k

    static void autok(Path dir, String[] specs) throws IOException {
        ComputeBackend backend = ComputeBackends.defaultBackend();
        System.out.printf("%-22s %6s %6s | %6s %7s | %7s | %7s%n", "set", "n", "true k", "auto k", "ARI", "ARI k=8", "ARI k=true");
        for (String spec : specs) {
            String[] p = spec.split(":");
            try (Arena arena = Arena.ofConfined()) {
                Set s = readCsv(arena, dir.resolve(p[0] + ".csv"), false);
                int k = Integer.parseInt(p[1]);
                KMeans.Model auto = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", "auto")))).fit(s.x(), backend);
                KMeans.Model eight = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", 8)))).fit(s.x(), backend);
                KMeans.Model truth = new KMeans(KMeans.Options.fromParams(Params.of(Map.of("k", k)))).fit(s.x(), backend);
                System.out.printf("%-22s %6d %6d | %6d %7.3f | %7.3f | %7.3f   scores %s%n", p[0], s.x().rows(), k, auto.k(),
                        Metrics.adjustedRandIndex(s.labels(), auto.labels()), Metrics.adjustedRandIndex(s.labels(), eight.labels()),
                        Metrics.adjustedRandIndex(s.labels(), truth.labels()), format(auto.kScores()));
            }
        }
    }

    private static String format(Map<Integer, Double> scores) {
        StringBuilder b = new StringBuilder();
        scores.forEach((k, v) -> b.append(k).append('=').append(String.format("%.3f", v)).append(' '));
        return b.toString().trim();
    }

    // ---------------------------------------------------------------- OpenMP wait policy

    static void omp(int fits) {
        ComputeBackend backend = ComputeBackends.get("native");
        try (Arena arena = Arena.ofConfined()) {
            int n = 2000, d = 32, k = 8;
            SplittableRandom random = new SplittableRandom(7);
            float[][] centres = new float[k][d];
            for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) (random.nextGaussian() * 4);
            FloatMatrix x = Segments.matrix(arena, n, d);
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x.set(i, j, centres[i % k][j] + (float) random.nextGaussian());
            KMeans.Options o = new KMeans.Options(k, 300, 1e-4, 1, 1, false);
            for (int i = 0; i < 20; i++) KMeans.fit(x, o, backend);
            long t0 = System.nanoTime();
            for (int i = 0; i < fits; i++) KMeans.fit(x, new KMeans.Options(k, 300, 1e-4, i, 1, false), backend);
            System.out.printf("omp OMP_WAIT_POLICY=%s: %d fits %.3f s%n", System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                    fits, (System.nanoTime() - t0) / 1e9);
        }
    }
}
