package dev.clusterby.internal.compute.nativ;

import dev.clusterby.Settings;
import dev.clusterby.compute.ComputeBackend;
import dev.clusterby.compute.ComputeBackendProvider;

/** The {@code native} backend: libclusterby's C kernels through FFM; the fastest on a CPU. */
public final class NativeBackendProvider implements ComputeBackendProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public NativeBackendProvider() {}

    @Override public String name() { return "native"; }

    @Override public Availability availability() {
        String reason = NativeLibrary.whyNot();
        return reason == null ? Availability.yes() : Availability.no(reason);
    }

    @Override public int priority() { return 300; }

    @Override public ComputeBackend create(Settings settings) {
        NativeLibrary.load(settings.cacheDir());
        return NativeBackend.create(settings.threads());
    }
}
