package dev.clusterby.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clusterby.DataPanel;
import dev.clusterby.internal.io.Idx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX reader, plain and gzip: an odd first byte gzips the rest, so the fuzzer reaches the header checks behind
 * the inflater too (and a gzip stream that inflates past its header). The first image is decoded when there is one.
 */
class IdxFuzzTest {
    private static final Path FOLDER = FuzzChecks.folder("clusterby-fuzz-idx");

    @FuzzTest(maxDuration = "4s")
    void readIdx(byte[] input) {
        byte[] body = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        byte[] bytes = input.length > 0 && (input[0] & 1) == 1 ? gzip(body) : body;
        Path file = FuzzChecks.file(FOLDER, "input-images-idx3-ubyte", bytes);
        FuzzChecks.check(input, () -> {
            try (DataPanel panel = Idx.read(file)) {
                if (panel.hasColumn("image") && panel.size() > 0) panel.imageColumn("image").image(0);
            }
        });
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
