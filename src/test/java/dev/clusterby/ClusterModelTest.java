package dev.clusterby;

import dev.clusterby.cluster.Clusterer;
import dev.clusterby.cluster.GaussianMixture;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.embed.EncoderStats;
import dev.clusterby.internal.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kept clusterings end to end: save, load in a fresh JVM, predict the training rows (the stated rule) and new
 * rows; only new rows are encoded; bad files give one clear error; refit keeps ids; embed is the clustered tensor.
 */
class ClusterModelTest {
    @TempDir
    static Path folder;
    static float[][] digits;
    static Path reuters;

    @BeforeAll
    static void readData() throws IOException {
        List<float[]> rows = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(ClusterModelTest.class.getResourceAsStream("/data/digits.csv.gz"));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                String[] parts = line.split(",");
                float[] row = new float[parts.length - 1];
                for (int i = 0; i < row.length; i++) row[i] = Float.parseFloat(parts[i]);
                rows.add(row);
            }
        }
        digits = rows.toArray(float[][]::new);
        reuters = folder.resolve("reuters.csv");
        try (InputStream in = ClusterModelTest.class.getResourceAsStream("/data/reuters-crude-acq.csv")) {
            Files.copy(in, reuters);
        }
    }

    private static final int TRAIN = 1500;

    private static DataPanel digitsPanel(int from, int to) {
        return DataPanel.of(TensorColumn.of("tensor", Arrays.copyOfRange(digits, from, to)));
    }

    /** Every built-in method (and auto-k), fitted on 1,500 digits, saved, then loaded and used in another JVM. */
    @Test
    void roundTripEveryMethodInAFreshJvm() throws Exception {
        Map<String, ClusterSpec<?>> specs = new LinkedHashMap<>();
        specs.put("kmeans", ClusterSpec.defaults().withOptions(KMeans.Options.of(10)).withParam("seed", 3));
        specs.put("kmeans-auto", ClusterSpec.defaults().withParams(Map.of("k", "auto", "k-min", 8, "k-max", 11, "seed", 3)));
        specs.put("minibatch", ClusterSpec.defaults().withMethod("minibatch-kmeans").withParams(Map.of("k", 10, "seed", 3)));
        specs.put("gmm", ClusterSpec.defaults().withMethod("gmm").withParams(Map.of("k", 10, "covariance", "diag", "seed", 3)));
        specs.put("hierarchical", ClusterSpec.defaults().withMethod("hierarchical").withParams(Map.of("k", 10)));
        specs.put("spectral", ClusterSpec.defaults().withMethod("spectral").withParams(Map.of("k", 10, "affinity", "nearest-neighbors", "seed", 3)));
        Path input = folder.resolve("digits-all.npy");
        try (DataPanel all = digitsPanel(0, digits.length)) {
            all.tensorColumn("tensor").writeNpy(input);
        }
        Map<String, int[]> trainLabels = new LinkedHashMap<>();
        Map<String, int[]> inProcess = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (var entry : specs.entrySet()) {
            try (DataPanel train = digitsPanel(0, TRAIN); DataPanel all = DataPanel.read(input)) {
                ClusterBy<?> fit = train.clusterBy("tensor", entry.getValue());
                trainLabels.put(entry.getKey(), fit.result().labels().toIntArray(-1));
                ClusterModel model = ClusterModel.of(fit);
                Path file = folder.resolve(entry.getKey() + ".zip");
                model.save(file);
                inProcess.put(entry.getKey(), model.predict(all).toIntArray(-1));
                args.addAll(List.of(file.toString(), input.toString(), folder.resolve(entry.getKey() + "-labels.npy").toString()));
            }
        }
        runChild(args);
        for (String method : specs.keySet()) {
            int[] predicted;
            try (DataPanel out = DataPanel.read(folder.resolve(method + "-labels.npy"))) {
                predicted = out.intColumn("label").toIntArray(-1);
            }
            assertEquals(digits.length, predicted.length, method);
            int[] train = trainLabels.get(method);
            int same = 0;
            for (int i = 0; i < TRAIN; i++) if (predicted[i] == train[i]) same++;
            double share = same / (double) TRAIN;
            if (method.startsWith("kmeans") || method.equals("minibatch") || method.equals("gmm")) {
                assertEquals(TRAIN, same, method + ": predict on the training rows must give the training labels exactly");
            } else {
                assertTrue(share >= 0.99, method + ": " + share + " of the training rows keep their label");
            }
            // The other JVM labels the new rows exactly as this one does, so nothing of the model was lost on disk.
            assertArrayEquals(inProcess.get(method), predicted, method + ": labels in the fresh JVM");
            for (int i = TRAIN; i < digits.length; i++) assertTrue(predicted[i] >= 0 && predicted[i] < 11, method + " new row " + i);
        }
    }

    private static void runChild(List<String> args) throws Exception {
        Path log = folder.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:-UsePerfData", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-Dclusterby.cacheDir=" + folder.resolve("child-cache"), "-cp", System.getProperty("java.class.path"),
                Child.class.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(child.waitFor(180, TimeUnit.SECONDS), "the child JVM timed out");
        assertEquals(0, child.exitValue(), Files.readString(log));
    }

    /** Loads each model and labels its input in a JVM that never saw the fit: args are (model, input, output) triples. */
    public static final class Child {
        public static void main(String[] args) {
            for (int i = 0; i < args.length; i += 3) {
                ClusterModel model = ClusterModel.load(Path.of(args[i]));
                try (DataPanel panel = DataPanel.read(Path.of(args[i + 1]))) {
                    Npy.writeInts(Path.of(args[i + 2]), model.predict(panel));
                }
            }
        }
    }

    /** The nearest centroid, computed here from the loaded centroids: the documented k-means rule. */
    @Test
    void loadedKMeansLabelsNewRowsByTheNearestCentroid() {
        Path file = folder.resolve("nearest.zip");
        try (DataPanel train = digitsPanel(0, TRAIN)) {
            ClusterModel.of(train.clusterBy("tensor", KMeans.Options.of(6))).save(file);
        }
        ClusterModel model = ClusterModel.load(file);
        KMeans.Model km = (KMeans.Model) model.fitted();
        assertEquals(0, km.labels().length, "a saved model holds no training labels");
        try (DataPanel fresh = digitsPanel(TRAIN, digits.length)) {
            int[] labels = model.predict(fresh).toIntArray(-1);
            for (int i = 0; i < labels.length; i++) {
                float[] x = digits[TRAIN + i];
                int best = -1;
                double bestDistance = Double.MAX_VALUE;
                for (int c = 0; c < km.k(); c++) {
                    float[] centroid = km.centroid(c);
                    double s = 0;
                    for (int j = 0; j < x.length; j++) s += (x[j] - centroid[j]) * (double) (x[j] - centroid[j]);
                    if (s < bestDistance) { bestDistance = s; best = c; }
                }
                assertEquals(best, labels[i], "row " + i);
            }
        }
    }

    @Test
    void gmmPredictProbaGivesPosteriorsWhoseArgmaxIsTheLabel() {
        try (DataPanel train = digitsPanel(0, TRAIN); DataPanel fresh = digitsPanel(TRAIN, digits.length)) {
            ClusterBy<GaussianMixture.Model> fit = train.clusterBy("tensor",
                    GaussianMixture.Options.of(5).withCovariance(GaussianMixture.Covariance.DIAG));
            Path file = folder.resolve("gmm-proba.zip");
            ClusterModel.of(fit).save(file);
            ClusterModel model = ClusterModel.load(file);
            float[][] p = model.predictProba(fresh);
            int[] labels = model.predict(fresh).toIntArray(-1);
            for (int i = 0; i < p.length; i++) {
                double sum = 0;
                int arg = 0;
                for (int c = 0; c < p[i].length; c++) {
                    sum += p[i][c];
                    if (p[i][c] > p[i][arg]) arg = c;
                }
                assertEquals(1.0, sum, 1e-4, "row " + i);
                assertEquals(labels[i], arg, "row " + i);
            }
            assertThrows(ClusterbyException.BadOption.class, () -> ClusterModel.of(train.clusterBy("tensor", KMeans.Options.of(3))).predictProba(fresh));
        }
    }

    private static ClusterSpec<Clusterer.Fitted> minilm(Path cache, int k) {
        return ClusterSpec.defaults().withEncoder("minilm").withParams(Map.of("k", k, "seed", 7)).withCacheDir(cache);
    }

    /** A fit with a token limit predicts with the same limit: the saved encoder version carries it. */
    @Test
    void aModelFittedWithMaxTokensPredictsItsTrainingRows() {
        Path cache = folder.resolve("cache-max-tokens");
        Path file = folder.resolve("max-tokens-model.zip");
        int[] trainLabels;
        try (DataPanel panel = DataPanel.read(reuters); DataPanel train = panel.head(30)) {
            ClusterBy<?> fit = train.clusterBy("text", minilm(cache, 2).withMaxTokens(64));
            trainLabels = fit.result().labels().toIntArray(-1);
            ClusterModel.of(fit).save(file);
        }
        ClusterModel model = ClusterModel.load(file);
        assertTrue(model.encoderVersion().contains("-64-"), model.encoderVersion());
        try (DataPanel panel = DataPanel.read(reuters); DataPanel train = panel.head(30)) {
            long before = EncoderStats.rowsEncoded();
            ClusterBy<?> again = train.clusterBy("text", model, Settings.unset().withCacheDir(cache), null);
            assertEquals(before, EncoderStats.rowsEncoded(), "the 64-token vectors are cached under the model's key");
            assertArrayEquals(trainLabels, again.result().labels().toIntArray(-1));
        }
    }

    /** The training rows shuffled plus new rows: only the new rows reach the encoder, and the counts say so. */
    @Test
    void predictEncodesOnlyRowsMissingFromTheCache() {
        Path cache = folder.resolve("cache-rows");
        Path file = folder.resolve("reuters-model.zip");
        int[] trainLabels;
        try (DataPanel panel = DataPanel.read(reuters); DataPanel train = panel.head(50)) {
            ClusterBy<?> fit = train.clusterBy("text", minilm(cache, 2));
            assertEquals(50, fit.result().embeddedComputed());
            trainLabels = fit.result().labels().toIntArray(-1);
            ClusterModel.of(fit).save(file);
        }
        ClusterModel model = ClusterModel.load(file);
        assertEquals("minilm", model.encoder());
        assertEquals(ClusterModel.Modality.TEXT, model.modality());
        int[] order = new int[70];
        for (int i = 0; i < 50; i++) order[i] = (i * 37) % 50; // a permutation of the training rows
        for (int i = 50; i < 70; i++) order[i] = i;
        try (DataPanel panel = DataPanel.read(reuters); DataPanel mixed = panel.take(order)) {
            long before = EncoderStats.rowsEncoded();
            ClusterBy<?> labelled = mixed.clusterBy("text", model, Settings.unset().withCacheDir(cache), null);
            assertEquals(20, EncoderStats.rowsEncoded() - before, "only the 20 new rows may be encoded");
            assertEquals(20, labelled.result().embeddedComputed());
            assertEquals(50, labelled.result().embeddedCached());
            int[] labels = labelled.result().labels().toIntArray(-1);
            for (int i = 0; i < 50; i++) assertEquals(trainLabels[order[i]], labels[i], "training row " + order[i]);
            // Now every row is cached, and the same panel asks its hidden column.
            long again = EncoderStats.rowsEncoded();
            assertArrayEquals(labels, mixed.clusterBy("text", model, Settings.unset().withCacheDir(cache), null).result().labels().toIntArray(-1));
            assertEquals(again, EncoderStats.rowsEncoded());
        }
        try (DataPanel numbers = digitsPanel(0, 10)) {
            ClusterbyException e = assertThrows(ClusterbyException.InvalidData.class, () -> model.predict(numbers, "tensor"));
            assertTrue(e.getMessage().contains("'tensor'") && e.getMessage().contains("text"), e.getMessage());
        }
    }

    @Test
    void embedReturnsTheTensorClusteringUsesBitForBit() throws IOException {
        Path cache = folder.resolve("cache-embed");
        try (DataPanel panel = DataPanel.read(reuters)) {
            ClusterBy<?> fit = panel.clusterBy("text", minilm(cache, 2));
            TensorColumn hidden = (TensorColumn) panel.hiddenColumn(fit.embeddingColumn());
            long before = EncoderStats.rowsEncoded();
            TensorColumn embedded = panel.embed("text", "minilm", Settings.unset().withCacheDir(cache), null);
            assertEquals(before, EncoderStats.rowsEncoded());
            assertArrayEquals(bytes(hidden), bytes(embedded));
            Path npy = folder.resolve("embedding.npy");
            embedded.writeNpy(npy);
            try (DataPanel back = DataPanel.read(npy)) {
                assertArrayEquals(bytes(hidden), bytes(back.tensorColumn("tensor")));
            }
            float[][] rows = embedded.toArray();
            assertEquals(70, rows.length);
            assertArrayEquals(hidden.get(69), rows[69]);
            assertArrayEquals(hidden.get(3), embedded.rows().get(3));
        }
        // In a fresh panel, embed first (from the disk cache) and clusterBy then uses that very column.
        try (DataPanel panel = DataPanel.read(reuters)) {
            Embedding e = panel.embedding("text", "minilm", Settings.unset().withCacheDir(cache), null);
            assertEquals(0, e.computed());
            assertEquals(70, e.cached());
            ClusterBy<?> fit = panel.clusterBy("text", minilm(cache, 2));
            assertEquals(e.tensor().segment().address(), panel.hiddenColumn(fit.embeddingColumn()) instanceof TensorColumn t
                    ? t.segment().address() : -1L);
        }
    }

    private static byte[] bytes(TensorColumn t) {
        return t.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Refit with another seed: every old id comes back on the cluster that holds its rows. */
    @Test
    void refitWithAnotherSeedKeepsEveryId() {
        try (DataPanel panel = digitsPanel(0, digits.length)) {
            ClusterBy<?> first = panel.clusterBy("tensor", ClusterSpec.defaults().withParams(Map.of("k", 10, "seed", 1)));
            ClusterModel previous = ClusterModel.of(first);
            int[] old = first.result().labels().toIntArray(-1);
            ClusterBy<?> plain = panel.clusterBy("tensor", ClusterSpec.defaults().withParams(Map.of("k", 10, "seed", 2)));
            ClusterBy<?> refit = previous.refit(panel, ClusterSpec.defaults().withParams(Map.of("k", 10, "seed", 2)));
            int[] stable = refit.result().labels().toIntArray(-1);
            int[] raw = plain.result().labels().toIntArray(-1);
            assertEquals(10, refit.groupCount());
            int keptRows = 0, rawKept = 0;
            for (int i = 0; i < old.length; i++) {
                if (stable[i] == old[i]) keptRows++;
                if (raw[i] == old[i]) rawKept++;
            }
            for (int c = 0; c < 10; c++) {
                int[] counts = new int[10];
                for (int i = 0; i < old.length; i++) if (old[i] == c) counts[stable[i]]++;
                int arg = 0;
                for (int j = 1; j < 10; j++) if (counts[j] > counts[arg]) arg = j;
                assertEquals(c, arg, "old cluster " + c + " is mostly new cluster " + arg + " " + Arrays.toString(counts));
            }
            assertTrue(keptRows >= rawKept, keptRows + " rows keep their id after matching, " + rawKept + " before");
            assertTrue(keptRows > 0.8 * old.length, keptRows + " of " + old.length);
            // The stable model labels new rows with the stable ids.
            assertArrayEquals(stable, ClusterModel.of(refit).predict(panel).toIntArray(-1));
        }
    }

    @Test
    void refitWithMoreClustersGivesTheNewOnesNewIds() {
        try (DataPanel panel = digitsPanel(0, digits.length)) {
            ClusterModel previous = ClusterModel.of(panel.clusterBy("tensor", ClusterSpec.defaults().withParams(Map.of("k", 4, "seed", 1))));
            ClusterBy<?> more = previous.refit(panel, ClusterSpec.defaults().withParams(Map.of("k", 6, "seed", 1)));
            int[] labels = more.result().labels().toIntArray(-1);
            assertEquals(6, more.groupCount());
            assertEquals(6, Arrays.stream(labels).distinct().count());
            assertEquals(5, Arrays.stream(labels).max().orElseThrow());
            Path file = folder.resolve("refit.zip");
            ClusterModel.of(more).save(file);
            ClusterModel loaded = ClusterModel.load(file);
            assertArrayEquals(labels, loaded.predict(panel).toIntArray(-1));
            // The options come back from the file: a refit of the loaded model runs the same method and k.
            ClusterBy<?> again = loaded.refit(panel);
            assertEquals(6, again.groupCount());
            assertEquals(Map.of("k", 6, "seed", 1).keySet(), loaded.params().keySet());
        }
    }

    /** A steered fit keeps its view (a mask's dimensions, a subspace's basis), so new rows get the same view. */
    @Test
    void instructedModelsKeepTheirViewThroughAFile() {
        Path cache = folder.resolve("cache-instruct");
        List<Instruction> instructions = List.of(
                Instruction.text("group by topic").withMethod("mask").withTopK(40),
                Instruction.template("news about {}", List.of("oil prices", "company takeovers", "shares")));
        for (Instruction instruction : instructions) {
            try (DataPanel panel = DataPanel.read(reuters)) {
                ClusterBy<?> fit = panel.clusterBy("text", minilm(cache, 2).withInstruction(instruction));
                Path file = folder.resolve("instructed.zip");
                ClusterModel.of(fit).save(file);
                ClusterModel model = ClusterModel.load(file);
                assertEquals(instruction.instructionText(), model.instruction());
                try (DataPanel again = DataPanel.read(reuters)) {
                    assertArrayEquals(fit.result().labels().toIntArray(-1), model.predict(again).toIntArray(-1),
                            instruction.cacheKeyPart());
                }
            }
        }
    }

    @Test
    void aUsersClustererWithoutStateSaysSoWhenSaved() {
        Clusterer<Clusterer.Fitted> halves = new Clusterer<>() {
            @Override public String name() { return "halves"; }
            @Override public Clusterer.Fitted fit(FloatMatrix data, ComputeBackend backend) {
                int[] labels = new int[data.rows()];
                for (int i = 0; i < labels.length; i++) labels[i] = i < labels.length / 2 ? 0 : 1;
                return new Clusterer.Fitted() {
                    @Override public int[] labels() { return labels.clone(); }
                    @Override public int k() { return 2; }
                    @Override public int iterations() { return 0; }
                };
            }
        };
        try (DataPanel panel = digitsPanel(0, 100)) {
            ClusterModel model = ClusterModel.of(panel.clusterBy("tensor", ClusterSpec.defaults().withClusterer(halves)));
            ClusterbyException e = assertThrows(ClusterbyException.class, () -> model.save(folder.resolve("halves.zip")));
            assertTrue(e.getMessage().contains("halves") && e.getMessage().contains("SavableModel"), e.getMessage());
            assertFalse(Files.exists(folder.resolve("halves.zip")));
        }
    }

    @Test
    void namesAndDescriptionsAreSavedWithTheModel() {
        Path file = folder.resolve("named.zip");
        try (DataPanel train = digitsPanel(0, 300)) {
            ClusterModel model = ClusterModel.of(train.clusterBy("tensor", KMeans.Options.of(2)))
                    .withNames(List.of("round", "straight"), List.of("zeros and sixes", null == null ? "ones" : ""));
            model.save(file);
            assertThrows(ClusterbyException.BadOption.class, () -> model.withNames(List.of("one"), null));
        }
        ClusterModel back = ClusterModel.load(file);
        assertEquals(List.of("round", "straight"), back.names());
        assertEquals(List.of("zeros and sixes", "ones"), back.descriptions());
    }
}
