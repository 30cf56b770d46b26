package dev.clusterby.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;

import java.nio.file.Path;

/** Chooses a writer from the file's extension. (Being built: see the io work item.) */
public final class PanelWriters {
    private PanelWriters() {}

    public static void write(DataPanel panel, Path path) {
        throw new ClusterbyException.BadFile("no writer yet for " + path);
    }
}
