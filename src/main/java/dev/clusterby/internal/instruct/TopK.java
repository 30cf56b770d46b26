package dev.clusterby.internal.instruct;

import java.util.PriorityQueue;

/** The indices of the k largest scores by partial selection: O(n log k), no full sort. */
final class TopK {
    private TopK() {}

    /** Largest first; equal scores go to the lower index. NaN counts as smallest. */
    static int[] largest(double[] scores, int k) {
        if (k < 0) throw new IllegalArgumentException("k " + k + " < 0");
        k = Math.min(k, scores.length);
        if (k == 0) return new int[0];
        // Min-heap of the best k so far: its head is the worst kept (lowest score, then highest index).
        PriorityQueue<Integer> kept = new PriorityQueue<>(k, (a, b) -> better(scores, b, a) ? -1 : better(scores, a, b) ? 1 : 0);
        for (int i = 0; i < scores.length; i++) {
            if (kept.size() < k) kept.add(i);
            else if (better(scores, i, kept.peek())) {
                kept.poll();
                kept.add(i);
            }
        }
        int[] out = new int[k];
        for (int slot = k - 1; slot >= 0; slot--) out[slot] = kept.poll();
        return out;
    }

    /** Whether index a ranks before index b. */
    private static boolean better(double[] scores, int a, int b) {
        double sa = Double.isNaN(scores[a]) ? Double.NEGATIVE_INFINITY : scores[a];
        double sb = Double.isNaN(scores[b]) ? Double.NEGATIVE_INFINITY : scores[b];
        return sa > sb || (sa == sb && a < b);
    }
}
