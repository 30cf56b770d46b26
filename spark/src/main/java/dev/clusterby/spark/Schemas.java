package dev.clusterby.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Schema checks shared by the stages: the input column's type, and an output column that is not there yet. */
final class Schemas {
    private Schemas() {}

    static StructType withPrediction(StructType schema, String features, String prediction) {
        require(schema, features, SQLDataTypes.VectorType(), "a Vector");
        return append(schema, prediction, DataTypes.IntegerType);
    }

    static void require(StructType schema, String column, DataType type, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("column '" + column + "' does not exist; columns: " + String.join(", ", schema.fieldNames()));
        }
        DataType actual = schema.apply(column).dataType();
        if (!actual.equals(type)) {
            throw new IllegalArgumentException("column '" + column + "' must be " + what + " column, but is " + actual.simpleString());
        }
    }

    static StructType append(StructType schema, String column, DataType type) {
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("output column '" + column + "' already exists");
        }
        return schema.add(column, type, true);
    }
}
