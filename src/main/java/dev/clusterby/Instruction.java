package dev.clusterby;

import dev.clusterby.compute.ComputeBackend.Similarity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the user wants the clusters to be about, in words, as the design note asks: "group images by their
 * background". Pass it to {@link DataPanel#clusterBy(String, Instruction)} or {@link ClusterSpec#withInstruction}.
 *
 * <p>Parts combine: a free {@code text}, a {@code template} with {@code {}} filled with each of the {@code values}
 * ("photo with a {} background" × red, blue, …), and a {@link Crop} for image columns. The instruction is embedded
 * by the column's encoder (for images, the text tower of a joint model), then one {@link InstructMethod} turns the
 * column's embedding into a view that is clustered instead:
 * <ul>
 *   <li>{@code SUBSPACE} (the default when values are given): the items projected onto the span of the centred prompt
 *       embeddings;</li>
 *   <li>{@code DISCOVER} (the default for a bare text): values found in the column near the instruction, then
 *       {@code SUBSPACE} — the chosen phrases are reported in {@link ClusterResult#instructionReport()};</li>
 *   <li>{@code MASK} (only when asked for): the top-{@code topK} dimensions by the mean absolute gradient of the
 *       items' similarity to the instruction vector t. With {@code maskSimilarity} DOT the gradient of x·t is t
 *       itself, so the mask is simply the k largest |t_j|; with COSINE (the default) it is
 *       t/(‖x‖‖t‖) − (x·t)x/(‖x‖³‖t‖), which also depends on the items.</li>
 * </ul>
 * A crop alone steers nothing: it only changes what an image encoder sees.
 *
 * <p>Immutable; each {@code with…} returns a changed copy. A bad part fails at once with an error naming the option;
 * how the parts fit together is checked by {@link #effectiveMethod()}, which {@link ClusterSpec#withInstruction} calls.
 *
 * @param text           the instruction in words, or null
 * @param template       a prompt with {@code {}} where each value goes, or null
 * @param values         the values for the template (empty when none)
 * @param crop           the image region to embed, or null
 * @param topK           dimensions kept by {@code MASK} (default 50)
 * @param method         the method asked for, or null for the default
 * @param maskSimilarity the similarity whose gradient {@code MASK} takes (default COSINE)
 * @param phrases        how many phrases {@code DISCOVER} keeps (default 12)
 */
public record Instruction(String text, String template, List<String> values, Crop crop, int topK,
                          InstructMethod method, Similarity maskSimilarity, int phrases) {
    public static final int DEFAULT_TOP_K = 50;
    public static final int DEFAULT_PHRASES = 12;

    /** Checks and normalises: texts are stripped and must not be blank, a template needs a {@code {}}, values must be distinct, and there must be a text, a template or a crop. */
    public Instruction {
        if (text != null) {
            text = text.strip();
            if (text.isEmpty()) throw new ClusterbyException.BadOption("instruction", "the text is blank");
        }
        if (template != null) {
            template = template.strip();
            if (!template.contains("{}")) {
                throw new ClusterbyException.BadOption("template", "'" + template + "' has no {} for the values to fill");
            }
        }
        values = cleanValues(values);
        if (topK < 1) throw new ClusterbyException.BadOption("top-k", "must be at least 1, got " + topK);
        if (phrases < 2) throw new ClusterbyException.BadOption("phrases", "must be at least 2, got " + phrases);
        if (maskSimilarity == null) maskSimilarity = Similarity.COSINE;
        if (text == null && template == null && crop == null) {
            throw new ClusterbyException.BadOption("instruction", "needs a text, a template or a crop");
        }
    }

    private static List<String> cleanValues(List<String> values) {
        if (values == null) return List.of();
        List<String> out = new ArrayList<>(values.size());
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            String v = value == null ? "" : value.strip();
            if (v.isEmpty()) throw new ClusterbyException.BadOption("values", "a value is blank in " + values);
            if (!seen.add(v.toLowerCase(Locale.ROOT))) throw new ClusterbyException.BadOption("values", "'" + v + "' is listed twice");
            out.add(v);
        }
        return List.copyOf(out);
    }

    /** "group these by sentiment": embedded as it is. */
    public static Instruction text(String text) {
        return new Instruction(text, null, List.of(), null, DEFAULT_TOP_K, null, null, DEFAULT_PHRASES);
    }

    /** "photo with a {} background" filled with each value. */
    public static Instruction template(String template, String... values) {
        return template(template, Arrays.asList(values));
    }

    /** A template such as {@code "photo with a {} background"}, filled with each value. */
    public static Instruction template(String template, List<String> values) {
        return new Instruction(null, template, values, null, DEFAULT_TOP_K, null, null, DEFAULT_PHRASES);
    }

    /** A crop of each image, left-top {@code lt} to right-bottom {@code rb} in pixels: {@code crop(new int[]{500, 400}, new int[]{600, 450})}. */
    public static Instruction crop(int[] lt, int[] rb) {
        return crop(pixelCrop(lt, rb));
    }

    /** A crop of each image as fractions of width and height in [0, 1]. */
    public static Instruction crop(double[] lt, double[] rb) {
        return crop(fractionCrop(lt, rb));
    }

    /** A crop of each image, given as a {@link Crop}. */
    public static Instruction crop(Crop crop) {
        if (crop == null) throw new ClusterbyException.BadOption("crop", "is null");
        return new Instruction(null, null, List.of(), crop, DEFAULT_TOP_K, null, null, DEFAULT_PHRASES);
    }

    /** This instruction with another text. */
    public Instruction withText(String newText) {
        return new Instruction(newText, template, values, crop, topK, method, maskSimilarity, phrases);
    }

    /** This instruction with another template. */
    public Instruction withTemplate(String newTemplate) {
        return new Instruction(text, newTemplate, values, crop, topK, method, maskSimilarity, phrases);
    }

    /** This instruction with other values for its template. */
    public Instruction withValues(String... newValues) {
        return withValues(Arrays.asList(newValues));
    }

    /** This instruction with other values for its template. */
    public Instruction withValues(List<String> newValues) {
        return new Instruction(text, template, newValues, crop, topK, method, maskSimilarity, phrases);
    }

    /** This instruction with another crop (null for none). */
    public Instruction withCrop(Crop newCrop) {
        return new Instruction(text, template, values, newCrop, topK, method, maskSimilarity, phrases);
    }

    /** This instruction with a crop in pixels, left-top {@code lt} to right-bottom {@code rb}. */
    public Instruction withCrop(int[] lt, int[] rb) {
        return withCrop(pixelCrop(lt, rb));
    }

    /** This instruction with a crop as fractions of width and height in [0, 1]. */
    public Instruction withCrop(double[] lt, double[] rb) {
        return withCrop(fractionCrop(lt, rb));
    }

    /** This instruction keeping {@code k} dimensions under {@code MASK}. */
    public Instruction withTopK(int k) {
        return new Instruction(text, template, values, crop, k, method, maskSimilarity, phrases);
    }

    /** This instruction with the method asked for (null for the default). */
    public Instruction withMethod(InstructMethod newMethod) {
        return new Instruction(text, template, values, crop, topK, newMethod, maskSimilarity, phrases);
    }

    /** {@code mask}, {@code subspace} or {@code discover}. */
    public Instruction withMethod(String name) {
        return withMethod(InstructMethod.parse(name));
    }

    /** This instruction with the similarity whose gradient {@code MASK} takes. */
    public Instruction withMaskSimilarity(Similarity similarity) {
        return new Instruction(text, template, values, crop, topK, method, similarity, phrases);
    }

    /** {@code dot} or {@code cosine}. */
    public Instruction withMaskSimilarity(String name) {
        for (Similarity s : Similarity.values()) {
            if (s.name().equalsIgnoreCase(name == null ? "" : name.trim())) return withMaskSimilarity(s);
        }
        throw new ClusterbyException.UnknownName("mask-similarity", String.valueOf(name), List.of("dot", "cosine"));
    }

    /** This instruction keeping {@code count} phrases under {@code DISCOVER}. */
    public Instruction withPhrases(int count) {
        return new Instruction(text, template, values, crop, topK, method, maskSimilarity, count);
    }

    /**
     * The method that will run: the one asked for, else SUBSPACE with values, else DISCOVER; empty for a crop alone.
     * Fails, naming the option, when the parts do not fit the method.
     */
    public Optional<InstructMethod> effectiveMethod() {
        if (!values.isEmpty() && template == null) {
            throw new ClusterbyException.BadOption("values", "need a template with {} to fill (--template)");
        }
        if (template != null && values.size() == 1) {
            throw new ClusterbyException.BadOption("values", "need at least two values to span a direction, got " + values);
        }
        InstructMethod chosen = method;
        if (chosen == null) {
            if (text == null && template == null) return Optional.empty();
            chosen = values.isEmpty() ? InstructMethod.DISCOVER : InstructMethod.SUBSPACE;
        }
        switch (chosen) {
            case SUBSPACE -> {
                if (values.isEmpty()) {
                    throw new ClusterbyException.BadOption("instruct-method", "subspace needs a template and values"
                            + " (--template, --values); use discover to find values from the instruction alone");
                }
            }
            case MASK, DISCOVER -> {
                if (text == null && template == null) {
                    throw new ClusterbyException.BadOption("instruct-method", chosen.id() + " needs an instruction text");
                }
            }
        }
        return Optional.of(chosen);
    }

    /** The text whose embedding is the instruction vector: the text, else the template without its {}. */
    public String instructionText() {
        if (text != null) return text;
        return template == null ? null : template.replace("{}", " ").replaceAll("\\s+", " ").strip();
    }

    /** The template filled with each value, in order. */
    public List<String> prompts() {
        if (template == null) return List.of();
        return values.stream().map(v -> template.replace("{}", v)).toList();
    }

    /**
     * Everything that changes the result, as a stable unambiguous string, for cache keys: the method, texts, values,
     * options and the crop. Two instructions with equal parts give equal keys.
     */
    public String cacheKeyPart() {
        StringBuilder key = new StringBuilder("instruction");
        part(key, "method", method == null ? "auto" : method.id());
        part(key, "text", text);
        part(key, "template", template);
        part(key, "values", String.join("\u001f", values));
        part(key, "top-k", Integer.toString(topK));
        part(key, "similarity", maskSimilarity.name().toLowerCase(Locale.ROOT));
        part(key, "phrases", Integer.toString(phrases));
        part(key, "crop", crop == null ? null : crop.cacheKeyPart());
        return key.toString();
    }

    /** Length-prefixed, so no text can fake a separator. */
    private static void part(StringBuilder key, String name, String value) {
        key.append('|').append(name).append('=');
        if (value == null) key.append('-');
        else key.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
    }

    private static Crop pixelCrop(int[] lt, int[] rb) {
        checkCorner("lt", lt == null ? -1 : lt.length);
        checkCorner("rb", rb == null ? -1 : rb.length);
        return Crop.pixels(lt[0], lt[1], rb[0], rb[1]);
    }

    private static Crop fractionCrop(double[] lt, double[] rb) {
        checkCorner("lt", lt == null ? -1 : lt.length);
        checkCorner("rb", rb == null ? -1 : rb.length);
        return Crop.fractions(lt[0], lt[1], rb[0], rb[1]);
    }

    private static void checkCorner(String name, int length) {
        if (length != 2) throw new ClusterbyException.BadOption("crop", name + " must be two numbers (x, y)");
    }
}
