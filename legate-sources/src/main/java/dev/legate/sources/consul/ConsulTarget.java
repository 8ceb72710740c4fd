package dev.legate.sources.consul;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * One service watched in one Consul: what a ConsulResolver plus a Mapping's {@code service} name.
 *
 * @param resolver the ConsulResolver's name (Emissary finds resolvers by name, in any namespace)
 * @param resolverNamespace where the ConsulResolver lives (the entries document is put there)
 * @param address the resolver's {@code address}, as written
 * @param datacenter the resolver's {@code datacenter}, empty for the agent's own
 * @param service the Consul service name, as the Mapping writes it
 */
public record ConsulTarget(String resolver, String resolverNamespace, String address, Optional<String> datacenter,
        String service) {

    public ConsulTarget {
        requireNonNull(resolver, "resolver");
        requireNonNull(resolverNamespace, "resolverNamespace");
        requireNonNull(address, "address");
        requireNonNull(datacenter, "datacenter");
        requireNonNull(service, "service");
    }

    /**
     * The HTTP base URI of the resolver's address: {@code host:port} means {@code http://host:port}, as in Consul's
     * own client; an explicit {@code http://} or {@code https://} is kept. An empty address is the local agent,
     * {@code 127.0.0.1:8500}.
     */
    public URI baseUri() {
        String a = address.strip();
        if (a.isEmpty()) {
            a = "127.0.0.1:8500";
        }
        if (!a.startsWith("http://") && !a.startsWith("https://")) {
            a = "http://" + a;
        }
        URI uri = URI.create(a.endsWith("/") ? a.substring(0, a.length() - 1) : a);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + address + "' is not host:port or a URL");
        }
        return uri;
    }
}
