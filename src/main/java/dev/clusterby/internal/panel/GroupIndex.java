package dev.clusterby.internal.panel;

/**
 * Rows arranged by group with one counting sort: the rows of group g are
 * {@code rows[offsets[g]] .. rows[offsets[g+1]-1]}, in table order. Rows with group -1 are left out.
 */
public record GroupIndex(int[] groupOf, int groups, int[] offsets, int[] rows) {

    public static GroupIndex of(int[] groupOf, int groups) {
        int[] offsets = new int[groups + 1];
        for (int g : groupOf) if (g >= 0) offsets[g + 1]++;
        for (int g = 0; g < groups; g++) offsets[g + 1] += offsets[g];
        int[] cursor = offsets.clone();
        int[] rows = new int[offsets[groups]];
        for (int row = 0; row < groupOf.length; row++) {
            int g = groupOf[row];
            if (g >= 0) rows[cursor[g]++] = row;
        }
        return new GroupIndex(groupOf, groups, offsets, rows);
    }

    public int size(int group) {
        return offsets[group + 1] - offsets[group];
    }

    public int[] rowsOf(int group) {
        return java.util.Arrays.copyOfRange(rows, offsets[group], offsets[group + 1]);
    }
}
