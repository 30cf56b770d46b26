package dev.clusterby;

/** Per-group aggregate functions, used by {@link Grouping#aggregate} and {@link GroupedColumn}. */
public enum Agg {
    /** The arithmetic mean (numeric columns). */
    MEAN,
    /** The sum (numeric columns). */
    SUM,
    /** The number of non-missing values; 0 for a group with none. */
    COUNT,
    /** The smallest value. */
    MIN,
    /** The largest value. */
    MAX,
    /** The median (numeric columns). */
    MEDIAN,
    /** The sample standard deviation (n - 1, as pandas reports it; numeric columns). */
    STD,
    /** The first non-missing value, in row order. */
    FIRST;

    /** The lower-case name used in result column names such as {@code mean(rating)} and on the CLI. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The aggregate with this name, ignoring case and surrounding space ({@code "mean"}, {@code "MAX"}); an unknown name is an error listing the known ones. */
    public static Agg parse(String name) {
        for (Agg agg : values()) {
            if (agg.label().equalsIgnoreCase(name.trim())) return agg;
        }
        throw new ClusterbyException.UnknownName("aggregate", name,
                java.util.Arrays.stream(values()).map(Agg::label).toList());
    }
}
