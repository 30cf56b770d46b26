package dev.clusterby.internal.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.Column;
import dev.clusterby.DataPanel;
import dev.clusterby.DoubleColumn;
import dev.clusterby.IntColumn;
import dev.clusterby.TensorColumn;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a panel's visible columns, choosing the format from the extension: .csv, .tsv, .jsonl / .ndjson, .npy,
 * .parquet (through the optional module).
 * Every write goes through a temporary file and an atomic rename, so a failed write keeps the old file.
 */
public final class PanelWriters {
    private PanelWriters() {}

    static final String SUPPORTED = ".csv, .tsv, .jsonl, .ndjson, .npy, .parquet";

    public static void write(DataPanel panel, Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) Csv.write(panel, path, ',');
        else if (name.endsWith(".tsv")) Csv.write(panel, path, '\t');
        else if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) JsonLines.write(panel, path);
        else if (name.endsWith(".npy")) writeNpy(panel, path);
        else if (name.endsWith(".parquet")) {
            PanelFormat parquet = PanelFormats.parquet("write " + path);
            AtomicFiles.write(path, out -> parquet.write(panel, path, out));
        }
        else throw new ClusterbyException.BadFile("cannot write " + path + ": unknown extension; supported: " + SUPPORTED);
    }

    /**
     * A .npy file holds one array: the panel's only tensor column; else its {@code cluster} int column, or its
     * only int column; else its only float column.
     */
    private static void writeNpy(DataPanel panel, Path path) {
        List<Column> columns = panel.columns();
        List<TensorColumn> tensors = only(columns, TensorColumn.class);
        if (tensors.size() == 1) {
            Npy.writeTensor(path, tensors.getFirst());
            return;
        }
        List<IntColumn> ints = only(columns, IntColumn.class);
        IntColumn cluster = ints.stream().filter(c -> c.name().equals("cluster")).findFirst().orElse(null);
        if (cluster != null || ints.size() == 1) {
            Npy.writeInts(path, cluster != null ? cluster : ints.getFirst());
            return;
        }
        List<DoubleColumn> doubles = only(columns, DoubleColumn.class);
        if (tensors.isEmpty() && ints.isEmpty() && doubles.size() == 1) {
            Npy.writeDoubles(path, doubles.getFirst());
            return;
        }
        throw new ClusterbyException.BadFile("cannot write " + path + ": a .npy file holds one array, and the panel has "
                + tensors.size() + " tensor, " + ints.size() + " int and " + doubles.size() + " float columns; "
                + "select the one column to write (a tensor, 'cluster', or a single int or float column), "
                + "or write .csv / .jsonl for the whole table");
    }

    private static <C extends Column> List<C> only(List<Column> columns, Class<C> type) {
        return columns.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
