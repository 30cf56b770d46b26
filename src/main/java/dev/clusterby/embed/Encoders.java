package dev.clusterby.embed;

import dev.clusterby.ClusterbyException;

import java.util.List;

/** The encoder registry by name. (Being built: see the embed work item.) */
public final class Encoders {
    private Encoders() {}

    public static List<String> names() {
        return List.of();
    }

    /** The shared encoder of that name, or the default for the modality when the name is "auto". */
    public static Encoder resolve(String name, Encoder.Modality modality) {
        throw new ClusterbyException.UnknownName("encoder", name, names());
    }
}
