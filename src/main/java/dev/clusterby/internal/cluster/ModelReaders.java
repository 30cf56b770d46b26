package dev.clusterby.internal.cluster;

import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.GaussianMixture;
import dev.clusterby.cluster.Hdbscan;
import dev.clusterby.cluster.KMeans;
import dev.clusterby.cluster.ModelReader;
import dev.clusterby.cluster.ModelState;
import dev.clusterby.cluster.SavableModel;
import dev.clusterby.internal.Plugins;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The readers of saved model states by kind: the built-ins, then ServiceLoader {@link ModelReader}s. A new
 * method's model format is one more kind here (see the README's "Model files" section); built-in kinds cannot be
 * replaced.
 */
public final class ModelReaders {
    private static final Map<String, Function<ModelState, ? extends SavableModel>> READERS;

    static {
        Map<String, Function<ModelState, ? extends SavableModel>> readers = new LinkedHashMap<>();
        readers.put(KMeans.Model.STATE_KIND, KMeans.Model::read);
        readers.put(GaussianMixture.Model.STATE_KIND, GaussianMixture.Model::read);
        readers.put(NearestTrainingPoints.STATE_KIND, NearestTrainingPoints::read);
        readers.put(Hdbscan.Model.STATE_KIND, Hdbscan.Model::read);
        for (ModelReader reader : Plugins.load(ModelReader.class, ModelReaders.class.getClassLoader(), "a model reader")) {
            if (readers.putIfAbsent(reader.kind(), reader::read) != null) Plugins.warnTaken("model reader", reader, reader.kind());
        }
        READERS = Collections.unmodifiableMap(readers);
    }

    private ModelReaders() {}

    /** The model of a state; an unknown kind names the known ones. */
    public static SavableModel read(ModelState state) {
        Function<ModelState, ? extends SavableModel> reader = READERS.get(state.kind());
        if (reader == null) {
            throw new ClusterbyException.BadFile("no reader for model state kind '" + state.kind() + "' (known: "
                    + String.join(", ", READERS.keySet()) + "); add the jar of the method that saved it");
        }
        return reader.apply(state);
    }
}
