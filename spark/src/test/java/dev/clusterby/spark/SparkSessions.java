package dev.clusterby.spark;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** One local[2] session per test class, set up as the README says (no UI, loopback only). */
final class SparkSessions {
    private SparkSessions() {}

    static SparkSession local(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    static Path testData(String file) {
        return Path.of(System.getProperty("clusterby.testData", "../src/test/resources/data")).resolve(file);
    }
}
