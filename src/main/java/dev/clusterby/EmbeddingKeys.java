package dev.clusterby;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Content fingerprints for the embedding cache. The key is what was embedded and how, never a name:
 * SHA-256 over every value of the column plus the derivation (encoder id and version, crop, …).
 */
final class EmbeddingKeys {
    private EmbeddingKeys() {}

    static String fingerprint(Column column, String derivation) {
        MessageDigest digest = dev.clusterby.internal.Hashes.sha256();
        digest.update(derivation.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(column.type().name().getBytes(StandardCharsets.UTF_8));
        ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);
        digest.update(scratch.clear().putLong(column.size()).array());
        for (int row = 0; row < column.size(); row++) {
            if (column.isMissing(row)) {
                digest.update((byte) 0);
                continue;
            }
            digest.update((byte) 1);
            byte[] bytes = switch (column) {
                case StringColumn s -> s.get(row).getBytes(StandardCharsets.UTF_8);
                case ImageColumn images -> imageIdentity(images.source(row));
                case TensorColumn t -> t.segment().asSlice((long) row * t.dim() * Float.BYTES, (long) t.dim() * Float.BYTES)
                        .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                default -> column.format(row).getBytes(StandardCharsets.UTF_8);
            };
            digest.update(scratch.clear().putLong(bytes.length).array());
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * One key per row of a text column, {@code EmbeddingCache.ROW_KEY_BYTES} bytes each: the SHA-256 of the
     * derivation and the row's text, truncated. Equal texts under equal derivations have equal keys, whatever
     * column or position they are in.
     */
    static byte[] rowKeys(StringColumn column, String derivation) {
        int width = dev.clusterby.internal.embed.EmbeddingCache.ROW_KEY_BYTES;
        byte[] out = new byte[column.size() * width];
        byte[] prefix = (derivation + "\u0000").getBytes(StandardCharsets.UTF_8);
        MessageDigest digest = dev.clusterby.internal.Hashes.sha256();
        for (int row = 0; row < column.size(); row++) {
            digest.update(prefix);
            digest.update(column.get(row).getBytes(StandardCharsets.UTF_8));
            System.arraycopy(digest.digest(), 0, out, row * width, width);
        }
        return out;
    }

    /** A file is identified by path, size and modification time, so an edited file is a new key. */
    private static byte[] imageIdentity(ImageColumn.Source source) {
        return switch (source) {
            case ImageColumn.FileSource f -> {
                String identity = f.path().toAbsolutePath().toString();
                try {
                    BasicFileAttributes attributes = Files.readAttributes(f.path(), BasicFileAttributes.class);
                    identity += "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis();
                } catch (java.io.IOException e) {
                    identity += "|unreadable";
                }
                yield identity.getBytes(StandardCharsets.UTF_8);
            }
            case ImageColumn.BytesSource b -> b.bytes();
            case ImageColumn.GreySource g -> g.pixels();
        };
    }
}
