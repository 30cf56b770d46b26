package dev.clusterby;

import dev.clusterby.internal.panel.GroupAggregator;
import dev.clusterby.internal.panel.GroupIndex;

/** One column of a {@link Grouping}; each aggregate returns a column with one value per group. */
public final class GroupedColumn {
    private final Column column;
    private final GroupIndex index;
    private final Column keys;

    GroupedColumn(Column column, GroupIndex index, Column keys) {
        this.column = column;
        this.index = index;
        this.keys = keys;
    }

    /** One value per group, by the given aggregate. */
    public Column aggregate(Agg agg) { return GroupAggregator.aggregate(column, index, agg); }
    /** The mean per group (numeric columns). */
    public Column mean() { return aggregate(Agg.MEAN); }
    /** The sum per group (numeric columns). */
    public Column sum() { return aggregate(Agg.SUM); }
    /** The number of non-missing values per group. */
    public Column count() { return aggregate(Agg.COUNT); }
    /** The smallest value per group. */
    public Column min() { return aggregate(Agg.MIN); }
    /** The largest value per group. */
    public Column max() { return aggregate(Agg.MAX); }
    /** The median per group (numeric columns). */
    public Column median() { return aggregate(Agg.MEDIAN); }
    /** The sample standard deviation per group (n - 1, as pandas). */
    public Column std() { return aggregate(Agg.STD); }
    /** The first non-missing value per group, in row order. */
    public Column first() { return aggregate(Agg.FIRST); }

    /** The group keys the aggregates line up with. */
    public Column keys() { return keys; }

    /** The name of the column being aggregated. */
    public String name() { return column.name(); }
}
