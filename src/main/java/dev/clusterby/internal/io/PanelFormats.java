package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.internal.Plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The formats that come in separate modules, and the module a missing one needs. */
final class PanelFormats {
    private PanelFormats() {}

    static final String PARQUET = "parquet";
    static final String PARQUET_MODULE = "dev.clusterby:clusterby-parquet:0.1.0-SNAPSHOT";

    private static final class Holder {
        static final List<PanelFormat> FORMATS = Plugins.load(PanelFormat.class, PanelFormats.class.getClassLoader(), "file format");
    }

    /** The Parquet format, or an error naming the module to add; {@code what} says what was asked ("read x.parquet"). */
    static PanelFormat parquet(String what) {
        for (PanelFormat format : Holder.FORMATS) {
            if (format.extension().equals(PARQUET)) return format;
        }
        throw new ClusterbyException.Unavailable("cannot " + what + ": Parquet needs the module " + PARQUET_MODULE
                + " on the classpath (add that dependency; the core library leaves Parquet's Hadoop dependencies out)");
    }

    static boolean isParquet(Path path) {
        return path.getFileName() != null && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    /** A folder as Spark writes it: part files ending in .parquet (and _SUCCESS or .crc files beside them). */
    static boolean isParquetFolder(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(child -> isParquet(child) && !child.getFileName().toString().startsWith(".")
                    && Files.isRegularFile(child));
        } catch (IOException e) {
            return false;
        }
    }
}
