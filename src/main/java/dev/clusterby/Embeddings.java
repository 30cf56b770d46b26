package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;
import dev.clusterby.embed.Encoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the embedding of a column: the panel's hidden column, else the disk cache, else the encoder. Every
 * lookup is keyed by the column's content fingerprint, so a changed column is a miss, never a stale hit.
 */
final class Embeddings {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.embed");

    private Embeddings() {}

    /**
     * An embedding ready for clustering.
     *
     * @param tensor   the rows to cluster
     * @param owned    true when the caller must close {@code tensor} (no panel took it)
     */
    record Resolved(TensorColumn tensor, String encoder, String columnName, int computed, int cached, boolean owned)
            implements AutoCloseable {
        @Override
        public void close() {
            if (owned) tensor.close();
        }
    }

    static Resolved resolve(DataPanel panel, Column column, String encoderName, Path cacheDir,
                            Encoder.ProgressListener progress) {
        if (column.size() == 0) throw new ClusterbyException.InvalidData("column '" + column.name() + "' has no rows to cluster");
        int missing = column.firstMissing();
        if (missing >= 0) {
            throw new ClusterbyException.InvalidData("column '" + column.name() + "' row " + missing
                    + " is missing a value; fill or filter it before clustering");
        }
        return switch (column) {
            case TensorColumn t -> {
                requireNoEncoder(column, encoderName);
                requireFinite(t);
                yield new Resolved(t, "none", t.name(), 0, 0, false);
            }
            case IntColumn c -> numeric(column, encoderName);
            case DoubleColumn c -> numeric(column, encoderName);
            case BooleanColumn c -> numeric(column, encoderName);
            case StringColumn s -> encoded(panel, s, Encoders.resolve(encoderName, Encoder.Modality.TEXT), cacheDir, progress);
            case ImageColumn i -> throw new ClusterbyException.Unavailable("column '" + column.name()
                    + "' holds images; no image encoder is configured yet");
            case TimestampColumn t -> throw new ClusterbyException.InvalidData("cannot cluster by timestamp column '"
                    + column.name() + "'; group by it instead");
        };
    }

    private static void requireNoEncoder(Column column, String encoderName) {
        if (!encoderName.equalsIgnoreCase("auto") && !encoderName.equalsIgnoreCase("none")) {
            throw new ClusterbyException.BadOption("encoder", "column '" + column.name() + "' is " + column.type()
                    + " and is clustered as it is; encoder '" + encoderName + "' does not apply");
        }
    }

    private static Resolved numeric(Column column, String encoderName) {
        requireNoEncoder(column, encoderName);
        TensorColumn t = TensorColumn.allocate(column.name(), column.size(), 1);
        FloatMatrix m = t.matrix();
        for (int row = 0; row < column.size(); row++) {
            double v = switch (column) {
                case IntColumn c -> c.getLong(row);
                case DoubleColumn c -> c.getDouble(row);
                case BooleanColumn c -> c.isTrue(row) ? 1 : 0;
                default -> throw new IllegalStateException();
            };
            if (!Double.isFinite(v)) {
                t.close();
                throw new ClusterbyException.InvalidData("column '" + column.name() + "' row " + row + " is " + v);
            }
            m.set(row, 0, (float) v);
        }
        return new Resolved(t, "none", column.name(), 0, 0, true);
    }

    static void requireFinite(TensorColumn t) {
        FloatMatrix m = t.matrix();
        for (int row = 0; row < m.rows(); row++) {
            for (int c = 0; c < m.cols(); c++) {
                float v = m.get(row, c);
                if (!Float.isFinite(v)) {
                    throw new ClusterbyException.InvalidData("column '" + t.name() + "' row " + row + " has "
                            + v + " at dimension " + c);
                }
            }
        }
    }

    private static Resolved encoded(DataPanel panel, StringColumn column, Encoder encoder, Path cacheDir,
                                    Encoder.ProgressListener progress) {
        String hiddenName = encoder.id() + "(" + column.name() + ")";
        String derivation = encoder.id() + "@" + encoder.version();
        String fingerprint = EmbeddingKeys.fingerprint(column, derivation);
        int n = column.size();
        if (panel != null) {
            TensorColumn hit = panel.cachedTensor(hiddenName, fingerprint);
            if (hit != null) return new Resolved(hit, encoder.id(), hiddenName, 0, n, false);
        }
        EmbeddingCache cache = new EmbeddingCache(cacheDir != null ? cacheDir : EmbeddingCache.defaultDirectory());
        TensorColumn tensor = TensorColumn.allocate(hiddenName, n, encoder.dimension());
        int computed = 0, cached = n;
        try {
            if (!cache.load(fingerprint, tensor.matrix())) {
                List<String> texts = new ArrayList<>(n);
                for (int row = 0; row < n; row++) texts.add(column.get(row));
                encoder.encodeTexts(texts, tensor.matrix(), progress);
                requireFinite(tensor);
                cache.store(fingerprint, tensor.matrix());
                computed = n;
                cached = 0;
                LOG.log(System.Logger.Level.DEBUG, "embedded {0} rows of ''{1}'' with {2}", n, column.name(), encoder.id());
            }
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
        if (panel != null && panel.hasColumn(column.name()) && panel.column(column.name()) == column) {
            panel.putHidden(hiddenName, tensor, column.name(), derivation, fingerprint);
            return new Resolved(tensor, encoder.id(), hiddenName, computed, cached, false);
        }
        return new Resolved(tensor, encoder.id(), hiddenName, computed, cached, true);
    }
}
