package dev.clusterby.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.DataPanel;

import java.nio.file.Path;

/** Chooses a reader from the file's extension or content. (Being built: see the io work item.) */
public final class PanelReaders {
    private PanelReaders() {}

    public static DataPanel read(Path path) {
        throw new ClusterbyException.BadFile("no reader yet for " + path);
    }
}
