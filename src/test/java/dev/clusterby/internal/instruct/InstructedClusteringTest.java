package dev.clusterby.internal.instruct;


import dev.clusterby.cluster.Clusterer;
import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Crop;
import dev.clusterby.DataPanel;
import dev.clusterby.InstructMethod;
import dev.clusterby.Instruction;
import dev.clusterby.InstructionReport;
import dev.clusterby.Metrics;
import dev.clusterby.internal.embed.EncoderStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Instructions on real text: 53 emoji names that carry a colour and a kind of object (heart, circle, square, …),
 * clustered with k = 9 by the default encoder (bge-small). Naming a label must lift NMI toward it by at least
 * {@link #LIFT} over plain clustering, and must not raise the other label's NMI by more than {@link #TOLERANCE}.
 */
class InstructedClusteringTest {
    static final double LIFT = 0.2;
    static final double TOLERANCE = 0.02;
    static final List<String> COLOURS = List.of("red", "orange", "yellow", "green", "blue", "purple", "brown", "black", "white");
    static final List<String> KINDS = List.of("heart", "circle", "square", "diamond", "triangle", "book", "flag", "mark", "food");

    @TempDir
    static Path folder;
    static DataPanel panel;
    static int[] colour, kind;
    static double plainColour, plainKind;

    @BeforeAll
    static void clusterWithoutInstruction() throws IOException {
        Path csv = folder.resolve("emoji-colours.csv");
        try (InputStream in = InstructedClusteringTest.class.getResourceAsStream("/data/emoji-colours.csv")) {
            Files.copy(in, csv);
        }
        panel = DataPanel.read(csv);
        colour = panel.groupBy("colour").labels().toIntArray(-1);
        kind = panel.groupBy("kind").labels().toIntArray(-1);
        int[] labels = panel.clusterBy("text", spec(null)).result().labels().toIntArray(-1);
        plainColour = Metrics.normalizedMutualInfo(colour, labels);
        plainKind = Metrics.normalizedMutualInfo(kind, labels);
    }

    @AfterAll
    static void close() {
        panel.close();
    }

    /**
     * The lift bars were set against plain k-means with 3 restarts, and the plain and instructed runs share this
     * spec; it names n-init so that a change of the library's default (now the size rule, 10 restarts here, which
     * raises plain kind NMI to 0.86 and leaves no room for a 0.2 lift under 1.0) does not move the baseline.
     */
    static ClusterSpec<Clusterer.Fitted> spec(Instruction instruction) {
        return ClusterSpec.defaults().withParams(Map.of("k", 9, "seed", 1, "n-init", 3)).withCacheDir(folder.resolve("cache"))
                .withInstruction(instruction);
    }

    record Nmi(double colour, double kind, InstructionReport report) {}

    static Nmi run(Instruction instruction) {
        ClusterBy<?> cb = panel.clusterBy("text", spec(instruction));
        int[] labels = cb.result().labels().toIntArray(-1);
        return new Nmi(Metrics.normalizedMutualInfo(colour, labels), Metrics.normalizedMutualInfo(kind, labels),
                cb.result().instructionReport());
    }

    @Test
    void subspaceTowardColourLiftsColourOnly() {
        Nmi nmi = run(Instruction.template("a {} emoji", COLOURS));
        assertEquals(InstructMethod.SUBSPACE, nmi.report().method());
        assertEquals(8, nmi.report().width(), "9 centred prompts span 8 directions");
        assertTrue(nmi.colour() >= plainColour + LIFT, nmi + " vs plain colour " + plainColour);
        assertTrue(nmi.kind() <= plainKind + TOLERANCE, nmi + " vs plain kind " + plainKind);
    }

    @Test
    void subspaceTowardKindLiftsKindOnly() {
        Nmi nmi = run(Instruction.template("a {} emoji", KINDS));
        assertTrue(nmi.kind() >= plainKind + LIFT, nmi + " vs plain kind " + plainKind);
        assertTrue(nmi.colour() <= plainColour + TOLERANCE, nmi + " vs plain colour " + plainColour);
    }

    @Test
    void discoverTowardColourFindsColourWordsAndLiftsColourOnly() {
        Nmi nmi = run(Instruction.text("group by colour"));
        assertEquals(InstructMethod.DISCOVER, nmi.report().method());
        assertTrue(COLOURS.containsAll(nmi.report().phrases()), "only colour words: " + nmi.report().phrases());
        assertTrue(nmi.report().phrases().size() >= 5, nmi.report().phrases().toString());
        // Every name carries one colour word, so the chosen colours cover (nearly) every row, and the report says so.
        assertTrue(nmi.report().coverage() >= 0.9, "coverage " + nmi.report().coverage());
        assertTrue(nmi.report().summary().matches("method=discover rank=\\d+ phrases=.* coverage=\\d+%"), nmi.report().summary());
        assertTrue(nmi.colour() >= plainColour + LIFT, nmi + " vs plain colour " + plainColour);
        assertTrue(nmi.kind() <= plainKind + TOLERANCE, nmi + " vs plain kind " + plainKind);
    }

    /**
     * "the kind of object" is vague: ranked one by one, its nearest phrases are shape and size words (triangle,
     * medium, …). Discover reads the rows instead, where the kind nouns split the items between them as the colour
     * words do, and the instruction picks that split.
     */
    @Test
    void discoverTowardKindFindsTheKindNounsAndLiftsKindOnly() {
        Nmi nmi = run(Instruction.text("group by the kind of object"));
        assertEquals(InstructMethod.DISCOVER, nmi.report().method());
        assertTrue(nmi.report().phrases().stream().noneMatch(COLOURS::contains), nmi.report().phrases().toString());
        assertTrue(nmi.report().phrases().containsAll(List.of("heart", "circle", "square", "book", "flag")),
                nmi.report().phrases().toString());
        assertTrue(nmi.kind() >= plainKind + LIFT, nmi + " vs plain kind " + plainKind);
        assertTrue(nmi.colour() <= plainColour + TOLERANCE, nmi + " vs plain colour " + plainColour);
    }

    /**
     * The same with MiniLM, whose plain clustering already follows the kind (NMI about 0.87), so the issue's +0.2
     * cannot be had; discover must still find the nouns, bring kind near 1 and not raise colour.
     */
    @Test
    void discoverTowardKindWithMiniLm() {
        ClusterSpec<?> minilm = spec(null).withEncoder("minilm");
        int[] plain = panel.clusterBy("text", minilm).result().labels().toIntArray(-1);
        ClusterBy<?> cb = panel.clusterBy("text", minilm.withInstruction(Instruction.text("group by the kind of object")));
        int[] labels = cb.result().labels().toIntArray(-1);
        List<String> phrases = cb.result().instructionReport().phrases();
        double plainKindMini = Metrics.normalizedMutualInfo(kind, plain), plainColourMini = Metrics.normalizedMutualInfo(colour, plain);
        double kindMini = Metrics.normalizedMutualInfo(kind, labels), colourMini = Metrics.normalizedMutualInfo(colour, labels);
        assertTrue(phrases.stream().noneMatch(COLOURS::contains) && phrases.containsAll(List.of("heart", "circle", "square", "book")),
                phrases.toString());
        assertTrue(kindMini >= 0.95 && kindMini > plainKindMini, kindMini + " vs plain kind " + plainKindMini);
        assertTrue(colourMini <= plainColourMini + TOLERANCE, colourMini + " vs plain colour " + plainColourMini);
    }

    @Test
    void maskKeepsTopKDimensionsAndReportsThem() {
        Nmi nmi = run(Instruction.text("group by colour").withMethod(InstructMethod.MASK).withTopK(50));
        assertEquals(50, nmi.report().dims().size());
        assertEquals(50, nmi.report().width());
        assertEquals(50, nmi.report().dims().stream().distinct().count());
        assertTrue(nmi.report().summary().startsWith("method=mask similarity=cosine dims="), nmi.report().summary());
    }

    @Test
    void instructionsReuseTheCachedEmbeddingAndTheirOwnVectors() {
        Instruction byColour = Instruction.template("the colour {}", COLOURS);
        long before = EncoderStats.rowsEncoded();
        ClusterBy<?> first = panel.clusterBy("text", spec(byColour));
        assertEquals(0, first.result().embeddedComputed(), "the column is never re-encoded");
        assertTrue(EncoderStats.rowsEncoded() - before <= COLOURS.size(), "only the prompts are encoded");
        before = EncoderStats.rowsEncoded();
        panel.clusterBy("text", spec(byColour.withMethod(InstructMethod.SUBSPACE)));
        assertEquals(before, EncoderStats.rowsEncoded(), "prompt vectors come from memory");

        // The candidates' matrix is on disk: with memory forgotten, only the new instruction text is encoded.
        panel.clusterBy("text", spec(Instruction.text("group these by colour")));
        TextVectors.clearMemory();
        before = EncoderStats.rowsEncoded();
        panel.clusterBy("text", spec(Instruction.text("group these by colour")));
        assertEquals(before + 1, EncoderStats.rowsEncoded(), "candidates come from disk; only the instruction is encoded");
    }

    @Test
    void cropOnATextColumnIsAnErrorNamingTheColumn() {
        Instruction cropped = Instruction.text("group by background").withCrop(Crop.fractions(0, 0, 0.5, 0.5));
        var error = assertThrows(ClusterbyException.BadOption.class, () -> panel.clusterBy("text", spec(cropped)));
        assertTrue(error.getMessage().contains("'text'") && error.getMessage().contains("crop"), error.getMessage());
    }
}
