package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.xds.ApiListenerViews;
import dev.legate.xds.PublishResult;
import dev.legate.xds.XdsResources;
import dev.legate.xds.XdsServer;
import dev.legate.xds.XdsVersions;

/** Publishes compiled configurations through the ADS server. */
public final class XdsPublisher implements ConfigPublisher {

    /** Whether API-listener views of the HTTP connection managers are published too (see ApiListenerViews). */
    public enum ApiListeners {
        /** Only the compiled listeners. */
        NONE,
        /**
         * The compiled listeners and one API listener per HTTP connection manager, for proxyless xDS clients; every
         * endpoint locality gets a weight (grpc-java needs one; Envoy ignores it).
         */
        VIEWS
    }

    private final XdsServer server;
    private final ApiListeners apiListeners;

    public XdsPublisher(XdsServer server) {
        this(server, ApiListeners.NONE);
    }

    public XdsPublisher(XdsServer server, ApiListeners apiListeners) {
        this.server = requireNonNull(server, "server");
        this.apiListeners = requireNonNull(apiListeners, "apiListeners");
    }

    @Override
    public Outcome publish(EnvoyConfig config) {
        PublishResult result = server.publish(new XdsResources(apiListeners == ApiListeners.VIEWS
                ? ApiListenerViews.with(config.listeners()) : config.listeners(), config.routeConfigurations(),
                config.clusters(), apiListeners == ApiListeners.VIEWS
                        ? ApiListenerViews.withLocalityWeights(config.endpoints()) : config.endpoints(),
                config.secrets()));
        return switch (result.outcome()) {
            case PUBLISHED -> new Outcome.Published(version(result.versions()), true);
            case UNCHANGED -> new Outcome.Published(version(result.versions()), false);
            case REJECTED -> new Outcome.Refused(String.join("; ", result.errors()));
            case CLOSED -> new Outcome.Refused("the ADS server is closed");
        };
    }

    /** One short version for the whole configuration, from the per-type content hashes. */
    static String version(XdsVersions v) {
        String all = String.join("/", v.clusters(), v.endpoints(), v.listeners(), v.routes(), v.secrets());
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    all.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
