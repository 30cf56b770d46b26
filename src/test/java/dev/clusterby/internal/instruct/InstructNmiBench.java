package dev.clusterby.internal.instruct;

import dev.clusterby.ClusterBy;
import dev.clusterby.ClusterSpec;
import dev.clusterby.DataPanel;
import dev.clusterby.Instruction;
import dev.clusterby.Metrics;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The NMI table of benchmarks/RESULTS-instruct.md: k-means on the emoji colour/kind set, plain and steered by each
 * mechanism toward each label. Run: {@code java -cp … dev.clusterby.internal.instruct.InstructNmiBench CSV ENCODER SEEDS}.
 */
public final class InstructNmiBench {
    static final List<String> COLOURS = List.of("red", "orange", "yellow", "green", "blue", "purple", "brown", "black", "white");
    static final List<String> KINDS = List.of("heart", "circle", "square", "diamond", "triangle", "book", "flag", "mark", "food");
    static final String BY_COLOUR = "group by colour";
    static final String BY_KIND = "group by the kind of object";

    public static void main(String[] args) {
        Path csv = Path.of(args.length > 0 ? args[0] : "src/test/resources/data/emoji-colours.csv");
        String encoder = args.length > 1 ? args[1] : "bge-small";
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (DataPanel panel = DataPanel.read(csv)) {
            int[] colour = panel.groupBy("colour").labels().toIntArray(-1);
            int[] kind = panel.groupBy("kind").labels().toIntArray(-1);
            int k = 9;
            Map<String, Instruction> runs = new LinkedHashMap<>();
            runs.put("none", null);
            for (String label : List.of("colour", "kind")) {
                String text = label.equals("colour") ? BY_COLOUR : BY_KIND;
                List<String> values = label.equals("colour") ? COLOURS : KINDS;
                runs.put("subspace → " + label, Instruction.template("a {} emoji", values));
                runs.put("discover → " + label, Instruction.text(text));
                runs.put("mask cosine → " + label, Instruction.text(text).withMethod("mask"));
                runs.put("mask dot → " + label, Instruction.text(text).withMethod("mask").withMaskSimilarity("dot"));
            }
            System.out.printf(Locale.ROOT, "encoder=%s k=%d seeds=%d rows=%d%n", encoder, k, seeds, panel.size());
            System.out.println("| run | NMI colour | NMI kind | instruction |");
            System.out.println("|---|---|---|---|");
            for (var run : runs.entrySet()) {
                double nc = 0, nk = 0;
                String summary = "";
                for (int seed = 0; seed < seeds; seed++) {
                    ClusterSpec<?> spec = ClusterSpec.defaults().withEncoder(encoder).withParams(Map.of("k", k, "seed", seed))
                            .withInstruction(run.getValue());
                    ClusterBy<?> cb = panel.clusterBy("text", spec);
                    int[] labels = cb.result().labels().toIntArray(-1);
                    nc += Metrics.normalizedMutualInfo(colour, labels);
                    nk += Metrics.normalizedMutualInfo(kind, labels);
                    if (cb.result().instructionReport() != null) summary = cb.result().instructionReport().summary();
                }
                if (summary.length() > 160) summary = summary.substring(0, 160) + "…";
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %s |%n", run.getKey(), nc / seeds, nk / seeds, summary);
            }
        }
    }
}
