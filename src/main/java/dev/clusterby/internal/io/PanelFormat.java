package dev.clusterby.internal.io;

import dev.clusterby.DataPanel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A file format that lives in a separate module (Parquet: {@code dev.clusterby:clusterby-parquet}), so that its
 * dependencies stay off the core classpath; found through {@link java.util.ServiceLoader}. Internal: the modules
 * that implement it ship with clusterby and follow its version.
 */
public interface PanelFormat {
    /** The lower-case extension it reads and writes, without the dot: {@code parquet}. */
    String extension();

    /** Reads a file of this format, or a folder of such files (Spark's {@code part-*} output); errors are {@code ClusterbyException}s. */
    DataPanel read(Path path);

    /** Writes the panel's visible columns; {@code target} names the file for messages, {@code out} receives the bytes. */
    void write(DataPanel panel, Path target, OutputStream out) throws IOException;
}
