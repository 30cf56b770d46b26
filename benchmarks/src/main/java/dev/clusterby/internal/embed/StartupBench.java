package dev.clusterby.internal.embed;
import dev.clusterby.compute.FloatMatrix;
import dev.clusterby.embed.Encoder;
import java.lang.foreign.Arena;
import java.nio.file.*;
import java.util.*;
/** Phases of one whole-process run: JVM up to here, read+hash, first short text (main session), first long text (second session), the rest. */
public final class StartupBench {
  private StartupBench() {}

  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    List<String> mails = EmbedThroughputBench.emails(Path.of(a[0]), Integer.parseInt(a[1]));
    Path cache = a.length > 2 ? Path.of(a[2]) : null;
    long t1 = System.nanoTime();
    OnnxTextEncoder.Tuning tuning = new OnnxTextEncoder.Tuning(64, 2, 1, "auto", OnnxTextEncoder.Quantization.ROUTED, cache);
    try (OnnxTextEncoder enc = OnnxTextEncoder.deferred(OnnxTextEncoder.BGE_SMALL, tuning); Arena arena = Arena.ofConfined()) {
      long t2 = System.nanoTime();
      FloatMatrix one = new FloatMatrix(arena.allocate(384 * 4), 1, 384);
      enc.encodeTexts(List.of("a red heart"), one, Encoder.ProgressListener.NONE);
      long t3 = System.nanoTime();
      enc.encodeTexts(List.of(mails.get(0)), one, Encoder.ProgressListener.NONE);
      long t4 = System.nanoTime();
      FloatMatrix out = new FloatMatrix(arena.allocate((long) mails.size() * 384 * 4), mails.size(), 384);
      enc.encodeTexts(mails, out, Encoder.ProgressListener.NONE);
      long t5 = System.nanoTime();
      System.out.printf("cache %s: JVM start to main %d ms, read mails %.0f ms, read+hash model %.0f ms, first short text (opens main session) %.0f ms, first long text (opens second) %.0f ms, %d mails %.0f ms%n",
          cache == null ? "none" : "warm", jvm, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, mails.size(), (t5 - t4) / 1e6);
    }
  }
}
