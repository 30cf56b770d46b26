package dev.clusterby.spark;

import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One Lloyd pass's partial result: per-cluster sums (float64) and counts and the cost, of the points seen so far.
 * A partition adds its block with the native kernels (assign, then accumulate); partials add up in treeAggregate.
 */
final class LloydSums implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    final double[] sums;
    final long[] counts;
    double cost;

    LloydSums(int k, int dim) {
        sums = new double[k * dim];
        counts = new long[k];
    }

    LloydSums add(PointBlock block, float[] centers) {
        int k = counts.length, n = block.rows();
        if (n == 0) return this;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment labels = arena.allocate((long) n * Integer.BYTES, 64);
            MemorySegment distances = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment blockSums = arena.allocate((long) sums.length * Double.BYTES, 64);
            MemorySegment blockCounts = arena.allocate((long) k * Long.BYTES, 64);
            var kernels = Kernels.backend();
            kernels.assignL2(block.matrix(), Kernels.matrix(arena, centers, k, block.dim()), labels, distances);
            kernels.accumulate(block.matrix(), labels, k, blockSums, blockCounts);
            for (int i = 0; i < sums.length; i++) sums[i] += blockSums.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            for (int c = 0; c < k; c++) counts[c] += blockCounts.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, c);
            double blockCost = 0;
            for (int i = 0; i < n; i++) blockCost += distances.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            cost += blockCost;
        }
        return this;
    }

    LloydSums merge(LloydSums other) {
        for (int i = 0; i < sums.length; i++) sums[i] += other.sums[i];
        for (int c = 0; c < counts.length; c++) counts[c] += other.counts[c];
        cost += other.cost;
        return this;
    }
}
