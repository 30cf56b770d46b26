package dev.clusterby;

import dev.clusterby.internal.panel.GroupAggregator;
import dev.clusterby.internal.panel.GroupIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows of a panel split into groups: the one grouping type behind {@link GroupBy} (groups are the distinct
 * values of a column) and {@link ClusterBy} (groups are clusters). Hard groups: every row is in one group or none; soft slices, where a row can be in several, are {@link SliceBy}.
 * Rows that belong to no group (label -1) are left out of groups and aggregates.
 */
public abstract sealed class Grouping permits GroupBy, ClusterBy {
    private final DataPanel panel;
    private final GroupIndex index;

    Grouping(DataPanel panel, int[] groupOf, int groups) {
        if (groupOf.length != panel.size()) throw new IllegalArgumentException("labels do not match the rows");
        this.panel = panel;
        this.index = GroupIndex.of(groupOf, groups);
    }

    /** The name of the key column in aggregates and of the label column in {@link #toDataPanel()}. */
    abstract String keyName();

    /** One key per group, in group order. */
    public abstract Column keys();

    /** The panel whose rows were grouped. */
    public DataPanel panel() {
        return panel;
    }

    /** The number of groups. */
    public int groupCount() {
        return index.groups();
    }

    /** The number of rows in each group. */
    public int[] sizes() {
        int[] sizes = new int[index.groups()];
        for (int g = 0; g < sizes.length; g++) sizes[g] = index.size(g);
        return sizes;
    }

    /** The group of each row, -1 where a row has none. */
    public IntColumn labels() {
        return IntColumn.of(keyName(), index.groupOf());
    }

    /** The row indices of one group, in table order. */
    public int[] rowsOf(int group) {
        checkGroup(group);
        return index.rowsOf(group);
    }

    /** The rows of one group, as a new panel. */
    public DataPanel group(int group) {
        return panel.take(rowsOf(group));
    }

    /** One column seen per group: {@code column("rating").mean()} gives one mean per group. */
    public GroupedColumn column(String name) {
        return new GroupedColumn(panel.column(name), index, keys());
    }

    /** A new panel with the key column, a {@code size} column, and {@code agg(column)} for each entry. */
    public DataPanel aggregate(Map<String, Agg> aggregates) {
        List<Column> out = new ArrayList<>();
        out.add(keys());
        out.add(IntColumn.of("size", sizes()));
        // Visible column order, so that Map.of(...) gives a stable layout.
        List<String> order = new ArrayList<>(panel.columnNames(true));
        for (String name : aggregates.keySet()) if (!order.contains(name)) panel.column(name);
        for (String name : order) {
            Agg agg = aggregates.get(name);
            if (agg != null) out.add(GroupAggregator.aggregate(panel.column(name), index, agg));
        }
        return DataPanel.of(out);
    }

    /** Several aggregates of one column. */
    public DataPanel aggregate(String column, Agg... aggregates) {
        List<Column> out = new ArrayList<>();
        out.add(keys());
        out.add(IntColumn.of("size", sizes()));
        for (Agg agg : aggregates) out.add(GroupAggregator.aggregate(panel.column(column), index, agg));
        return DataPanel.of(out);
    }

    /** Every row of the panel plus the label column. */
    public DataPanel toDataPanel() {
        return panel.withColumn(labels());
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= index.groups()) {
            throw new ClusterbyException.InvalidData("group " + group + " is outside 0.." + (index.groups() - 1));
        }
    }

    GroupIndex index() {
        return index;
    }
}
