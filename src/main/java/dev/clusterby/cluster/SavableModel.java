package dev.clusterby.cluster;

/**
 * A fitted model that can be saved and used again: it labels new points ({@link Clusterer.Fitted#predict}) and
 * gives its state for a model file. A state's {@link ModelState#kind()} names the {@link ModelReader} that builds
 * the model back; a user's method registers its reader through ServiceLoader. A fitted model that is not savable
 * makes {@code ClusterModel.of} fail with a message that says so.
 */
public interface SavableModel extends Clusterer.Fitted {

    /** What labelling new points needs, and never the training rows (a bounded, stated sample at most). */
    ModelState state();
}
