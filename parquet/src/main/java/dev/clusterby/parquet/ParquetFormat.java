package dev.clusterby.parquet;

import dev.clusterby.DataPanel;
import dev.clusterby.internal.io.PanelFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Parquet for {@link DataPanel#read} and {@link DataPanel#write}: registered through {@link java.util.ServiceLoader},
 * so adding this module to a project is all it takes. Columns: strings, integers, doubles, booleans, timestamps and
 * float vectors (Parquet lists, or Spark ML vectors, read into a tensor column; tensor columns are written as lists
 * of floats, which Spark reads as {@code array<float>}).
 */
public final class ParquetFormat implements PanelFormat {
    // Hadoop's codec pool logs every new (de)compressor at INFO; an application routing SLF4J to its log would show
    // them on each read. Held here so the level is not lost with a collected logger.
    private static final java.util.logging.Logger CODEC_POOL = java.util.logging.Logger.getLogger("org.apache.hadoop.io.compress");

    static {
        if (CODEC_POOL.getLevel() == null) CODEC_POOL.setLevel(java.util.logging.Level.WARNING);
    }

    /** Made by {@link java.util.ServiceLoader}. */
    public ParquetFormat() {}

    @Override
    public String extension() {
        return "parquet";
    }

    @Override
    public DataPanel read(Path path) {
        return ParquetReading.read(path);
    }

    @Override
    public void write(DataPanel panel, Path target, OutputStream out) throws IOException {
        ParquetWriting.write(panel, target, out);
    }
}
