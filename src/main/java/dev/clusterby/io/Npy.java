package dev.clusterby.io;

import dev.clusterby.ClusterbyException;
import dev.clusterby.IntColumn;

import java.nio.file.Path;

/** NumPy .npy files. (Being built: see the io work item.) */
public final class Npy {
    private Npy() {}

    public static void writeInts(Path path, IntColumn column) {
        throw new ClusterbyException.BadFile("no npy writer yet for " + path);
    }
}
