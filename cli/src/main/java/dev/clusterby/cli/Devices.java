package dev.clusterby.cli;

import dev.clusterby.ClusterbyException;

import java.util.Locale;
import java.util.Set;

/** {@code --device}: sets the {@code clusterby.device} property that the ONNX encoders read when they load. */
final class Devices {
    private Devices() {}

    static void apply(String device) {
        if (device == null) return;
        String value = device.trim().toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "cpu", "cuda").contains(value)) {
            throw new ClusterbyException.BadOption("--device", "'" + device + "' is not one of auto, cpu, cuda");
        }
        System.setProperty("clusterby.device", value);
    }
}
