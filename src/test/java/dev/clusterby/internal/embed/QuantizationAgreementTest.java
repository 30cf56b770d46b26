package dev.clusterby.internal.embed;

import dev.clusterby.DataPanel;
import dev.clusterby.embed.Encoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-row quantised BGE against the unquantised one (the fp32 model jar, a test dependency) on real texts:
 * 70 Reuters articles (long) and 53 emoji names (short). It must stay within cosine 0.99 of fp32 on every text and
 * agree with it at least as well as the model as shipped (one scale per tensor, one text per run) does.
 */
class QuantizationAgreementTest {
    private static List<String> texts;
    private static float[] reference;

    @BeforeAll
    static void encodeReference() throws IOException {
        texts = new ArrayList<>();
        texts.addAll(column("/data/reuters-crude-acq.csv", "text"));
        texts.addAll(column("/data/emoji-colours.csv", "text"));
        try (OnnxTextEncoder fp32 = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL_FP32, new OnnxTextEncoder.Tuning(64, 2, 1))) {
            reference = BatchInvarianceTest.encode(fp32, texts);
        }
    }

    @AfterAll
    static void release() {
        reference = null;
    }

    static List<String> column(String resource, String name) throws IOException {
        Path file = Files.createTempFile("clusterby-agreement", ".csv");
        try (InputStream in = QuantizationAgreementTest.class.getResourceAsStream(resource)) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (DataPanel panel = DataPanel.read(file)) {
            List<String> values = new ArrayList<>();
            for (int row = 0; row < panel.size(); row++) values.add(panel.stringColumn(name).get(row));
            return values;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** {min, mean} cosine of each row against the fp32 row. */
    private static double[] agreement(float[] vectors) {
        int dim = 384;
        double min = 1, sum = 0;
        for (int i = 0; i < texts.size(); i++) {
            double dot = 0;
            for (int d = 0; d < dim; d++) dot += (double) vectors[i * dim + d] * reference[i * dim + d];
            min = Math.min(min, dot);
            sum += dot;
        }
        return new double[] {min, sum / texts.size()};
    }

    @Test
    void perRowQuantisationStaysCloseToFp32AndNoFurtherThanPerTensor() {
        double[] perRow, perTensor, routed;
        try (OnnxTextEncoder rows = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL,
                     new OnnxTextEncoder.Tuning(64, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_ROW));
             OnnxTextEncoder tensor = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL,
                     new OnnxTextEncoder.Tuning(1, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR));
             OnnxTextEncoder byLength = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL, new OnnxTextEncoder.Tuning(64, 2, 1))) {
            perRow = agreement(BatchInvarianceTest.encode(rows, texts));
            perTensor = agreement(BatchInvarianceTest.encode(tensor, texts));
            routed = agreement(BatchInvarianceTest.encode(byLength, texts));
        }
        System.out.printf("cosine to fp32 over %d texts: per-row min %.5f mean %.5f; per-tensor min %.5f mean %.5f;"
                + " default (routed by length) min %.5f mean %.5f%n",
                texts.size(), perRow[0], perRow[1], perTensor[0], perTensor[1], routed[0], routed[1]);
        assertTrue(perRow[0] >= 0.99, "per-row: lowest cosine to fp32 " + perRow[0]);
        assertTrue(perRow[1] >= perTensor[1], "per-row mean cosine " + perRow[1] + " < per-tensor " + perTensor[1]);
        assertTrue(perRow[0] >= perTensor[0], "per-row lowest cosine " + perRow[0] + " < per-tensor " + perTensor[0]);
        // The default runs the long texts as shipped, one at a time, and the short ones per-row.
        assertTrue(routed[0] >= 0.99, "default (routed): lowest cosine to fp32 " + routed[0]);
    }

    @Test
    void theFp32EncoderIsNotRewrittenAndKeysApart() {
        byte[] model = OnnxTextEncoder.readResource(OnnxTextEncoder.BGE_SMALL_FP32.modelResource());
        assertEquals(0, PerRowQuantization.rewrite(model).replaced(), "an unquantised model has no quantisers to replace");
        byte[] quantised = OnnxTextEncoder.readResource(OnnxTextEncoder.BGE_SMALL.modelResource());
        assertEquals(48, PerRowQuantization.rewrite(quantised).replaced(), "BGE-small-q: 4 quantised MatMul inputs per layer x 12");
    }
}
