package dev.clusterby;

/** The types a {@link Column} can hold. */
public enum ColumnType {
    /** 64-bit integers ({@link IntColumn}). */
    INT64,
    /** 64-bit floating point ({@link DoubleColumn}). */
    FLOAT64,
    /** Text ({@link StringColumn}). */
    STRING,
    /** True or false ({@link BooleanColumn}). */
    BOOLEAN,
    /** Instants, in milliseconds since the epoch ({@link TimestampColumn}). */
    TIMESTAMP,
    /** A float32 vector of the same length per row, such as an embedding ({@link TensorColumn}). */
    TENSOR,
    /** Images, decoded when needed ({@link ImageColumn}). */
    IMAGE;

    /** Whether aggregates such as mean and sum apply: int64, float64 and boolean (as 0/1). */
    public boolean isNumeric() {
        return this == INT64 || this == FLOAT64 || this == BOOLEAN;
    }
}
