package dev.clusterby.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test inputs written as their formats define them. */
final class CliTestFiles {
    private CliTestFiles() {}

    /** A real .npy v1.0 file of float32 rows, written byte by byte as NumPy does. */
    static void npy(Path path, float[][] rows) throws IOException {
        int d = rows[0].length;
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + d + "), }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + rows.length * d * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buffer.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] row : rows) for (float v : row) buffer.putFloat(v);
        Files.write(path, buffer.array());
    }
}
