package dev.clusterby;

import dev.clusterby.internal.panel.GroupAggregator;
import dev.clusterby.internal.panel.GroupIndex;

/** One column of a {@link SliceBy}; each aggregate returns a column with one value per group. */
public final class GroupedColumn {
    private final Column column;
    private final GroupIndex index;
    private final Column keys;

    GroupedColumn(Column column, GroupIndex index, Column keys) {
        this.column = column;
        this.index = index;
        this.keys = keys;
    }

    public Column aggregate(Agg agg) { return GroupAggregator.aggregate(column, index, agg); }
    public Column mean() { return aggregate(Agg.MEAN); }
    public Column sum() { return aggregate(Agg.SUM); }
    public Column count() { return aggregate(Agg.COUNT); }
    public Column min() { return aggregate(Agg.MIN); }
    public Column max() { return aggregate(Agg.MAX); }
    public Column median() { return aggregate(Agg.MEDIAN); }
    public Column std() { return aggregate(Agg.STD); }
    public Column first() { return aggregate(Agg.FIRST); }

    /** The group keys the aggregates line up with. */
    public Column keys() { return keys; }

    public String name() { return column.name(); }
}
