package dev.clusterby;

import java.util.HashMap;
import java.util.Map;

/** Rows grouped by the distinct values of one column, in order of first appearance. Missing values form no group. */
public final class GroupBy extends Grouping {
    private final Column keys;

    private GroupBy(DataPanel panel, int[] groupOf, int groups, Column keys) {
        super(panel, groupOf, groups);
        this.keys = keys;
    }

    static GroupBy of(DataPanel panel, Column by) {
        if (by.type() == ColumnType.TENSOR || by.type() == ColumnType.IMAGE) {
            throw new ClusterbyException.InvalidData("cannot group by " + by.type() + " column '" + by.name()
                    + "'; use clusterBy for unstructured columns");
        }
        int[] groupOf = new int[by.size()];
        Map<Object, Integer> seen = new HashMap<>();
        int[] firstRow = new int[by.size()];
        for (int row = 0; row < by.size(); row++) {
            Object value = by.get(row);
            if (value == null) {
                groupOf[row] = -1;
                continue;
            }
            Integer group = seen.get(value);
            if (group == null) {
                group = seen.size();
                seen.put(value, group);
                firstRow[group] = row;
            }
            groupOf[row] = group;
        }
        Column keys = by.take(java.util.Arrays.copyOf(firstRow, seen.size()));
        return new GroupBy(panel, groupOf, seen.size(), keys);
    }

    @Override String keyName() { return keys.name(); }

    @Override public Column keys() { return keys; }

    /** Every row plus a {@code group} column with the group index. */
    @Override
    public DataPanel toDataPanel() {
        return panel().withColumn(labels().rename("group"));
    }
}
