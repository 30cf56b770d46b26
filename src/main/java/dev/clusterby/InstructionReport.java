package dev.clusterby;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an instruction did to the embedding before clustering.
 *
 * @param method     the method that ran
 * @param phrases    SUBSPACE: the prompts; DISCOVER: the phrases it chose, best first; MASK: empty
 * @param dims       MASK: the kept dimensions of the embedding, most important first; otherwise empty
 * @param width      the width of the view that was clustered (k for MASK, the subspace rank otherwise)
 * @param similarity MASK: {@code dot} or {@code cosine}; otherwise null
 * @param coverage   DISCOVER on a text column: the fraction of rows that contain at least one chosen phrase (low
 *                   coverage means the phrases describe few rows, and the clusters rest on little); otherwise NaN
 */
public record InstructionReport(InstructMethod method, List<String> phrases, List<Integer> dims, int width,
                                String similarity, double coverage) {
    /** Copies the lists, so the report cannot change afterwards. */
    public InstructionReport {
        phrases = List.copyOf(phrases);
        dims = List.copyOf(dims);
    }

    /** A report without a coverage figure (NaN): for methods other than DISCOVER on text. */
    public InstructionReport(InstructMethod method, List<String> phrases, List<Integer> dims, int width, String similarity) {
        this(method, phrases, dims, width, similarity, Double.NaN);
    }

    /**
     * One line, such as {@code method=discover rank=11 phrases=red, blue, … coverage=98%} or
     * {@code method=mask similarity=cosine dims=12,55,…}.
     */
    public String summary() {
        if (method == InstructMethod.MASK) {
            return String.format(Locale.ROOT, "method=mask similarity=%s dims=%s", similarity,
                    dims.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        String line = String.format(Locale.ROOT, "method=%s rank=%d phrases=%s", method.id(), width, String.join(", ", phrases));
        return Double.isNaN(coverage) ? line : line + String.format(Locale.ROOT, " coverage=%.0f%%", 100 * coverage);
    }
}
