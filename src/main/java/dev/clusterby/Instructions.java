package dev.clusterby;

import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.internal.embed.EmbeddingCache;
import dev.clusterby.embed.Encoder;
import dev.clusterby.internal.embed.Encoders;
import dev.clusterby.internal.instruct.Steering;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Glue between an {@link Instruction} and the transforms in {@code instruct}: which encoder, which texts, which cache. */
final class Instructions {
    private static final System.Logger LOG = System.getLogger("dev.clusterby.internal.instruct");
    /** Below this share of rows containing a discovered phrase, discover warns that it rests on little. */
    static final double LOW_COVERAGE = 0.5;
    private Instructions() {}

    /** A view to cluster instead of the embedding, and what made it. */
    record Applied(FloatMatrix view, InstructionReport report, int[] dims, double[][] basis) {}

    /** Fails before any embedding work when the instruction cannot apply to the column. */
    static void check(Column column, Instruction instruction) {
        boolean images = column instanceof ImageColumn;
        if (instruction.crop() != null && !images) {
            throw new ClusterbyException.BadOption("crop", "column '" + column.name() + "' holds "
                    + column.type().name().toLowerCase(Locale.ROOT) + ", not images; a crop applies to image columns only");
        }
        if (instruction.effectiveMethod().isPresent() && !(column instanceof StringColumn) && !images) {
            throw new ClusterbyException.BadOption("instruction", "column '" + column.name() + "' is "
                    + column.type().name().toLowerCase(Locale.ROOT) + " and has no encoder to embed an instruction with;"
                    + " instructions apply to text and image columns");
        }
    }

    /** The steered view of {@code embedding}, in {@code arena}; null when the instruction only crops. */
    static Applied apply(Column column, FloatMatrix embedding, ClusterSpec<?> spec, Settings settings, ComputeBackend backend,
                         Arena arena) {
        Instruction instruction = spec.instruction();
        InstructMethod method = instruction.effectiveMethod().orElse(null);
        if (method == null) return null;
        Encoder.Modality modality = column instanceof ImageColumn ? Encoder.Modality.IMAGE : Encoder.Modality.TEXT;
        Encoder encoder = Encoders.resolve(spec.encoder(), modality, settings).textEncoderForInstructions();
        EmbeddingCache disk = new EmbeddingCache(settings.cacheDir());
        return switch (method) {
            case MASK -> {
                float[] t = Steering.embed(encoder, instruction.instructionText());
                Steering.View view = Steering.mask(embedding, t, instruction.maskSimilarity(), instruction.topK(), backend, arena);
                List<Integer> dims = Arrays.stream(view.dims()).boxed().toList();
                yield new Applied(view.matrix(), new InstructionReport(method, List.of(), dims, dims.size(),
                        instruction.maskSimilarity().name().toLowerCase(Locale.ROOT)), view.dims(), null);
            }
            case SUBSPACE -> subspace(method, instruction.prompts(), List.of(), Double.NaN, embedding, encoder, arena);
            case DISCOVER -> {
                Steering.Candidates candidates = column instanceof StringColumn texts
                        ? Steering.candidatesFromTexts(texts.values())
                        : Steering.visualCandidates();
                List<String> phrases = Steering.discover(encoder, candidates, instruction.instructionText(),
                        instruction.phrases(), disk);
                // An image template ("photo with a {} background") frames each discovered word as CLIP expects.
                List<String> prompts = instruction.template() == null ? phrases
                        : phrases.stream().map(p -> instruction.template().replace("{}", p)).toList();
                double coverage = Steering.coverage(candidates, phrases, embedding.rows());
                if (coverage < LOW_COVERAGE) {
                    LOG.log(System.Logger.Level.WARNING, "discover: the chosen phrases ({0}) occur in only {1}% of the rows of"
                            + " ''{2}''; the instruction may name an attribute these texts rarely state. Give its values instead"
                            + " (--template \"… '{}' …\" --values …)", String.join(", ", phrases),
                            Math.round(100 * coverage), column.name());
                }
                yield subspace(method, prompts, phrases, coverage, embedding, encoder, arena);
            }
        };
    }

    private static Applied subspace(InstructMethod method, List<String> prompts, List<String> shown, double coverage,
                                    FloatMatrix embedding, Encoder encoder, Arena arena) {
        FloatMatrix promptVectors = Steering.embed(encoder, prompts, null, arena);
        Steering.View view = Steering.subspace(embedding, promptVectors, prompts, arena);
        List<String> phrases = shown.isEmpty() ? prompts : shown;
        return new Applied(view.matrix(), new InstructionReport(method, phrases, List.of(), view.matrix().cols(), null, coverage),
                null, view.basis());
    }
}
