package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP filters the ambassador Module turns on (Emissary's IRAmbassador.finalize), each null or false when off.
 *
 * @param grpcHttp11Bridge {@code enable_grpc_http11_bridge}
 * @param grpcWeb {@code enable_grpc_web}
 * @param luaScript {@code lua_scripts}
 */
public record IrModuleFilters(Switch grpcHttp11Bridge, Switch grpcWeb, @Nullable GrpcStats grpcStats,
        @Nullable String luaScript, @Nullable Gzip gzip, @Nullable Integer bufferMaxRequestBytes,
        @Nullable IpRules ipRules) {

    public static final IrModuleFilters NONE = new IrModuleFilters(Switch.OFF, Switch.OFF, null, null, null, null,
            null);

    public enum Switch {
        ON, OFF
    }

    /** {@code grpc_stats}: per-method stats for every method, or for the listed services only. */
    public record GrpcStats(boolean allMethods, @Nullable List<Service> services, boolean upstreamStats) {

        public record Service(String name, List<String> methodNames) {

            public Service {
                methodNames = List.copyOf(methodNames);
            }
        }
    }

    /** {@code gzip}: unset fields keep Envoy's defaults. */
    public record Gzip(@Nullable Integer memoryLevel, @Nullable String compressionLevel,
            @Nullable String compressionStrategy, @Nullable Integer windowBits, @Nullable Integer minContentLength,
            List<String> contentTypes, @Nullable Boolean disableOnEtagHeader,
            @Nullable Boolean removeAcceptEncodingHeader) {

        public Gzip {
            contentTypes = List.copyOf(contentTypes);
        }
    }

    /** {@code ip_allow} or {@code ip_deny}: an RBAC policy over the client's address. */
    public record IpRules(Action action, List<Principal> principals) {

        public IpRules {
            principals = List.copyOf(principals);
        }

        public enum Action {
            ALLOW, DENY
        }

        /** An address block: {@code address}/{@code prefixLength}, matched against the peer or the client. */
        public record Principal(PeerKind kind, String address, int prefixLength) {
        }

        public enum PeerKind {
            /** {@code peer}: the downstream connection's address ({@code direct_remote_ip}). */
            PEER,
            /** {@code remote}: the original client's address, from X-Forwarded-For ({@code remote_ip}). */
            REMOTE
        }
    }
}
