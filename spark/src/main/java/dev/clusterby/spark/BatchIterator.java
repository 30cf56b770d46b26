package dev.clusterby.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Reads a partition a batch at a time, hands each batch to {@link #process}, and yields what it returns, in order. */
abstract class BatchIterator<I, O> implements Iterator<O> {
    private final Iterator<I> input;
    private final int batchRows;
    private Iterator<O> current = java.util.Collections.emptyIterator();

    BatchIterator(Iterator<I> input, int batchRows) {
        this.input = input;
        this.batchRows = batchRows;
    }

    protected abstract List<O> process(List<I> batch);

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && input.hasNext()) {
            List<I> batch = new ArrayList<>(batchRows);
            while (batch.size() < batchRows && input.hasNext()) batch.add(input.next());
            current = process(batch).iterator();
        }
        return current.hasNext();
    }

    @Override
    public O next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
    }
}
