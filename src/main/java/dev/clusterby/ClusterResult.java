package dev.clusterby;

import dev.clusterby.cluster.Clusterer;

/**
 * What a clustering produced.
 *
 * @param labels           one label per row (named {@code cluster}), -1 for rows that could not be embedded
 * @param model            the fitted model, of the method's own type ({@code KMeans.Model} has centroids and inertia)
 * @param method           the method's name
 * @param encoder          the encoder id, or {@code none} for tensor and numeric columns
 * @param embeddingColumn  the hidden column name of the embedding, such as {@code bge-small(text)}
 * @param embeddedComputed rows the encoder computed in this call
 * @param embeddedCached   rows served from the panel's hidden column or the disk cache
 * @param backend          the compute backend that ran the kernels
 * @param fitSeconds       wall time of the fit alone
 * @param instructionReport what an instruction did (method, chosen phrases or dimensions), or null without one
 * @param errors           why each row labelled -1 could not be embedded (such as an image that cannot be decoded), by row
 * @param embeddedResumed  of the cached rows, those that the checkpoint of an interrupted run held (a rerun computes
 *                         only the rest)
 * @param <M> the fitted model type
 */
public record ClusterResult<M extends Clusterer.Fitted>(IntColumn labels, M model, String method, String encoder,
                            String embeddingColumn, int embeddedComputed, int embeddedCached, String backend,
                            double fitSeconds, InstructionReport instructionReport, java.util.SortedMap<Integer, String> errors,
                            int embeddedResumed) {

    /** Keeps an unmodifiable, sorted copy of the errors (none when null). */
    public ClusterResult {
        errors = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(errors == null ? java.util.Map.of() : errors));
    }

    /** A result with nothing resumed from a checkpoint. */
    public ClusterResult(IntColumn labels, M model, String method, String encoder, String embeddingColumn,
                         int embeddedComputed, int embeddedCached, String backend, double fitSeconds,
                         InstructionReport instructionReport, java.util.SortedMap<Integer, String> errors) {
        this(labels, model, method, encoder, embeddingColumn, embeddedComputed, embeddedCached, backend, fitSeconds,
                instructionReport, errors, 0);
    }

    /** Every row embedded. */
    public ClusterResult(IntColumn labels, M model, String method, String encoder, String embeddingColumn,
                         int embeddedComputed, int embeddedCached, String backend, double fitSeconds,
                         InstructionReport instructionReport) {
        this(labels, model, method, encoder, embeddingColumn, embeddedComputed, embeddedCached, backend, fitSeconds,
                instructionReport, null);
    }

    /** A result of a clustering without an instruction, every row embedded. */
    public ClusterResult(IntColumn labels, M model, String method, String encoder, String embeddingColumn,
                         int embeddedComputed, int embeddedCached, String backend, double fitSeconds) {
        this(labels, model, method, encoder, embeddingColumn, embeddedComputed, embeddedCached, backend, fitSeconds, null);
    }

    /** The error of each row as a column named {@code cluster_error}: empty (missing) for rows that were clustered. */
    public StringColumn errorColumn() {
        String[] values = new String[labels.size()];
        errors.forEach((row, reason) -> values[row] = reason);
        return StringColumn.of("cluster_error", values);
    }

    /** The number of clusters found. */
    public int k() {
        return model.k();
    }
}
