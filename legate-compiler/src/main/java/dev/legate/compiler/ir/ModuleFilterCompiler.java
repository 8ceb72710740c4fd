package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The ambassador Module's HTTP filter keys ({@code gzip}, {@code buffer}, {@code lua_scripts}, {@code enable_grpc_web},
 * {@code enable_grpc_http11_bridge}, {@code grpc_stats}, {@code ip_allow}, {@code ip_deny}) to
 * {@link IrModuleFilters}. A key that is wrong is reported on the Module, naming the field, and its filter is left
 * out; the rest of the Module still applies (Emissary would drop the whole Module).
 */
final class ModuleFilterCompiler {

    private static final Set<String> COMPRESSION_LEVELS = Set.of("DEFAULT_COMPRESSION", "BEST_SPEED",
            "COMPRESSION_LEVEL_1", "COMPRESSION_LEVEL_2", "COMPRESSION_LEVEL_3", "COMPRESSION_LEVEL_4",
            "COMPRESSION_LEVEL_5", "COMPRESSION_LEVEL_6", "COMPRESSION_LEVEL_7", "COMPRESSION_LEVEL_8",
            "COMPRESSION_LEVEL_9", "BEST_COMPRESSION");
    /** The spellings of Envoy's old gzip filter, which Emissary's documentation still shows. */
    private static final Map<String, String> LEGACY_LEVELS = Map.of("BEST", "BEST_COMPRESSION", "SPEED",
            "BEST_SPEED", "DEFAULT", "DEFAULT_COMPRESSION");
    private static final Set<String> STRATEGIES = Set.of("DEFAULT_STRATEGY", "FILTERED", "HUFFMAN_ONLY", "RLE",
            "FIXED");
    private static final Map<String, String> LEGACY_STRATEGIES = Map.of("DEFAULT", "DEFAULT_STRATEGY", "HUFFMAN",
            "HUFFMAN_ONLY");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private final ModuleSpec.AmbassadorConfig module;
    private final ResourceKey moduleKey;
    private final List<Diagnostic> diagnostics;

    ModuleFilterCompiler(ModuleSpec.AmbassadorConfig module, ResourceKey moduleKey, List<Diagnostic> diagnostics) {
        this.module = module;
        this.moduleKey = moduleKey;
        this.diagnostics = diagnostics;
    }

    IrModuleFilters compile() {
        return new IrModuleFilters(
                Boolean.TRUE.equals(module.enableGrpcHttp11Bridge()) ? IrModuleFilters.Switch.ON
                        : IrModuleFilters.Switch.OFF,
                Boolean.TRUE.equals(module.enableGrpcWeb()) ? IrModuleFilters.Switch.ON : IrModuleFilters.Switch.OFF,
                grpcStats(module.grpcStats()),
                lua(module.luaScripts()),
                gzip(module.gzip()),
                buffer(module.buffer()),
                ipRules());
    }

    private void error(String message) {
        diagnostics.add(Diagnostic.error(moduleKey, message));
    }

    private @Nullable String lua(@Nullable String script) {
        if (script == null) {
            return null;
        }
        if (script.isBlank()) {
            error("spec.config.lua_scripts: empty; the Lua filter is left out");
            return null;
        }
        return script;
    }

    private IrModuleFilters.@Nullable GrpcStats grpcStats(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error("spec.config.grpc_stats: expected an object, got " + kind(node) + "; gRPC stats are left out");
            return null;
        }
        Boolean all = bool(node, "all_methods", "spec.config.grpc_stats");
        Boolean upstream = bool(node, "upstream_stats", "spec.config.grpc_stats");
        List<IrModuleFilters.GrpcStats.Service> services = null;
        JsonNode list = node.get("services");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                error("spec.config.grpc_stats.services: expected a list, got " + kind(list)
                        + "; gRPC stats are left out");
                return null;
            }
            services = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode s = list.get(i);
                String where = "spec.config.grpc_stats.services[" + i + "]";
                if (!s.isObject() || !s.path("name").isTextual() || s.path("name").asText().isEmpty()) {
                    error(where + ".name: required (the gRPC service's full name); gRPC stats are left out");
                    return null;
                }
                List<String> methods = new ArrayList<>();
                JsonNode names = s.get("method_names");
                if (names != null && names.isArray()) {
                    for (JsonNode m : names) {
                        if (!m.isTextual()) {
                            error(where + ".method_names: expected strings, got " + kind(m)
                                    + "; gRPC stats are left out");
                            return null;
                        }
                        methods.add(m.asText());
                    }
                } else if (names != null && !names.isNull()) {
                    error(where + ".method_names: expected a list, got " + kind(names) + "; gRPC stats are left out");
                    return null;
                }
                if (methods.isEmpty()) {
                    // Envoy wants at least one method per listed service.
                    error(where + ".method_names: list at least one method of " + s.get("name").asText()
                            + "; gRPC stats are left out");
                    return null;
                }
                services.add(new IrModuleFilters.GrpcStats.Service(s.get("name").asText(), methods));
            }
        }
        return new IrModuleFilters.GrpcStats(Boolean.TRUE.equals(all), services, Boolean.TRUE.equals(upstream));
    }

    private IrModuleFilters.@Nullable Gzip gzip(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error("spec.config.gzip: expected an object, got " + kind(node) + "; compression is left out");
            return null;
        }
        String where = "spec.config.gzip";
        int errors = countErrors();
        Integer memory = integer(node, "memory_level", where, 1, 9);
        Integer window = integer(node, "window_bits", where, 9, 15);
        Integer minLength = integer(node, "min_content_length", where, 0, Integer.MAX_VALUE);
        String level = enumName(node, "compression_level", where, COMPRESSION_LEVELS, LEGACY_LEVELS);
        String strategy = enumName(node, "compression_strategy", where, STRATEGIES, LEGACY_STRATEGIES);
        Boolean etag = bool(node, "disable_on_etag_header", where);
        Boolean accept = bool(node, "remove_accept_encoding_header", where);
        List<String> types = new ArrayList<>();
        JsonNode contentType = node.get("content_type");
        if (contentType != null && !contentType.isNull()) {
            if (contentType.isTextual()) {
                types.add(contentType.asText());
            } else if (contentType.isArray()) {
                for (JsonNode t : contentType) {
                    if (t.isTextual()) {
                        types.add(t.asText());
                    } else {
                        error(where + ".content_type: expected strings, got " + kind(t));
                    }
                }
            } else {
                error(where + ".content_type: expected a list of strings, got " + kind(contentType));
            }
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!Set.of("memory_level", "window_bits", "min_content_length", "compression_level",
                    "compression_strategy", "disable_on_etag_header", "remove_accept_encoding_header",
                    "content_type").contains(field)) {
                diagnostics.add(Diagnostic.notice(moduleKey, where + "." + field + ": unknown field, ignored"));
            }
        }
        if (countErrors() > errors) {
            error(where + ": compression is left out");
            return null;
        }
        return new IrModuleFilters.Gzip(memory, level, strategy, window, minLength, types, etag, accept);
    }

    private @Nullable Integer buffer(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error("spec.config.buffer: expected an object, got " + kind(node) + "; the buffer filter is left out");
            return null;
        }
        if (!node.has("max_request_bytes")) {
            error("spec.config.buffer.max_request_bytes: required; the buffer filter is left out");
            return null;
        }
        if (node.has("max_request_time")) {
            diagnostics.add(Diagnostic.notice(moduleKey, "spec.config.buffer.max_request_time: no longer supported "
                    + "(as in Emissary), ignored"));
        }
        int errors = countErrors();
        Integer max = integer(node, "max_request_bytes", "spec.config.buffer", 1, Integer.MAX_VALUE);
        if (countErrors() > errors || max == null) {
            error("spec.config.buffer: the buffer filter is left out");
            return null;
        }
        return max;
    }

    private IrModuleFilters.@Nullable IpRules ipRules() {
        IrModuleFilters.IpRules allow = principals(module.ipAllow(), IrModuleFilters.IpRules.Action.ALLOW);
        if (module.ipDeny() != null && module.ipAllow() != null) {
            error("spec.config.ip_deny: ip_allow and ip_deny may not both be set; ip_allow is used");
            return allow;
        }
        return allow != null ? allow : principals(module.ipDeny(), IrModuleFilters.IpRules.Action.DENY);
    }

    private IrModuleFilters.@Nullable IpRules principals(@Nullable JsonNode node,
            IrModuleFilters.IpRules.Action action) {
        if (node == null || node.isNull()) {
            return null;
        }
        String where = "spec.config.ip_" + action.name().toLowerCase(Locale.ROOT);
        if (!node.isArray()) {
            error(where + ": expected a list of {peer: CIDR} or {remote: CIDR}, got " + kind(node)
                    + "; no IP rule is applied");
            return null;
        }
        List<IrModuleFilters.IpRules.Principal> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode p = node.get(i);
            String at = where + "[" + i + "]";
            if (!p.isObject() || p.size() != 1) {
                error(at + ": expected exactly one of peer or remote (principals must be separate list elements)");
                continue;
            }
            Map.Entry<String, JsonNode> entry = p.properties().iterator().next();
            IrModuleFilters.IpRules.PeerKind kind = switch (entry.getKey()) {
                case "peer" -> IrModuleFilters.IpRules.PeerKind.PEER;
                case "remote" -> IrModuleFilters.IpRules.PeerKind.REMOTE;
                default -> null;
            };
            if (kind == null) {
                error(at + "." + entry.getKey() + ": unknown principal type; must be peer or remote");
                continue;
            }
            if (!entry.getValue().isTextual()) {
                error(at + "." + entry.getKey() + ": expected a CIDR string, got " + kind(entry.getValue()));
                continue;
            }
            IrModuleFilters.IpRules.Principal principal = cidr(kind, entry.getValue().asText(),
                    at + "." + entry.getKey());
            if (principal != null) {
                out.add(principal);
            }
        }
        if (out.isEmpty()) {
            error(where + ": no valid principal; no IP rule is applied");
            return null;
        }
        return new IrModuleFilters.IpRules(action, out);
    }

    /** An address or CIDR block, IPv4 or IPv6, as Emissary's CIDRRange accepts; never a hostname. */
    private IrModuleFilters.IpRules.@Nullable Principal cidr(IrModuleFilters.IpRules.PeerKind kind, String spec,
            String where) {
        String text = spec.strip();
        String address = text;
        Integer length = null;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            address = text.substring(0, slash);
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                error(where + ": CIDR range " + spec + " has an invalid length");
                return null;
            }
        }
        int max;
        if (IPV4.matcher(address).matches()) {
            max = 32;
        } else if (address.contains(":") && IPV6_CHARS.matcher(address).matches() && parsesAsIpv6(address)) {
            max = 128;
        } else {
            error(where + ": invalid IP address " + address);
            return null;
        }
        if (length == null) {
            length = max;
        } else if (length < 0 || length > max) {
            error(where + ": invalid prefix length for IPv" + (max == 32 ? 4 : 6) + " address " + text);
            return null;
        }
        return new IrModuleFilters.IpRules.Principal(kind, address, length);
    }

    private static boolean parsesAsIpv6(String address) {
        try {
            // Only an IP literal reaches here (hex digits, ':' and '.'), so no name lookup happens.
            return java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    private @Nullable Boolean bool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            error(where + "." + field + ": expected a boolean, got " + kind(v));
            return null;
        }
        return v.asBoolean();
    }

    private @Nullable Integer integer(JsonNode node, String field, String where, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            error(where + "." + field + ": expected an integer, got " + kind(v));
            return null;
        }
        int i = v.asInt();
        if (i < min || i > max) {
            error(where + "." + field + ": " + i + " is out of range (" + min + " to "
                    + (max == Integer.MAX_VALUE ? "2147483647" : max) + ")");
            return null;
        }
        return i;
    }

    private @Nullable String enumName(JsonNode node, String field, String where, Set<String> names,
            Map<String, String> legacy) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            error(where + "." + field + ": expected a string, got " + kind(v));
            return null;
        }
        String name = v.asText().toUpperCase(Locale.ROOT);
        if (names.contains(name)) {
            return name;
        }
        if (legacy.containsKey(name)) {
            diagnostics.add(Diagnostic.notice(moduleKey, where + "." + field + ": " + v.asText() + " is the old gzip "
                    + "filter's spelling; compiled as " + legacy.get(name)));
            return legacy.get(name);
        }
        error(where + "." + field + ": '" + v.asText() + "' is not one of "
                + String.join(", ", new java.util.TreeSet<>(names)));
        return null;
    }

    private int countErrors() {
        int n = 0;
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                n++;
            }
        }
        return n;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            default -> "nothing";
        };
    }
}
