package dev.clusterby;

/** Per-group aggregate functions, used by {@link SliceBy#aggregate} and {@link GroupedColumn}. */
public enum Agg {
    MEAN, SUM, COUNT, MIN, MAX, MEDIAN, STD, FIRST;

    /** The lower-case name used in result column names such as {@code mean(rating)} and on the CLI. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Agg parse(String name) {
        for (Agg agg : values()) {
            if (agg.label().equalsIgnoreCase(name.trim())) return agg;
        }
        throw new ClusterbyException.UnknownName("aggregate", name,
                java.util.Arrays.stream(values()).map(Agg::label).toList());
    }
}
