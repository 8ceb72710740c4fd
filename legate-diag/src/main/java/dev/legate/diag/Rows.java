package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rows of the diagnostics tables: plain, immutable data, serialized as they are for {@code ?json=true}. None of
 * them can hold Secret material: a TLS Secret appears only by its key ({@code name.namespace}).
 */
public final class Rows {

    private Rows() {
    }

    /** How a source resource fared, worst first. */
    public enum State {
        ERROR, WARNING, NOTICE, OK
    }

    /** Whether the compiler took the resource in (possibly leaving parts of it out) or rejected it whole. */
    public enum Admission {
        ACCEPTED, REJECTED
    }

    /** One problem reported on a source. */
    public record Problem(String severity, String message) {
    }

    /**
     * One source resource (or a file that did not parse) and its problems.
     *
     * @param key {@code Kind/name.namespace}, or {@code file:PATH}
     * @param location the file and line it was read from (empty when it was rejected before that was known)
     */
    public record SourceRow(String key, String kind, String name, String namespace, String location, State state,
            Admission admission, List<Problem> problems) {

        public SourceRow {
            requireNonNull(key, "key");
            problems = List.copyOf(problems);
        }
    }

    /** One cluster a route sends to, with its share of the traffic in percent. */
    public record Target(String cluster, int weight) {
    }

    /**
     * One route as Envoy holds it: on which listener, filter chain and virtual host; what it matches; what it does;
     * and which resources made it. Canary groups (the same match, several clusters) are one row.
     *
     * @param xfp which {@code x-forwarded-proto} the route requires: {@code any}, {@code https} or {@code http}
     * @param pathMatch {@code prefix}, {@code exact} or {@code regex}
     * @param headers header conditions other than the method, e.g. {@code x-canary: yes}, {@code x-id ~ [0-9]+}, or
     *     {@code x-debug (present)}
     * @param targets the clusters and weights (empty for a redirect)
     * @param redirect where a redirect sends the request (null when the route forwards)
     */
    public record RouteRow(String listener, int port, String filterChain, String virtualHost, String domain,
            String xfp, String pathMatch, String path, @Nullable String method, List<String> headers,
            List<String> queryParameters, List<Target> targets, @Nullable String redirect, List<String> sources) {

        public RouteRow {
            headers = List.copyOf(headers);
            queryParameters = List.copyOf(queryParameters);
            targets = List.copyOf(targets);
            sources = List.copyOf(sources);
        }
    }

    /**
     * An upstream cluster and its endpoint.
     *
     * @param name Envoy's name for it
     * @param endpoint the address and port it resolves and connects to
     * @param tls {@code originate} when Legate speaks TLS to the upstream, otherwise {@code none}
     */
    public record ClusterRow(String name, String endpoint, String discovery, String loadBalancer, String tls,
            long connectTimeoutMs, List<String> sources) {

        public ClusterRow {
            sources = List.copyOf(sources);
        }
    }

    /** A virtual host on a filter chain, with its number of routes. */
    public record VirtualHostRow(String name, String domain, int routes) {
    }

    /**
     * A filter chain of a listener.
     *
     * @param tlsContext the TLS context terminating TLS on it (null for cleartext)
     * @param serverNames the SNI names it matches (empty: any)
     */
    public record FilterChainRow(String name, @Nullable String tlsContext, List<String> serverNames,
            List<VirtualHostRow> virtualHosts) {

        public FilterChainRow {
            serverNames = List.copyOf(serverNames);
            virtualHosts = List.copyOf(virtualHosts);
        }
    }

    /** A listener with its filter chains. */
    public record ListenerRow(String name, String address, int port, List<String> protocolStack,
            String securityModel, List<FilterChainRow> filterChains, List<String> sources) {

        public ListenerRow {
            protocolStack = List.copyOf(protocolStack);
            filterChains = List.copyOf(filterChains);
            sources = List.copyOf(sources);
        }
    }

    /**
     * A Host.
     *
     * @param tlsSecret the key ({@code name.namespace}) of the TLS Secret it terminates with, if any; never its data
     */
    public record HostRow(String name, String namespace, String hostname, @Nullable String tlsContext,
            @Nullable String tlsSecret, String insecureAction, List<String> sources) {

        public HostRow {
            sources = List.copyOf(sources);
        }
    }

    /**
     * A TLS context.
     *
     * @param secret the key ({@code name.namespace}) of its certificate's Secret; never its data
     */
    public record TlsContextRow(String name, String namespace, List<String> hosts, String secret,
            @Nullable String caSecret, @Nullable String minTlsVersion, @Nullable String maxTlsVersion,
            List<String> alpnProtocols, @Nullable String sni, List<String> sources) {

        public TlsContextRow {
            hosts = List.copyOf(hosts);
            alpnProtocols = List.copyOf(alpnProtocols);
            sources = List.copyOf(sources);
        }
    }

    /**
     * One resource type on one connected Envoy.
     *
     * @param state {@code ACKED} (it runs what it was sent), {@code WAITING} (it has not answered yet), {@code NACKED}
     *     (it rejected the last version sent and runs {@link #ackedVersion()}), or {@code SUBSCRIBED} (nothing sent
     *     yet)
     */
    public record XdsTypeRow(String type, String state, @Nullable String sentVersion, @Nullable String ackedVersion,
            @Nullable String ackedAt, @Nullable NackRow lastNack) {
    }

    /** A rejected version, with Envoy's message. */
    public record NackRow(String version, int code, String message, String at) {
    }

    /** One connected Envoy (one ADS stream). */
    public record EnvoyRow(String nodeId, String cluster, String userAgent, String address, String protocol,
            String connectedSince, List<XdsTypeRow> types) {

        public EnvoyRow {
            types = List.copyOf(types);
        }
    }
}
