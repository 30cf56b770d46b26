package dev.clusterby;

import java.util.Arrays;
import java.util.Locale;

/** How an {@link Instruction} steers the embedding before clustering. */
public enum InstructMethod {
    /**
     * The design note's method: keep the top-k dimensions by mean |∂s/∂x| of the items' similarity s to the
     * instruction vector, and cluster on those alone.
     */
    MASK,
    /** Project the items onto the span of the centred embeddings of the template filled with each value. */
    SUBSPACE,
    /** Find values in the column itself (or a built-in word list for images) near the instruction, then SUBSPACE. */
    DISCOVER;

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code mask}, {@code subspace} or {@code discover}; anything else is an error listing them. */
    public static InstructMethod parse(String name) {
        if (name != null) {
            for (InstructMethod m : values()) if (m.id().equals(name.trim().toLowerCase(Locale.ROOT))) return m;
        }
        throw new ClusterbyException.UnknownName("instruct method", String.valueOf(name),
                Arrays.stream(values()).map(InstructMethod::id).toList());
    }
}
