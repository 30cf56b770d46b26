package dev.clusterby.internal.embed;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import java.lang.foreign.Arena;
import java.nio.file.*;
import java.util.*;
/** The length sweep behind OnnxTextEncoder.ALONE_ABOVE_TOKENS (RESULTS-embed.md): real e-mails cut at L tokens, per layout; "tok" compares langchain4j's tokenizer lengths. Arguments: spam dir, sweep|budget|tok, lengths, repeats. */
public final class LengthSweepBench {
  static double time(Encoder e, List<String> texts) {
    try (Arena arena = Arena.ofConfined()) {
      FloatMatrix out = new FloatMatrix(arena.allocate((long) texts.size() * 384 * 4), texts.size(), 384);
      long s = System.nanoTime();
      e.encodeTexts(texts, out, Encoder.ProgressListener.NONE);
      return (System.nanoTime() - s) / 1e9;
    }
  }
  private LengthSweepBench() {}

  public static void main(String[] a) throws Exception {
    Path spam = Path.of(a[0]);
    String mode = a[1];
    List<String> all = EmbedThroughputBench.emails(spam, 300);
    if (mode.equals("tok")) {
      // langchain4j's own tokenizer set-up: only padding=false
      HuggingFaceTokenizer peer = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(OnnxTextEncoder.readResource(OnnxTextEncoder.BGE_SMALL.tokenizerResource())), Map.of("padding", "false"));
      long sum = 0; int over = 0;
      for (String t : all.subList(0, 30)) { int n = peer.tokenize(t).size(); sum += n; if (n > 510) over++; }
      System.out.println("langchain4j tokenizer, 30 mails: mean tokens " + sum / 30 + ", over 510: " + over);
      OnnxTextEncoder enc = OnnxTextEncoder.load(OnnxTextEncoder.BGE_SMALL);
      long s = System.nanoTime(); long ours = 0;
      for (String t : all) ours += enc.tokenCount(t);
      System.out.printf("ours: 300 mails %d tokens, tokenize one by one %.3f s%n", ours, (System.nanoTime() - s) / 1e9);
      return;
    }
    String[] lengths = a[2].split(",");
    int reps = Integer.parseInt(a[3]);
    System.out.println("load " + Files.readString(Path.of("/proc/loadavg")).strip());
    for (String ls : lengths) {
      int L = Integer.parseInt(ls);
      OnnxTextEncoder.Spec spec = OnnxTextEncoder.BGE_SMALL.withMaxLength(L);
      Map<String, OnnxTextEncoder> layouts = new LinkedHashMap<>();
      if (mode.equals("budget")) {
        for (int budget : new int[] {512, 1024, 2048, 4096}) layouts.put("rowq " + budget + "tok", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(Math.max(1, budget / L), 2, 1)));
        layouts.put("tensor 1x2x1", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR)));
      } else {
      layouts.put("rowq 64x2x1", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(64, 2, 1)));
      layouts.put("rowq 1x2x1", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 2, 1)));
      layouts.put("tensor 1x2x1", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 2, 1).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR)));
      layouts.put("tensor 1x1x2", OnnxTextEncoder.load(spec, new OnnxTextEncoder.Tuning(1, 1, 2).withQuantization(OnnxTextEncoder.Quantization.PER_TENSOR)));
      }
      // texts that really reach L tokens, about 15k tokens per set
      List<String> texts = new ArrayList<>();
      OnnxTextEncoder first = layouts.values().iterator().next();
      long tokens = 0;
      for (String t : all) { int n = first.tokenCount(t); if (n == L && texts.size() < Math.max(16, 15360 / L)) { texts.add(t); tokens += n; } }
      for (var e : layouts.values()) time(e, texts.subList(0, 8));
      Map<String, Double> best = new LinkedHashMap<>();
      for (int r = 0; r < reps; r++) for (var e : layouts.entrySet()) best.merge(e.getKey(), time(e.getValue(), texts), Math::min);
      StringBuilder line = new StringBuilder(String.format("L=%d n=%d tokens=%d:", L, texts.size(), tokens));
      for (var e : best.entrySet()) line.append(String.format("  %s %.3fs (%.0f tok/s/core)", e.getKey(), e.getValue(), tokens / e.getValue() / 2));
      System.out.println(line);
      layouts.values().forEach(OnnxTextEncoder::close);
    }
    System.out.println("load " + Files.readString(Path.of("/proc/loadavg")).strip());
  }
}
