package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One connected Envoy (one ADS stream) as the server sees it: who it is, and for each resource type what it was sent,
 * what it acknowledged and what it last rejected. This is the ACK/NACK view Emissary's diagnostics lack: a NACK names
 * the version Envoy refused and Envoy's own error message, while the version it keeps running stays visible.
 *
 * @param streamId the server's id for the stream (unique per server instance)
 * @param protocol state-of-the-world or delta ADS
 * @param nodeId the Envoy's {@code node.id} (empty until its first request names it)
 * @param cluster the Envoy's {@code node.cluster}
 * @param userAgent {@code node.user_agent_name} and version, e.g. {@code envoy/1.31.0} (empty if not sent)
 * @param address the peer address of the stream, e.g. {@code /127.0.0.1:53122}
 * @param connectedSince when the stream opened
 * @param types one entry per resource type the client has asked for, in {@link XdsType} order
 */
public record ClientStatus(long streamId, Protocol protocol, String nodeId, String cluster, String userAgent,
        String address, Instant connectedSince, List<TypeStatus> types) {

    public ClientStatus {
        requireNonNull(protocol, "protocol");
        requireNonNull(nodeId, "nodeId");
        requireNonNull(cluster, "cluster");
        requireNonNull(userAgent, "userAgent");
        requireNonNull(address, "address");
        requireNonNull(connectedSince, "connectedSince");
        types = List.copyOf(types);
    }

    /** The state of one type, if the client has asked for it. */
    public Optional<TypeStatus> type(XdsType type) {
        return types.stream().filter(t -> t.type() == type).findFirst();
    }

    /** Which flavour of ADS the client speaks. */
    public enum Protocol {
        STATE_OF_THE_WORLD,
        DELTA
    }

    /**
     * One resource type on one stream.
     *
     * @param type the resource type
     * @param wildcard whether the client subscribed to every resource of the type
     * @param resourceNames the names it subscribed to (sorted; empty when {@link #wildcard()})
     * @param sentVersion the version of the last response sent, if any
     * @param lastNonce the nonce of the last response sent, if any
     * @param awaitingAnswer whether that last response has not been ACKed or NACKed yet
     * @param ackedVersion the version the client last acknowledged (or, on reconnecting, said it holds)
     * @param ackedAt when it did
     * @param lastNack the last rejection, kept after later ACKs so the UI can show it
     */
    public record TypeStatus(XdsType type, boolean wildcard, List<String> resourceNames, @Nullable String sentVersion,
            @Nullable String lastNonce, boolean awaitingAnswer, @Nullable String ackedVersion,
            @Nullable Instant ackedAt, @Nullable Nack lastNack) {

        public TypeStatus {
            requireNonNull(type, "type");
            resourceNames = List.copyOf(resourceNames);
        }

        /** The v3 type URL of {@link #type()}. */
        public String typeUrl() {
            return type.typeUrl();
        }
    }

    /**
     * A rejected response: a request carrying {@code error_detail}.
     *
     * @param version the version of the response that was rejected (empty if its nonce was unknown)
     * @param nonce the nonce of the response that was rejected
     * @param code the gRPC status code Envoy put in {@code error_detail}
     * @param message Envoy's error message
     * @param at when the NACK arrived, by the server's clock
     */
    public record Nack(String version, String nonce, int code, String message, Instant at) {

        public Nack {
            requireNonNull(version, "version");
            requireNonNull(nonce, "nonce");
            requireNonNull(message, "message");
            requireNonNull(at, "at");
        }
    }
}
