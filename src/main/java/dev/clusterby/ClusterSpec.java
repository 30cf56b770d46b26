package dev.clusterby;

import java.util.Map;

/** How to cluster. (Being built.) */
public record ClusterSpec(String method, String encoder, Map<String, Object> params) {
    public static ClusterSpec defaults() {
        return new ClusterSpec("kmeans", "auto", Map.of());
    }

    public ClusterSpec withMethod(String m) { return new ClusterSpec(m, encoder, params); }
    public ClusterSpec withEncoder(String e) { return new ClusterSpec(method, e, params); }
    public ClusterSpec withParams(Map<String, ?> p) { return new ClusterSpec(method, encoder, Map.copyOf(p)); }
}
