package dev.legate.compiler.envoy;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/** The Envoy resources of one configuration, each list in output order, all of them valid for Envoy. */
public record EnvoyConfig(List<Listener> listeners, List<Cluster> clusters, List<Secret> secrets) {

    public EnvoyConfig {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
        secrets = List.copyOf(secrets);
    }
}
