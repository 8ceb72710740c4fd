package dev.legate.diag;

import dev.legate.diag.Rows.ClusterRow;
import dev.legate.diag.Rows.EnvoyRow;
import dev.legate.diag.Rows.FilterChainRow;
import dev.legate.diag.Rows.HostRow;
import dev.legate.diag.Rows.ListenerRow;
import dev.legate.diag.Rows.Problem;
import dev.legate.diag.Rows.RouteRow;
import dev.legate.diag.Rows.SourceRow;
import dev.legate.diag.Rows.Target;
import dev.legate.diag.Rows.TlsContextRow;
import dev.legate.diag.Rows.VirtualHostRow;
import dev.legate.diag.Rows.XdsTypeRow;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The diagnostics pages as server-rendered HTML (a little inline CSS, and a little JS for filtering as you type). */
final class HtmlPages {

    private static final String STYLE = """
            <style>
            body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f8fa}
            header{background:#1d2733;color:#fff;padding:10px 20px}header h1{font-size:20px;margin:0}
            header a{color:#9cd0ff}main{padding:10px 20px}
            section{background:#fff;border:1px solid #d8dee4;border-radius:6px;margin:12px 0;padding:8px 14px}
            h2{font-size:16px;margin:6px 0}table{border-collapse:collapse;width:100%}
            th,td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid #eaeef2}
            th{background:#f0f3f6;font-weight:600}td.num{text-align:right}code,pre{font:12px ui-monospace,monospace}
            pre{background:#f6f8fa;padding:8px;overflow:auto}
            .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
            .ERROR,.NACKED,.FAILED,.REJECTED{background:#ffd7d5;color:#82071e}.WARNING,.WAITING{background:#fff1c2;color:#6d4c00}
            .NOTICE,.SUBSCRIBED,.UNCHANGED{background:#ddf4ff;color:#0a3069}.OK,.ACKED,.PUBLISHED,.ready{background:#dafbe1;color:#116329}
            .notready{background:#ffd7d5;color:#82071e}.banner{background:#ffebe9;border-color:#ff8182}
            .muted{color:#57606a}.pager{margin:6px 0}.pager a,.pager span{margin-right:10px}
            form.search input[type=search]{width:28em;padding:3px}dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0}
            dl.kv dt{font-weight:600}dl.kv dd{margin:0}ul.plain{margin:0;padding-left:16px}
            </style>
            """;

    /** Hides the rows of a table that do not contain what is typed in its filter box (the current page only). */
    private static final String SCRIPT = """
            <script>
            document.querySelectorAll('input[data-filter]').forEach(function(box){
              box.addEventListener('input',function(){
                var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);
                document.querySelectorAll('#'+box.dataset.filter+' tbody tr').forEach(function(tr){
                  var t=tr.textContent.toLowerCase();
                  tr.hidden=!words.every(function(w){return t.indexOf(w)>=0;});
                });
              });
            });
            </script>
            """;

    private HtmlPages() {
    }

    static String overview(Overview o, Map<String, String> params, String notice) {
        Html h = new Html(64 * 1024);
        head(h, "Legate diagnostics");
        Overview.SystemInfo s = o.system();
        h.raw("<main>");
        if (!notice.isEmpty()) {
            h.raw("<section class=\"banner\" id=\"notice\">").text(notice).raw("</section>");
        }
        if (o.lastFailure() != null) {
            Reconfiguration f = o.lastFailure();
            h.raw("<section class=\"banner\" id=\"last-failure\"><h2>Reconfiguration ").text(f.number())
                    .raw(" failed</h2><p>").text(f.reason() == null ? "" : f.reason()).raw("</p><p class=\"muted\">")
                    .text(s.configVersion() == null ? "No configuration has been served yet."
                            : "Still serving the last good configuration, version " + s.configVersion() + ".")
                    .raw("</p></section>");
        }
        h.raw("<section id=\"system\"><h2>Gateway</h2><dl class=\"kv\">");
        kv(h, "State", () -> h.raw("<span class=\"badge ").raw(s.state().equals("ready") ? "ready" : "notready")
                .raw("\">").text(s.state()).raw("</span>"));
        kv(h, "Configuration", () -> h.text(s.configVersion() == null ? "none yet"
                : s.configVersion() + " (reconfiguration " + s.reconfiguration() + ", served since "
                        + s.configuredAt() + ")"));
        kv(h, "ambassador_id", () -> h.text(s.ambassadorId()));
        kv(h, "Envoy", () -> h.text(s.envoy().equals("supervised") ? "run by Legate" : "external (not run by Legate)"));
        kv(h, "Log level", () -> h.text("Legate: " + s.logLevel() + "; Envoy: " + s.envoyLogLevel())
                .raw(" &middot; set both: ")
                .link(DiagHttp.DIAG + "?loglevel=debug", "debug").raw(" ")
                .link(DiagHttp.DIAG + "?loglevel=info", "info").raw(" ")
                .link(DiagHttp.DIAG + "?loglevel=warning", "warning"));
        kv(h, "Diagnostics", () -> h.text((s.diagnosticsEnabled() ? "routed through Envoy at /ambassador/v0/"
                : "not routed through Envoy (Module diagnostics.enabled: false)")
                + (s.allowNonLocal() ? "; reachable from other hosts (allow_non_local)" : "; local requests only")));
        kv(h, "Legate", () -> h.text(s.legateVersion() + ", page made " + s.now()).raw(" &middot; ")
                .link(DiagHttp.DIAG + "?json=true", "JSON").raw(" &middot; ").link("/metrics", "metrics"));
        h.raw("</dl></section>");

        h.raw("<section id=\"summary\"><h2>Summary</h2><dl class=\"kv\">");
        kv(h, "Diagnostics", () -> o.diagnosticsBySeverity().forEach((sev, n) -> h.raw("<span class=\"badge ")
                .raw(sev.toUpperCase(java.util.Locale.ROOT)).raw("\">").text(n + " " + sev + (n == 1 ? "" : "s"))
                .raw("</span> ")));
        kv(h, "Resources", () -> new java.util.TreeMap<>(o.resourcesByKind()).forEach((kind, n) ->
                h.text(kind + ": " + n).raw(" &nbsp; ")));
        h.raw("</dl></section>");

        h.raw("<section id=\"sources\"><h2>Sources</h2>");
        search(h, "sources-table", "sq", o.sources().query(), "kind, name, namespace, file or message", params);
        pager(h, o.sources(), params, "spage", "sources");
        sourcesTable(h, "sources-table", o.sources().items());
        h.raw("</section>");

        h.raw("<section id=\"routes\"><h2>Routes</h2>");
        search(h, "routes-table", "q", o.routes().query(), "host, path, header, method, cluster or source", params);
        pager(h, o.routes(), params, "page", "routes");
        routesTable(h, "routes-table", o.routes().items());
        h.raw("</section>");

        h.raw("<section id=\"clusters\"><h2>Clusters</h2>");
        search(h, "clusters-table", "cq", o.clusters().query(), "cluster, endpoint or source", params);
        pager(h, o.clusters(), params, "cpage", "clusters");
        clustersTable(h, "clusters-table", o.clusters().items());
        h.raw("</section>");

        h.raw("<section id=\"listeners\"><h2>Listeners</h2>");
        listenersTable(h, o.listeners());
        h.raw("</section><section id=\"hosts\"><h2>Hosts</h2>");
        hostsTable(h, o.hosts());
        h.raw("</section><section id=\"tls\"><h2>TLS contexts</h2>");
        tlsTable(h, o.tlsContexts());
        h.raw("</section><section id=\"envoys\"><h2>Connected Envoys</h2>");
        envoysTable(h, o.envoys());
        h.raw("</section><section id=\"reconfigurations\"><h2>Reconfigurations</h2>");
        reconfigurationsTable(h, o.reconfigurations());
        h.raw("</section></main>").raw(SCRIPT).raw("</body></html>\n");
        return h.toString();
    }

    static String resource(ResourceDetail d) {
        Html h = new Html(16 * 1024);
        SourceRow s = d.source();
        head(h, s.key() + " - Legate diagnostics");
        h.raw("<main><section id=\"resource\"><h2>").text(s.key()).raw(" <span class=\"badge ").raw(s.state().name())
                .raw("\">").text(s.state().name().toLowerCase(java.util.Locale.ROOT)).raw("</span> <span class=\"badge ")
                .raw(s.admission().name()).raw("\">").text(s.admission().name().toLowerCase(java.util.Locale.ROOT))
                .raw("</span></h2><dl class=\"kv\">");
        kv(h, "Kind", () -> h.text(s.kind()));
        kv(h, "Name", () -> h.text(s.name()));
        kv(h, "Namespace", () -> h.text(s.namespace()));
        kv(h, "Read from", () -> h.text(s.location().isEmpty() ? "(unknown)" : s.location()));
        h.raw("</dl></section><section id=\"problems\"><h2>Problems</h2>");
        if (s.problems().isEmpty()) {
            h.raw("<p class=\"muted\">None.</p>");
        } else {
            h.raw("<ul class=\"plain\">");
            for (Problem p : s.problems()) {
                h.raw("<li><span class=\"badge ").raw(p.severity().toUpperCase(java.util.Locale.ROOT)).raw("\">")
                        .text(p.severity()).raw("</span> ").text(p.message()).raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("</section>");
        if (!d.yaml().isEmpty()) {
            h.raw("<section id=\"input\"><h2>As accepted (v3alpha1)</h2><pre>").text(d.yaml()).raw("</pre></section>");
        }
        h.raw("<section id=\"routes\"><h2>Routes it made (").text(d.routeCount()).raw(")</h2>");
        if (d.routeCount() > d.routes().size()) {
            h.raw("<p class=\"muted\">The first ").text(d.routes().size()).raw("; search the ")
                    .link(Html.overviewHref(Map.of(), "q", s.key()), "route table").raw(" for all.</p>");
        }
        routesTable(h, "routes-table", d.routes());
        h.raw("</section>");
        if (!d.clusters().isEmpty()) {
            h.raw("<section id=\"clusters\"><h2>Clusters</h2>");
            clustersTable(h, "clusters-table", d.clusters());
            h.raw("</section>");
        }
        if (!d.listeners().isEmpty()) {
            h.raw("<section id=\"listeners\"><h2>Listener</h2>");
            listenersTable(h, d.listeners());
            h.raw("</section>");
        }
        if (!d.hosts().isEmpty()) {
            h.raw("<section id=\"hosts\"><h2>Hosts</h2>");
            hostsTable(h, d.hosts());
            h.raw("</section>");
        }
        if (!d.tlsContexts().isEmpty()) {
            h.raw("<section id=\"tls\"><h2>TLS contexts</h2>");
            tlsTable(h, d.tlsContexts());
            h.raw("</section>");
        }
        h.raw("</main></body></html>\n");
        return h.toString();
    }

    private static void head(Html h, String title) {
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").text(title)
                .raw("</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">").raw(STYLE)
                .raw("</head><body><header><h1><a href=\"").raw(DiagHttp.DIAG).raw("\">Legate diagnostics</a></h1>")
                .raw("</header>");
    }

    private static void kv(Html h, String key, Runnable value) {
        h.el("dt", key).raw("<dd>");
        value.run();
        h.raw("</dd>");
    }

    private static void search(Html h, String table, String param, String query, String hint,
            Map<String, String> params) {
        h.raw("<form class=\"search\" method=\"get\" action=\"").raw(DiagHttp.DIAG).raw("\">");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
            if (!e.getKey().equals(param) && !e.getKey().endsWith("page") && !e.getKey().equals("loglevel")) {
                h.raw("<input type=\"hidden\" name=\"").text(e.getKey()).raw("\" value=\"").text(e.getValue())
                        .raw("\">");
            }
        }
        h.raw("<input type=\"search\" name=\"").raw(param).raw("\" value=\"").text(query).raw("\" placeholder=\"")
                .text("Search every page: " + hint).raw("\" data-filter=\"").raw(table).raw("\"> <button>Search</button>")
                .raw("</form>");
    }

    private static void pager(Html h, Page<?> page, Map<String, String> params, String param, String what) {
        h.raw("<div class=\"pager\"><span>").text(page.total() + " " + what + (page.query().isEmpty() ? ""
                : " matching '" + page.query() + "'") + "; page " + page.page() + " of " + page.pages()).raw("</span>");
        if (page.page() > 1) {
            h.link(Html.overviewHref(params, param, "1"), "first").link(Html.overviewHref(params, param,
                    String.valueOf(page.page() - 1)), "previous");
        }
        if (page.page() < page.pages()) {
            h.link(Html.overviewHref(params, param, String.valueOf(page.page() + 1)), "next")
                    .link(Html.overviewHref(params, param, String.valueOf(page.pages())), "last");
        }
        h.raw("</div>");
    }

    private static void sources(Html h, List<String> sources) {
        boolean first = true;
        for (String s : sources) {
            if (!first) {
                h.raw("<br>");
            }
            first = false;
            h.link(Html.sourceHref(s), s);
        }
    }

    private static void sourcesTable(Html h, String id, List<SourceRow> rows) {
        h.raw("<table id=\"").raw(id).raw("\"><thead><tr><th>State</th><th>Resource</th><th>Read from</th>"
                + "<th>Problems</th></tr></thead><tbody>");
        for (SourceRow s : rows) {
            h.raw("<tr data-source=\"").text(s.key()).raw("\"><td><span class=\"badge ").raw(s.state().name())
                    .raw("\">").text(s.state().name().toLowerCase(java.util.Locale.ROOT)).raw("</span>");
            if (s.admission() == Rows.Admission.REJECTED) {
                h.raw(" <span class=\"badge REJECTED\">rejected</span>");
            }
            h.raw("</td><td>").link(Html.sourceHref(s.key()), s.key()).raw("</td><td><code>").text(s.location())
                    .raw("</code></td><td>");
            for (Problem p : s.problems()) {
                h.raw("<div>").text(p.severity() + ": " + p.message()).raw("</div>");
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    static void routesTable(Html h, String id, List<RouteRow> rows) {
        h.raw("<table id=\"").raw(id).raw("\"><thead><tr><th>Listener</th><th>Host</th><th>Match</th>"
                + "<th>Goes to</th><th>Made by</th></tr></thead><tbody>");
        for (RouteRow r : rows) {
            h.raw("<tr><td>").text(r.listener() + ":" + r.port()).raw("<div class=\"muted\">").text(r.filterChain())
                    .raw("</div></td><td>").text(r.domain()).raw("</td><td><code>");
            if (r.method() != null) {
                h.text(r.method()).raw(" ");
            }
            h.text(r.pathMatch().equals("prefix") ? r.path() + "*" : r.pathMatch().equals("regex")
                    ? "~ " + r.path() : r.path()).raw("</code>");
            for (String c : r.headers()) {
                h.raw("<div><code>").text("header " + c).raw("</code></div>");
            }
            for (String c : r.queryParameters()) {
                h.raw("<div><code>").text("query " + c).raw("</code></div>");
            }
            if (!r.xfp().equals("any")) {
                h.raw("<div class=\"muted\">").text(r.xfp() + " only").raw("</div>");
            }
            h.raw("</td><td>");
            if (r.redirect() != null) {
                h.text("redirect " + r.redirect());
            }
            for (Target t : r.targets()) {
                h.raw("<div><code>").text(t.cluster()).raw("</code>");
                if (t.weight() != 100) {
                    h.text(" " + t.weight() + "%");
                }
                h.raw("</div>");
            }
            h.raw("</td><td>");
            sources(h, r.sources());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void clustersTable(Html h, String id, List<ClusterRow> rows) {
        h.raw("<table id=\"").raw(id).raw("\"><thead><tr><th>Cluster</th><th>Endpoint</th><th>Discovery</th>"
                + "<th>Load balancer</th><th>TLS</th><th>Connect timeout</th><th>Made by</th></tr></thead><tbody>");
        for (ClusterRow c : rows) {
            h.raw("<tr><td><code>").text(c.name()).raw("</code></td><td><code>").text(c.endpoint())
                    .raw("</code></td><td>").text(c.discovery()).raw("</td><td>").text(c.loadBalancer())
                    .raw("</td><td>").text(c.tls()).raw("</td><td class=\"num\">").text(c.connectTimeoutMs() + " ms")
                    .raw("</td><td>");
            sources(h, c.sources());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void listenersTable(Html h, List<ListenerRow> rows) {
        h.raw("<table><thead><tr><th>Listener</th><th>Protocols</th><th>Security model</th><th>Filter chains "
                + "(TLS context, SNI) and virtual hosts (routes)</th></tr></thead><tbody>");
        for (ListenerRow l : rows) {
            h.raw("<tr><td>").text(l.name()).raw("<div class=\"muted\">").text(l.address() + ":" + l.port())
                    .raw("</div>");
            sources(h, l.sources());
            h.raw("</td><td>").text(String.join(", ", l.protocolStack())).raw("</td><td>").text(l.securityModel())
                    .raw("</td><td>");
            for (FilterChainRow c : l.filterChains()) {
                h.raw("<div><code>").text(c.name()).raw("</code>");
                if (c.tlsContext() != null) {
                    h.text(" TLS " + c.tlsContext());
                }
                if (!c.serverNames().isEmpty()) {
                    h.text(" SNI " + String.join(", ", c.serverNames()));
                }
                h.raw("<ul class=\"plain\">");
                for (VirtualHostRow v : c.virtualHosts()) {
                    h.raw("<li>").text(v.domain() + " (" + v.routes() + " routes)").raw("</li>");
                }
                h.raw("</ul></div>");
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void hostsTable(Html h, List<HostRow> rows) {
        h.raw("<table><thead><tr><th>Host</th><th>Hostname</th><th>TLS context</th><th>TLS Secret</th>"
                + "<th>Insecure requests</th></tr></thead><tbody>");
        for (HostRow r : rows) {
            h.raw("<tr><td>");
            sources(h, r.sources());
            h.raw("</td><td>").text(r.hostname()).raw("</td><td>").text(r.tlsContext() == null ? "" : r.tlsContext())
                    .raw("</td><td>").text(r.tlsSecret() == null ? "" : r.tlsSecret()).raw("</td><td>")
                    .text(r.insecureAction()).raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void tlsTable(Html h, List<TlsContextRow> rows) {
        h.raw("<table><thead><tr><th>TLS context</th><th>Hosts</th><th>Secret</th><th>Versions</th><th>ALPN</th>"
                + "<th>Made by</th></tr></thead><tbody>");
        for (TlsContextRow t : rows) {
            h.raw("<tr><td>").text(t.name() + "." + t.namespace()).raw("</td><td>").text(String.join(", ", t.hosts()))
                    .raw("</td><td>").text(t.secret() + (t.caSecret() == null ? "" : " (CA " + t.caSecret() + ")"))
                    .raw("</td><td>").text((t.minTlsVersion() == null ? "" : t.minTlsVersion()) + " - "
                            + (t.maxTlsVersion() == null ? "" : t.maxTlsVersion())).raw("</td><td>")
                    .text(String.join(", ", t.alpnProtocols())).raw("</td><td>");
            sources(h, t.sources());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void envoysTable(Html h, List<EnvoyRow> rows) {
        if (rows.isEmpty()) {
            h.raw("<p class=\"muted\">No Envoy is connected.</p>");
            return;
        }
        h.raw("<table><thead><tr><th>Envoy</th><th>Type</th><th>State</th><th>Sent</th><th>Acknowledged</th>"
                + "<th>Last rejection</th></tr></thead><tbody>");
        for (EnvoyRow e : rows) {
            boolean first = true;
            for (XdsTypeRow t : e.types()) {
                h.raw("<tr><td>");
                if (first) {
                    h.text(e.nodeId().isEmpty() ? "(no node id)" : e.nodeId()).raw("<div class=\"muted\">")
                            .text(e.address() + " " + e.userAgent() + " " + e.protocol().toLowerCase(
                                    java.util.Locale.ROOT) + ", since " + e.connectedSince()).raw("</div>");
                }
                first = false;
                h.raw("</td><td>").text(t.type()).raw("</td><td><span class=\"badge ").raw(t.state()).raw("\">")
                        .text(t.state().toLowerCase(java.util.Locale.ROOT)).raw("</span></td><td><code>")
                        .text(t.sentVersion() == null ? "" : t.sentVersion()).raw("</code></td><td><code>")
                        .text(t.ackedVersion() == null ? "" : t.ackedVersion()).raw("</code></td><td>");
                if (t.lastNack() != null) {
                    h.raw("<code>").text(t.lastNack().version()).raw("</code> ").text(t.lastNack().message())
                            .raw("<div class=\"muted\">").text(t.lastNack().at()).raw("</div>");
                }
                h.raw("</td></tr>");
            }
        }
        h.raw("</tbody></table>");
    }

    private static void reconfigurationsTable(Html h, List<Reconfiguration> rows) {
        h.raw("<table><thead><tr><th>#</th><th>Ended</th><th>Outcome</th><th>Version</th><th>Read</th>"
                + "<th>Compile</th><th>Publish</th><th>Total</th><th>Resources</th><th>Errors</th></tr></thead><tbody>");
        for (Reconfiguration r : rows) {
            h.raw("<tr><td class=\"num\">").text(r.number()).raw("</td><td>").text(r.at()).raw("</td><td><span "
                    + "class=\"badge ").raw(r.outcome().name()).raw("\">").text(r.outcome().name().toLowerCase(
                    java.util.Locale.ROOT)).raw("</span>");
            if (r.reason() != null) {
                h.raw("<div>").text(r.reason()).raw("</div>");
            }
            h.raw("</td><td><code>").text(r.version() == null ? "" : r.version()).raw("</code></td>");
            Consumer<Long> ms = v -> h.raw("<td class=\"num\">").text(v + " ms").raw("</td>");
            ms.accept(r.timings().readMs());
            ms.accept(r.timings().compileMs());
            ms.accept(r.timings().publishMs());
            ms.accept(r.timings().totalMs());
            h.raw("<td class=\"num\">").text(r.resources()).raw("</td><td class=\"num\">").text(r.errors())
                    .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }
}
