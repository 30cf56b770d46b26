package dev.clusterby;

import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.Encoders;

import dev.clusterby.embed.ImageInput;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

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
     * @param resumed  of the cached rows, those a checkpoint of an interrupted run held
     */
    record Resolved(TensorColumn tensor, String encoder, String columnName, int computed, int cached, boolean owned,
                    SortedMap<Integer, String> errors, String encoderVersion, int resumed) implements AutoCloseable {
        Resolved(TensorColumn tensor, String encoder, String columnName, int computed, int cached, boolean owned) {
            this(tensor, encoder, columnName, computed, cached, owned, new TreeMap<>(), "none", 0);
        }

        Resolved(TensorColumn tensor, String encoder, String columnName, int computed, int cached, boolean owned,
                 SortedMap<Integer, String> errors, String encoderVersion) {
            this(tensor, encoder, columnName, computed, cached, owned, errors, encoderVersion, 0);
        }

        @Override
        public void close() {
            if (owned) tensor.close();
        }
    }

    /** The embedding of a column for clustering; the crop (null for none) applies to image columns only. */
    static Resolved resolve(DataPanel panel, Column column, String encoderName, Crop crop, Settings settings,
                            Encoder.ProgressListener progress) {
        if (crop != null && !(column instanceof ImageColumn)) {
            throw new ClusterbyException.BadOption("crop", "applies to image columns; '" + column.name() + "' is " + column.type());
        }
        if (column instanceof ImageColumn images) {
            return images(panel, images, Encoders.resolve(encoderName, Encoder.Modality.IMAGE, settings), crop, settings, progress);
        }
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
            case StringColumn s -> encoded(panel, s, Encoders.resolve(encoderName, Encoder.Modality.TEXT, settings), settings, progress);
            case ImageColumn i -> throw new IllegalStateException("image columns are handled above");
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

    /**
     * A numeric column as a 1-d float32 tensor of its values moved to their mean, in double, and divided by a power of
     * two only when they would pass float32's range: timestamps in seconds (1.7e9, where float32 steps by 128) and
     * values of 1e300 keep their differences instead of rounding to one value or to infinity. Labels are those of the
     * values; a fitted model's centroids are in these units (value − mean, over 2^e when rescaled).
     */
    private static Resolved numeric(Column column, String encoderName) {
        requireNoEncoder(column, encoderName);
        int n = column.size();
        double[] values = new double[n];
        double sum = 0;
        for (int row = 0; row < n; row++) {
            double v = switch (column) {
                case IntColumn c -> c.getLong(row);
                case DoubleColumn c -> c.getDouble(row);
                case BooleanColumn c -> c.isTrue(row) ? 1 : 0;
                default -> throw new IllegalStateException();
            };
            if (!Double.isFinite(v)) throw new ClusterbyException.InvalidData("column '" + column.name() + "' row " + row + " is " + v);
            values[row] = v;
            sum += v / n; // each term divided first: a sum of values near 1e308 would overflow
        }
        double mean = sum, largest = 0;
        for (double v : values) largest = Math.max(largest, Math.abs(v - mean));
        double scale = largest > 0x1p100 ? Math.scalb(1.0, Math.getExponent(largest)) : 1;
        TensorColumn t = TensorColumn.allocate(column.name(), n, 1);
        FloatMatrix m = t.matrix();
        for (int row = 0; row < n; row++) m.set(row, 0, (float) ((values[row] - mean) / scale));
        return new Resolved(t, "none", column.name(), 0, 0, true);
    }

    static void requireFinite(TensorColumn t) {
        requireFinite(t, java.util.Collections.emptySortedMap());
    }

    /**
     * Rows encoded per checkpoint: after each chunk the rows are on disk, so a killed run loses at most this many
     * (about 10–20 s of encoding on 2 cores), and a chunk is long enough that the encoder's batching is unaffected.
     */
    static final int CHECKPOINT_ROWS = 4096;

    /** The rows per checkpoint in use: {@link #CHECKPOINT_ROWS}, smaller only in tests that interrupt a run. */
    static volatile int checkpointRows = CHECKPOINT_ROWS;

    private static Resolved encoded(DataPanel panel, StringColumn column, Encoder encoder, Settings settings,
                                    Encoder.ProgressListener progress) {
        String hiddenName = encoder.id() + "(" + column.name() + ")";
        String derivation = encoder.id() + "@" + encoder.version();
        String fingerprint = EmbeddingKeys.fingerprint(column, derivation);
        int n = column.size();
        if (panel != null) {
            TensorColumn hit = panel.cachedTensor(hiddenName, fingerprint);
            if (hit != null) return new Resolved(hit, encoder.id(), hiddenName, 0, n, false, new TreeMap<>(), encoder.version());
        }
        EmbeddingCache cache = new EmbeddingCache(settings.cacheDir());
        TensorColumn tensor = cache.map(fingerprint, hiddenName, n, encoder.dimension());
        int computed = 0, cached = n, resumed = 0;
        if (tensor == null) {
            tensor = TensorColumn.allocate(hiddenName, n, encoder.dimension());
            try (EmbeddingCache.Checkpoint checkpoint = cache.checkpoint(fingerprint, n, encoder.dimension())) {
                resumed = checkpoint.done() > 0 && checkpoint.readDone(tensor.matrix()) ? checkpoint.done() : 0;
                if (resumed > 0) {
                    LOG.log(System.Logger.Level.INFO, "resuming the embedding of ''{0}'' from a checkpoint: {1} of {2} rows done",
                            column.name(), resumed, n);
                }
                // Rows an earlier column already embedded (same text, same encoder setting) come from the cache.
                byte[] rowKeys = EmbeddingKeys.rowKeys(column, derivation);
                BitSet known = cache.loadRows(derivation, rowKeys, tensor.matrix());
                if (resumed > 0) known.set(0, resumed);
                computed = encodeInChunks(column, encoder, tensor, resumed, known, checkpoint, progress);
                checkpoint.finish();
                if (checkpoint.writable()) cache.storeRows(fingerprint, derivation, rowKeys);
                cached = n - computed;
                LOG.log(System.Logger.Level.DEBUG, "embedded {0} rows of ''{1}'' with {2} ({3} from the cache)", computed,
                        column.name(), encoder.id(), cached);
            } catch (RuntimeException e) {
                tensor.close();
                throw e;
            }
        }
        if (panel != null && panel.hasColumn(column.name()) && panel.column(column.name()) == column) {
            panel.putHidden(hiddenName, tensor, column.name(), derivation, fingerprint);
            return new Resolved(tensor, encoder.id(), hiddenName, computed, cached, false, new TreeMap<>(), encoder.version(), resumed);
        }
        return new Resolved(tensor, encoder.id(), hiddenName, computed, cached, true, new TreeMap<>(), encoder.version(), resumed);
    }

    /**
     * Encodes the rows of {@code from..n-1} not in {@code known}, chunk by chunk, checkpointing each finished chunk;
     * returns how many rows it encoded.
     */
    private static int encodeInChunks(StringColumn column, Encoder encoder, TensorColumn tensor, int from, BitSet known,
                                      EmbeddingCache.Checkpoint checkpoint, Encoder.ProgressListener progress) {
        int n = column.size(), d = tensor.dim(), chunkRows = checkpointRows, encoded = 0;
        long rowBytes = (long) d * Float.BYTES;
        for (int start = from; start < n; start += chunkRows) {
            int count = Math.min(chunkRows, n - start), offset = start;
            FloatMatrix chunk = new FloatMatrix(tensor.segment().asSlice(start * rowBytes, count * rowBytes), count, d);
            List<Integer> missing = new ArrayList<>();
            for (int row = start; row < start + count; row++) if (!known.get(row)) missing.add(row);
            List<String> texts = new ArrayList<>(missing.size());
            for (int row : missing) texts.add(column.get(row));
            Encoder.ProgressListener shifted = new Encoder.ProgressListener() {
                @Override public void onProgress(int done, int total) { progress.onProgress(offset + done, n); }

                @Override public void onTokens(long tokens) { progress.onTokens(tokens); }
            };
            if (missing.size() == count) {
                encoder.encodeTexts(texts, chunk, shifted);
            } else if (!missing.isEmpty()) {
                try (TensorColumn fresh = TensorColumn.allocate(tensor.name(), missing.size(), d)) {
                    encoder.encodeTexts(texts, fresh.matrix(), shifted);
                    for (int i = 0; i < missing.size(); i++) {
                        MemorySegment.copy(fresh.segment(), i * rowBytes, tensor.segment(), missing.get(i) * rowBytes, rowBytes);
                    }
                }
            }
            encoded += missing.size();
            requireFinite(tensor.name(), chunk, start);
            checkpoint.append(chunk);
        }
        return encoded;
    }

    /** Every value of a chunk whose first row is {@code firstRow} finite, else an error naming the row and dimension. */
    private static void requireFinite(String name, FloatMatrix chunk, int firstRow) {
        float[] row = new float[chunk.cols()];
        for (int r = 0; r < chunk.rows(); r++) {
            MemorySegment.copy(chunk.data(), FloatMatrix.FLOAT, (long) r * row.length * Float.BYTES, row, 0, row.length);
            for (int c = 0; c < row.length; c++) {
                if (!Float.isFinite(row[c])) {
                    throw new ClusterbyException.InvalidData("column '" + name + "' row " + (firstRow + r) + " has " + row[c] + " at dimension " + c);
                }
            }
        }
    }

    /**
     * Embeds an image column. An image that cannot be decoded does not stop the run: its row is reported (log and
     * {@link Resolved#errors()}), marked missing in the tensor and stored as NaN in the disk cache, and the caller
     * leaves it out of clustering. A crop box outside an image stops the run: that is a mistake in the crop.
     */
    private static Resolved images(DataPanel panel, ImageColumn column, Encoder encoder, Crop crop, Settings settings,
                                   Encoder.ProgressListener progress) {
        String hiddenName = encoder.id() + "(" + column.name() + (crop == null ? "" : " " + crop.cacheKeyPart()) + ")";
        String derivation = encoder.id() + "@" + encoder.version() + (crop == null ? "" : "|" + crop.cacheKeyPart());
        String fingerprint = EmbeddingKeys.fingerprint(column, derivation);
        int n = column.size();
        if (panel != null) {
            TensorColumn hit = panel.cachedTensor(hiddenName, fingerprint);
            if (hit != null) {
                SortedMap<Integer, String> errors = new TreeMap<>();
                for (int row = 0; row < n; row++) if (hit.isMissing(row)) errors.put(row, reasonAgain(column, row, crop));
                requireSomeGood(column, errors);
                return new Resolved(hit, encoder.id(), hiddenName, 0, n, false, errors, encoder.version());
            }
        }
        EmbeddingCache cache = new EmbeddingCache(settings.cacheDir());
        TensorColumn tensor = TensorColumn.allocate(hiddenName, n, encoder.dimension());
        SortedMap<Integer, String> errors = new TreeMap<>();
        int computed = 0, cached = n;
        try {
            FloatMatrix m = tensor.matrix();
            if (cache.load(fingerprint, m)) {
                for (int row = 0; row < n; row++) if (Float.isNaN(m.get(row, 0))) errors.put(row, reasonAgain(column, row, crop));
            } else {
                List<ImageInput> inputs = new ArrayList<>(n);
                for (int row = 0; row < n; row++) inputs.add(input(column, row, crop));
                SortedMap<Integer, String> failed = encoder.encodeImages(inputs, m, progress);
                failed.forEach((row, reason) -> errors.put(row, "cannot decode image: " + reason));
                for (int row : errors.keySet()) {
                    MemorySegment.copy(nanRow(m.cols()), 0, m.data(), FloatMatrix.FLOAT, (long) row * m.cols() * Float.BYTES, m.cols());
                }
                requireFinite(tensor, errors);
                logErrors(column, errors);
                cache.store(fingerprint, m);
                computed = n - errors.size();
                cached = 0;
                LOG.log(System.Logger.Level.DEBUG, "embedded {0} images of ''{1}'' with {2}", n, column.name(), encoder.id());
            }
            requireSomeGood(column, errors);
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
        BitSet bad = new BitSet(n);
        errors.keySet().forEach(bad::set);
        TensorColumn marked = bad.isEmpty() ? tensor : tensor.withMissing(bad);
        if (panel != null && panel.hasColumn(column.name()) && panel.column(column.name()) == column) {
            panel.putHidden(hiddenName, marked, column.name(), derivation, fingerprint);
            return new Resolved(marked, encoder.id(), hiddenName, computed, cached, false, errors, encoder.version());
        }
        return new Resolved(marked, encoder.id(), hiddenName, computed, cached, true, errors, encoder.version());
    }

    /** Row {@code row} of the column as the encoder sees it: decoded lazily, cropped, failures as IOException. */
    private static ImageInput input(ImageColumn column, int row, Crop crop) {
        ImageColumn.Source source = column.source(row);
        String where = "column '" + column.name() + "' row " + row + (source == null ? "" : " (" + source.label() + ")");
        return new ImageInput() {
            @Override
            public String label() {
                return where;
            }

            @Override
            public BufferedImage decode() throws IOException {
                if (source == null) throw new IOException("the row has no image");
                BufferedImage image;
                try {
                    image = source.decode();
                } catch (RuntimeException e) {
                    // Decoders throw unchecked exceptions on some corrupt files; that is this image's problem alone.
                    throw new IOException(e.toString(), e);
                }
                return crop == null ? image : cropImage(crop, image, where);
            }
        };
    }

    /**
     * The crop of one image. A pixel box reaching outside the image is a mistake in the crop, not in the image, so it
     * stops the run with the row, path and size (Crop.toPixels would clamp it silently).
     */
    private static BufferedImage cropImage(Crop crop, BufferedImage image, String where) {
        int w = image.getWidth(), h = image.getHeight();
        if (!crop.fractional() && (crop.x1() > w || crop.y1() > h)) {
            throw new ClusterbyException.BadOption("crop", "box " + crop + " lies outside " + where + ", which is "
                    + w + "x" + h + " pixels");
        }
        int[] box = crop.toPixels(w, h);
        return image.getSubimage(box[0], box[1], Math.max(1, box[2] - box[0]), Math.max(1, box[3] - box[1]));
    }

    /** The reason a row failed in an earlier run, found again by decoding just that row. */
    private static String reasonAgain(ImageColumn column, int row, Crop crop) {
        try {
            input(column, row, crop).decode();
            return "could not be embedded in an earlier run";
        } catch (IOException e) {
            return "cannot decode image: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static void requireSomeGood(ImageColumn column, SortedMap<Integer, String> errors) {
        if (errors.size() < column.size()) return;
        int first = errors.firstKey();
        throw new ClusterbyException.BadFile("none of the " + column.size() + " images of column '" + column.name()
                + "' could be embedded; row " + first + " (" + column.format(first) + "): " + errors.get(first));
    }

    private static void logErrors(ImageColumn column, SortedMap<Integer, String> errors) {
        int shown = 0;
        for (var entry : errors.entrySet()) {
            if (shown++ == 10) {
                LOG.log(System.Logger.Level.WARNING, "… and " + (errors.size() - 10) + " more images that cannot be decoded");
                break;
            }
            LOG.log(System.Logger.Level.WARNING, "column ''{0}'' row {1} ({2}): {3}; the row gets no cluster (-1)",
                    column.name(), entry.getKey(), column.format(entry.getKey()), entry.getValue());
        }
    }

    private static float[] nanRow(int cols) {
        float[] row = new float[cols];
        java.util.Arrays.fill(row, Float.NaN);
        return row;
    }

    /** Every value finite, else an error naming the row and dimension; rows already known to be bad are skipped. */
    private static void requireFinite(TensorColumn t, SortedMap<Integer, String> skip) {
        FloatMatrix m = t.matrix();
        for (int row = 0; row < m.rows(); row++) {
            if (skip.containsKey(row)) continue;
            for (int c = 0; c < m.cols(); c++) {
                float v = m.get(row, c);
                if (!Float.isFinite(v)) {
                    throw new ClusterbyException.InvalidData("column '" + t.name() + "' row " + row + " has " + v + " at dimension " + c);
                }
            }
        }
    }
}
