package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrModuleFilters;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code envoy.filters.http.rbac} from Module {@code ip_allow} / {@code ip_deny}, as Emissary's
 * V3HTTPFilter_ipallowdeny: one policy {@code ambassador-ip-allow} (or {@code -deny}) over any permission, whose
 * principals are the listed CIDR blocks ({@code peer}: the connection's address, {@code remote}: the client's).
 */
final class IpAllowDenyFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.rbac";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        IrModuleFilters.IpRules rules = ir.services().moduleFilters().ipRules();
        if (rules == null) {
            return Optional.empty();
        }
        Principal.Set.Builder set = Principal.Set.newBuilder();
        for (IrModuleFilters.IpRules.Principal p : rules.principals()) {
            CidrRange cidr = CidrRange.newBuilder().setAddressPrefix(p.address())
                    .setPrefixLen(UInt32Value.of(p.prefixLength())).build();
            set.addIds(p.kind() == IrModuleFilters.IpRules.PeerKind.PEER
                    ? Principal.newBuilder().setDirectRemoteIp(cidr).build()
                    : Principal.newBuilder().setRemoteIp(cidr).build());
        }
        Principal principal = set.getIdsCount() == 1 ? set.getIds(0)
                : Principal.newBuilder().setOrIds(set).build();
        String action = rules.action().name().toLowerCase(Locale.ROOT);
        return Optional.of(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
                .setRules(RBAC.newBuilder()
                        .setAction(rules.action() == IrModuleFilters.IpRules.Action.ALLOW ? RBAC.Action.ALLOW
                                : RBAC.Action.DENY)
                        .putPolicies("ambassador-ip-" + action, Policy.newBuilder()
                                .addPermissions(Permission.newBuilder().setAny(true))
                                .addPrincipals(principal)
                                .build()))
                .build());
    }
}
