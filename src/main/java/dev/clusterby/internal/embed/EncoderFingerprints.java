package dev.clusterby.internal.embed;

import dev.clusterby.internal.Hashes;

import java.util.Locale;

/**
 * The version string of an ONNX text encoder: everything that changes a vector, and nothing that does not. The
 * embedding key is the content's hash plus {@code id@version}, so two settings that give different vectors never
 * share a key, and a saved model that stores {@code id@version} can tell whether today's encoder is the one it saw.
 *
 * <p>Format, dash-separated: {@code MODEL16.TOKENIZER8-POOLING-MAXTOKENS[-prefixed]-QUANTIZATION}, where MODEL16 and
 * TOKENIZER8 are the first hex digits of the SHA-256 of the model file and tokenizer json as shipped, and
 * QUANTIZATION is, for the default routing, {@link PerRowQuantization#SCHEME}{@code -aloneT} (texts of more than T word
 * pieces run alone through the model as shipped, so T decides which of two models a text of middling length meets),
 * {@link PerRowQuantization#SCHEME} when every text runs per-row, or, for the model as shipped, {@code tensor-bN} with N the batch
 * rows (per-tensor scales make a vector depend on its batch mates, so the batching is part of the key there; under
 * per-row scales it is not, since tests hold batched vectors to the unbatched ones within 1e-5). The thread count,
 * the device's session layout and the saved optimised model change no vector beyond rounding and are not in it.
 */
final class EncoderFingerprints {
    private EncoderFingerprints() {}

    static String text(OnnxTextEncoder.Spec spec, OnnxTextEncoder.Tuning tuning, byte[] model, byte[] tokenizerJson) {
        String quantization = switch (tuning.quantization()) {
            case ROUTED -> PerRowQuantization.SCHEME + "-alone" + OnnxTextEncoder.ALONE_ABOVE_TOKENS;
            case PER_ROW -> PerRowQuantization.SCHEME;
            case PER_TENSOR -> tuning.batchRows() == 1 ? "tensor" : "tensor-b" + tuning.batchRows();
        };
        return Hashes.sha256Hex(model).substring(0, 16) + "." + Hashes.sha256Hex(tokenizerJson).substring(0, 8) + "-"
                + spec.pooling().name().toLowerCase(Locale.ROOT) + "-" + spec.maxLength()
                + (spec.prefix().isEmpty() ? "" : "-prefixed") + "-" + quantization;
    }
}
