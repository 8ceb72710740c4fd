package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.ListenerSpec;
import dev.legate.model.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Puts TCPMapping groups on listeners as Emissary's v3listener.py and ListenerFactory do: a group goes to the
 * listener bound to its address and port (an HTTP Listener too: TCP chains come first, and take precedence over a
 * Host's chain for the same SNI); TCP and TLS Listener resources carry only such chains; a group that no Listener
 * takes gets a listener of its own, {@code listener-<address>-<port>} (TLS when it has a {@code host}, else TCP).
 */
final class TcpBinder {

    private final List<IrHost> hosts;
    private final List<IrTlsContext> contexts;
    private final List<Diagnostic> diagnostics;

    TcpBinder(List<IrHost> hosts, List<IrTlsContext> contexts, List<Diagnostic> diagnostics) {
        this.hosts = hosts.stream().sorted(Comparator.comparing(IrHost::hostname)).toList();
        this.contexts = contexts;
        this.diagnostics = diagnostics;
    }

    /** A listener being assembled: the HTTP one ListenerBinder made (if any) and its TCP chains by chain key. */
    private static final class Slot {
        @Nullable IrListener http;
        @Nullable Resource<ListenerSpec> tcpResource;
        @Nullable List<String> stack;
        final Map<String, IrListener.IrTcpChain> chains = new LinkedHashMap<>();
        final Map<String, String> owners = new LinkedHashMap<>();
    }

    List<IrListener> bind(List<Resource<ListenerSpec>> resources, List<IrListener> httpListeners,
            List<TcpMappingCompiler.IrTcpGroup> groups) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        Map<String, IrListener> httpByName = new LinkedHashMap<>();
        httpListeners.forEach(l -> httpByName.put(l.name(), l));
        for (Resource<ListenerSpec> r : resources) {
            ListenerSpec spec = r.spec();
            List<String> stack = spec.protocolStack() != null && !spec.protocolStack().isEmpty()
                    ? spec.protocolStack() : ListenerBinder.PROTOCOL_STACKS.get(spec.protocol());
            if (stack == null || !stack.get(stack.size() - 1).equals("TCP")) {
                continue;
            }
            String key = "tcp-" + ListenerBinder.BIND_ADDRESS + "-" + spec.port();
            if (slots.containsKey(key)) {
                continue; // a duplicate, already reported by ListenerBinder
            }
            Slot slot = new Slot();
            slot.http = httpByName.get(r.name());
            if (slot.http == null && !stack.contains("HTTP")) {
                slot.tcpResource = r;
                slot.stack = stack;
            }
            if (slot.http != null || slot.tcpResource != null) {
                slots.put(key, slot);
            }
        }
        for (TcpMappingCompiler.IrTcpGroup group : groups) {
            if (group.host() != null && contextFor(group.host()) == null) {
                diagnostics.add(Diagnostic.error(group.provenance().primary(), "spec.host: no Host or TLSContext has "
                        + "a certificate for " + group.host() + ", so TLS cannot be terminated for it; not routed"));
                continue;
            }
            Slot slot = slots.get(group.bindKey());
            if (slot == null) {
                slot = new Slot();
                slot.stack = group.host() != null ? List.of("TLS", "TCP") : List.of("TCP");
                slots.put(group.bindKey(), slot);
                diagnostics.add(Diagnostic.notice(group.provenance().primary(), "no Listener on " + group.bindAddress()
                        + ":" + group.port() + "; a " + (group.host() != null ? "TLS" : "TCP") + " listener "
                        + "listener-" + group.bindAddress() + "-" + group.port() + " is made for it (as Emissary "
                        + "does)"));
            }
            addGroup(slot, group);
        }

        List<IrListener> out = new ArrayList<>();
        for (IrListener http : httpListeners) {
            Slot slot = slots.values().stream().filter(s -> s.http == http).findFirst().orElse(null);
            out.add(slot == null ? http : merge(http, slot));
        }
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            Slot slot = e.getValue();
            if (slot.http != null) {
                continue;
            }
            String[] parts = e.getKey().split("-", 3);
            String address = parts[1];
            int port = Integer.parseInt(parts[2]);
            if (slot.chains.isEmpty()) {
                diagnostics.add(Diagnostic.warning(slot.tcpResource == null ? "Module/ambassador"
                        : slot.tcpResource.key().toString(), "no TCPMapping uses this " + String.join("/",
                        slot.stack) + " Listener on port " + port + "; it is not used"));
                continue;
            }
            List<String> stack = new ArrayList<>(slot.stack);
            boolean anyTls = slot.chains.values().stream().anyMatch(c -> c.tls() != null);
            if (anyTls && !stack.contains("TLS")) {
                stack.add(0, "TLS"); // SNI matching needs the TLS inspector
            }
            String name;
            String securityModel;
            String statsPrefix;
            Provenance provenance;
            if (slot.tcpResource != null) {
                ListenerSpec spec = slot.tcpResource.spec();
                name = slot.tcpResource.name();
                securityModel = spec.securityModel() == null ? "XFP" : spec.securityModel();
                statsPrefix = spec.statsPrefix() != null && !spec.statsPrefix().isEmpty() ? spec.statsPrefix()
                        : stack.contains("TLS") ? "ingress_https" : "ingress_http";
                provenance = Provenance.of(slot.tcpResource.key());
            } else {
                name = "listener-" + address + "-" + port;
                securityModel = "SECURE";
                statsPrefix = stack.contains("TLS") ? "ingress_https" : "ingress_http";
                provenance = slot.chains.values().iterator().next().provenance();
            }
            out.add(new IrListener(name, address, port, stack, securityModel, statsPrefix, 0, null, List.of(),
                    provenance, List.copyOf(slot.chains.values())));
        }
        return out;
    }

    private void addGroup(Slot slot, TcpMappingCompiler.IrTcpGroup group) {
        String source = group.provenance().primary();
        String chainKey;
        IrTlsContext tls = null;
        if (group.host() == null) {
            chainKey = "cleartext";
        } else {
            tls = contextFor(group.host());
            if (tls == null) {
                diagnostics.add(Diagnostic.error(source, "spec.host: no Host or TLSContext has a certificate for "
                        + group.host() + ", so TLS cannot be terminated for it; not routed"));
                return;
            }
            chainKey = "tls-" + group.host();
        }
        String owner = slot.owners.get(chainKey);
        if (owner != null) {
            diagnostics.add(Diagnostic.error(source, "TCPMapping " + source + ": discarding because it conflicts "
                    + "with TCPMapping " + owner));
            return;
        }
        slot.owners.put(chainKey, source);
        List<String> serverNames = group.host() == null || group.host().equals("*") ? List.of()
                : List.of(group.host());
        slot.chains.put(chainKey, new IrListener.IrTcpChain("tcphost-" + group.name(), tls, serverNames,
                group.routes(), group.idleTimeoutMs(), group.provenance()));
    }

    /** Emissary's tlscontext_for_tcpmapping: a Host's context first (hostname order), then a TLSContext's hosts. */
    private @Nullable IrTlsContext contextFor(String host) {
        for (IrHost h : hosts) {
            if (h.tls() != null && HostGlobs.overlap(h.hostname(), host)) {
                return h.tls();
            }
        }
        for (IrTlsContext c : contexts) {
            if (c.hosts().contains(host)) {
                return c;
            }
        }
        return null;
    }

    /** An HTTP listener with TCP chains: TCPMappings win over Hosts for the same SNI and for cleartext. */
    private IrListener merge(IrListener http, Slot slot) {
        List<IrListener.IrFilterChain> kept = new ArrayList<>();
        for (IrListener.IrFilterChain chain : http.filterChains()) {
            if (chain.tls() == null) {
                String owner = slot.owners.get("cleartext");
                if (owner != null) {
                    diagnostics.add(Diagnostic.error(http.provenance().primary(), "TCPMapping " + owner + " takes "
                            + "every cleartext connection on port " + http.port() + "; this Listener's cleartext "
                            + "HTTP chain is left out"));
                    continue;
                }
            } else {
                List<String> names = chain.serverNames().isEmpty() ? List.of("*") : chain.serverNames();
                String owner = names.stream().map(n -> slot.owners.get("tls-" + n)).filter(o -> o != null)
                        .findFirst().orElse(null);
                if (owner != null) {
                    diagnostics.add(Diagnostic.error(http.provenance().primary(), "TLS chain " + chain.name()
                            + ": discarding because it conflicts with TCPMapping " + owner));
                    continue;
                }
            }
            kept.add(chain);
        }
        return http.withChains(kept, List.copyOf(slot.chains.values()));
    }
}
