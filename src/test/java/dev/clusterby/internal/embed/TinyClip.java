package dev.clusterby.internal.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A CLIP-shaped export small enough to build inside a test, with the real input and output names, shapes and
 * dtypes. Image tower: pixel_values [N,3,32,32] → 8×8 average pooling → [N,48] → MatMul W [48,8] → image_embeds.
 * Text tower: input_ids, attention_mask [N,L] → Gather of E [V,8] → mean over unmasked tokens → text_embeds. W routes
 * each channel's mean into dimensions 0..2 (plus small fixed noise that keeps where things are), and the words
 * red/green/blue embed like the normalised pure colours, so text and images share a space as in CLIP.
 */
public final class TinyClip {
    public static final int SIZE = 32, POOL = 8, DIM = 8;
    public static final int FEATURES = 3 * (SIZE / POOL) * (SIZE / POOL);
    public static final List<String> VOCAB = List.of("[UNK]", "a", "photo", "of", "red", "green", "blue", "thing", "background");
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** W [FEATURES, DIM], row-major, as in the model. */
    public static final float[] W = imageWeights();
    /** E [VOCAB, DIM], row-major. */
    public static final float[] E = wordEmbeddings();

    private TinyClip() {}

    /** Writes image.onnx, text.onnx, tokenizer.json and clip.json (with the given extra JSON fields) into dir. */
    public static Path write(Path dir, String extraConfig) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("image.onnx"), imageTower("pixel_values"));
        Files.write(dir.resolve("text.onnx"), textTower());
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
        Files.writeString(dir.resolve("clip.json"), "{\"image_size\": " + SIZE + ", \"max_length\": 16, \"pad_id\": 0"
                + (extraConfig.isBlank() ? "" : ", " + extraConfig) + "}");
        return dir;
    }

    public static byte[] imageTower(String inputName) {
        OnnxProto.Message g = OnnxProto.graph("tiny_clip_vision");
        OnnxProto.value(g, true, inputName, OnnxProto.FLOAT, "batch", 3L, (long) SIZE, (long) SIZE);
        OnnxProto.floatInitializer(g, "W", W, FEATURES, DIM);
        OnnxProto.node(g, "AveragePool", new String[] {inputName}, "pooled",
                OnnxProto.intsAttribute("kernel_shape", POOL, POOL), OnnxProto.intsAttribute("strides", POOL, POOL));
        OnnxProto.node(g, "Flatten", new String[] {"pooled"}, "flat", OnnxProto.intAttribute("axis", 1));
        OnnxProto.node(g, "MatMul", new String[] {"flat", "W"}, "image_embeds");
        OnnxProto.value(g, false, "image_embeds", OnnxProto.FLOAT, "batch", (long) DIM);
        return OnnxProto.model(g);
    }

    public static byte[] textTower() {
        OnnxProto.Message g = OnnxProto.graph("tiny_clip_text");
        OnnxProto.value(g, true, "input_ids", OnnxProto.INT64, "batch", "sequence");
        OnnxProto.value(g, true, "attention_mask", OnnxProto.INT64, "batch", "sequence");
        OnnxProto.floatInitializer(g, "E", E, VOCAB.size(), DIM);
        OnnxProto.longInitializer(g, "axis2", new long[] {2}, 1);
        OnnxProto.longInitializer(g, "axis1", new long[] {1}, 1);
        OnnxProto.node(g, "Gather", new String[] {"E", "input_ids"}, "tokens", OnnxProto.intAttribute("axis", 0));
        OnnxProto.node(g, "Cast", new String[] {"attention_mask"}, "maskf", OnnxProto.intAttribute("to", OnnxProto.FLOAT));
        OnnxProto.node(g, "Unsqueeze", new String[] {"maskf", "axis2"}, "mask3");
        OnnxProto.node(g, "Mul", new String[] {"tokens", "mask3"}, "masked");
        OnnxProto.node(g, "ReduceSum", new String[] {"masked", "axis1"}, "sum", OnnxProto.intAttribute("keepdims", 0));
        OnnxProto.node(g, "ReduceSum", new String[] {"mask3", "axis1"}, "count", OnnxProto.intAttribute("keepdims", 0));
        OnnxProto.node(g, "Div", new String[] {"sum", "count"}, "text_embeds");
        OnnxProto.value(g, false, "text_embeds", OnnxProto.FLOAT, "batch", (long) DIM);
        return OnnxProto.model(g);
    }

    /** A WordLevel tokenizer over VOCAB: lower-cased, split on whitespace, unknown words to [UNK]. */
    public static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < VOCAB.size(); i++) vocab.append(i == 0 ? "" : ",").append('"').append(VOCAB.get(i)).append("\":").append(i);
        return """
                {"version":"1.0","truncation":null,"padding":null,
                 "added_tokens":[{"id":0,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
                 "normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
                 "model":{"type":"WordLevel","vocab":{%s},"unk_token":"[UNK]"}}
                """.formatted(vocab);
    }

    /** The normalised value a channel takes for an 8-bit sample. */
    public static float normalised(int channel, int value) {
        return (value / 255f - MEAN[channel]) / STD[channel];
    }

    /** What the image tower gives (before L2) for a 32×32 RGB image of packed pixels, computed here in plain Java. */
    public static float[] expectedImageEmbedding(int[] rgb) {
        int cells = SIZE / POOL;
        float[] pooled = new float[FEATURES];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    pooled[(c * cells + y / POOL) * cells + x / POOL] += normalised(c, (rgb[y * SIZE + x] >> shift) & 0xff) / (POOL * POOL);
                }
            }
        }
        float[] out = new float[DIM];
        for (int f = 0; f < FEATURES; f++) for (int d = 0; d < DIM; d++) out[d] += pooled[f] * W[f * DIM + d];
        return out;
    }

    private static float[] imageWeights() {
        SplittableRandom random = new SplittableRandom(7);
        int perChannel = FEATURES / 3;
        float[] w = new float[FEATURES * DIM];
        for (int f = 0; f < FEATURES; f++) {
            for (int d = 0; d < DIM; d++) {
                float signal = d == f / perChannel ? 1f / perChannel : 0f;
                w[f * DIM + d] = signal + (float) (random.nextDouble() - 0.5) * 0.02f;
            }
        }
        return w;
    }

    private static float[] wordEmbeddings() {
        SplittableRandom random = new SplittableRandom(11);
        float[] e = new float[VOCAB.size() * DIM];
        for (int i = 0; i < e.length; i++) e[i] = (float) (random.nextDouble() - 0.5) * 0.05f;
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
        for (int k = 0; k < 3; k++) {
            int word = VOCAB.indexOf(List.of("red", "green", "blue").get(k));
            for (int c = 0; c < 3; c++) e[word * DIM + c] = normalised(c, colours[k][c]) * 3;
        }
        return e;
    }
}
