package dev.clusterby;

/** The types a {@link Column} can hold. */
public enum ColumnType {
    INT64, FLOAT64, STRING, BOOLEAN, TIMESTAMP, TENSOR, IMAGE;

    public boolean isNumeric() {
        return this == INT64 || this == FLOAT64 || this == BOOLEAN;
    }
}
