package dev.legate.sources.kubernetes;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 and an ephemeral port, made closer to a real API server in
 * the two ways the Kubernetes source depends on:
 *
 * <ul>
 *   <li>custom resources are served only once their CRD exists (404 before, as a real API server answers; the mock
 *       alone serves any path);</li>
 *   <li>{@link #restart()} closes the listening socket and every open watch and comes back on the same port with
 *       the same objects (the dispatcher is the "etcd" that survives) but without its watch history: the first watch
 *       of each resource after the restart is answered 410 Gone, as a real API server answers a resourceVersion it
 *       no longer has, so clients must relist. (The mock alone would accept the old resourceVersion and silently
 *       skip the changes made in between, which no real API server does.)</li>
 *   <li>the faults a live API server shows its watches: {@link #dropWatches()} ends every open watch (as when a
 *       watch times out or a load balancer cuts it), {@link #holdWatchEvents()} stops delivering events (a watch
 *       that fell behind), and {@link #expireWatches()} sends each open watch the 410 Gone ERROR event a real API
 *       server sends when the resourceVersion it watches from has been compacted away.</li>
 * </ul>
 */
public final class MockApiServer implements AutoCloseable {

    private static final Pattern CUSTOM = Pattern.compile("^/apis/([^/]+\\.[^/]+)/([^/]+)/(?:namespaces/[^/]+/)?"
            + "([^/?]+)");
    private static final Set<String> BUILT_IN_GROUPS = Set.of("apiextensions.k8s.io", "networking.k8s.io",
            "discovery.k8s.io", "coordination.k8s.io", "apps", "rbac.authorization.k8s.io");

    /** The watch event of a 410 Gone: the resourceVersion watched from is no longer available. */
    private static final String EXPIRED = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
            + "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\","
            + "\"reason\":\"Expired\",\"code\":410}}";

    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    /** Installed CRDs, by name (plural.group). */
    private final Set<String> crds = ConcurrentHashMap.newKeySet();
    private final Set<String> goneOnce = ConcurrentHashMap.newKeySet();
    private volatile boolean forgetHistory;
    /** Every watch open now. */
    private final Set<TrackedWatch> openWatches = ConcurrentHashMap.newKeySet();
    private volatile boolean holdEvents;
    private final KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses) {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (path.startsWith(CRDS)) {
                trackCrds(request);
            }
            Matcher m = CUSTOM.matcher(path);
            if (m.find() && !BUILT_IN_GROUPS.contains(m.group(1))
                    && !crds.contains(m.group(3) + "." + m.group(1))) {
                return status(404, "NotFound", "the server could not find the requested resource");
            }
            if (forgetHistory && path.contains("watch=true") && path.contains("resourceVersion=")
                    && goneOnce.add(path.substring(0, path.indexOf('?')))) {
                return expiredWatch();
            }
            if (path.contains("watch=true") && path.contains("fieldSelector=")) {
                return tracked(super.dispatch(withoutNegatedFields(request)));
            }
            return tracked(super.dispatch(request));
        }
    };

    /**
     * The mock's watches deliver no events at all when the field selector has a {@code !=} requirement (its lists
     * handle them). Such requirements are dropped from watch requests only, which is safe here because the Kubernetes
     * source checks {@code metadata.namespace} and {@code metadata.name} requirements itself too. The request log
     * still shows what the client asked for.
     */
    private static RecordedRequest withoutNegatedFields(RecordedRequest request) {
        String path = request.getPath();
        Matcher m = Pattern.compile("fieldSelector=([^&]*)").matcher(path);
        if (!m.find()) {
            return request;
        }
        String selector = java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
        String kept = String.join(",", java.util.Arrays.stream(selector.split(","))
                .filter(r -> !r.contains("!=")).toList());
        String replaced = kept.isEmpty() ? path.replace("fieldSelector=" + m.group(1) + "&", "")
                .replace("&fieldSelector=" + m.group(1), "")
                : path.replace(m.group(1), java.net.URLEncoder.encode(kept, java.nio.charset.StandardCharsets.UTF_8));
        return new RecordedRequest(request.getHttpVersion(), request.method(), replaced, request.getHeaders(),
                request.getBody());
    }
    private KubernetesMockServer server;
    private final int port;

    /** A watch's response, with its socket recorded so that the test can end it or hold its events. */
    private MockResponse tracked(MockResponse response) {
        WebSocketListener watch = response.getWebSocketListener();
        return watch == null ? response : new MockResponse().withWebSocketUpgrade(new TrackedWatch(watch));
    }

    /** Passes everything to the mock's own watch listener, through a socket that can hold back its events. */
    private final class TrackedWatch extends WebSocketListener {

        private final WebSocketListener watch;
        private volatile @org.jspecify.annotations.Nullable WebSocket socket;

        TrackedWatch(WebSocketListener watch) {
            this.watch = watch;
        }

        private WebSocket holding(WebSocket ws) {
            return new WebSocket() {
                @Override
                public RecordedRequest request() {
                    return ws.request();
                }

                @Override
                public boolean send(String text) {
                    return holdEvents || ws.send(text);
                }

                @Override
                public boolean send(byte[] bytes) {
                    return holdEvents || ws.send(bytes);
                }

                @Override
                public boolean close(int code, String reason) {
                    return ws.close(code, reason);
                }
            };
        }

        @Override
        public void onBeforeAccept(WebSocket ws, Response response) {
            watch.onBeforeAccept(holding(ws), response);
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            socket = ws;
            openWatches.add(this);
            watch.onOpen(holding(ws), response);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            watch.onMessage(holding(ws), text);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            openWatches.remove(this);
            watch.onClosing(holding(ws), code, reason);
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            openWatches.remove(this);
            watch.onClosed(holding(ws), code, reason);
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            openWatches.remove(this);
            watch.onFailure(holding(ws), t, response);
        }
    }

    /** How many watches are open now. */
    public int openWatches() {
        return openWatches.size();
    }

    /**
     * Ends every open watch, the server staying up. A real API server would replay the events since the
     * resourceVersion the client watches again from; the mock keeps no history, so (as after {@link #restart()})
     * it answers that watch 410 Gone and the client must relist.
     */
    public void dropWatches() {
        goneOnce.clear();
        forgetHistory = true;
        for (TrackedWatch w : List.copyOf(openWatches)) {
            WebSocket ws = w.socket;
            if (ws != null) {
                ws.close(1000, "watch ended by the test");
            }
        }
    }

    /** Open watches stop delivering events (they are lost), until {@link #expireWatches()}. */
    public void holdWatchEvents() {
        holdEvents = true;
    }

    /**
     * Sends every open watch the ERROR event with a 410 Status that a real API server sends when the watch's
     * resourceVersion is too old, and ends it; later watches deliver events again.
     */
    public void expireWatches() {
        holdEvents = false;
        for (TrackedWatch w : List.copyOf(openWatches)) {
            WebSocket ws = w.socket;
            if (ws != null) {
                ws.send(EXPIRED);
                ws.close(1000, "");
            }
        }
    }

    private void trackCrds(RecordedRequest request) {
        try {
            if (request.getMethod().equals("POST")) {
                crds.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.getBody().getBytes())
                        .path("metadata").path("name").asText());
            } else if (request.getMethod().equals("DELETE")) {
                crds.remove(request.getPath().substring(CRDS.length() + 1));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public MockApiServer() {
        server = newServer();
        server.init(InetAddress.getLoopbackAddress(), 0);
        port = server.getPort();
    }

    /**
     * What a real API server answers a watch from a resourceVersion it no longer has: the watch opens, and its only
     * event is an ERROR carrying a 410 Status.
     */
    private static MockResponse expiredWatch() {
        return new MockResponse().withWebSocketUpgrade(new io.fabric8.mockwebserver.http.WebSocketListener() {
            @Override
            public void onOpen(io.fabric8.mockwebserver.http.WebSocket ws,
                    io.fabric8.mockwebserver.http.Response response) {
                ws.send(EXPIRED);
                ws.close(1000, "");
            }
        });
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).addHeader("Content-Type: application/json").setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                        + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
    }

    private KubernetesMockServer newServer() {
        return new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    }

    /** A new client (close it); it follows the server across restarts, since the port is kept. */
    public NamespacedKubernetesClient client() {
        return server.createClient();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** Closes every connection (watches included) and serves the same objects again on the same port. */
    public void restart() {
        destroy();
        goneOnce.clear();
        forgetHistory = true;
        server = newServer();
        server.init(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() {
        destroy();
    }

    /**
     * Stops the server. The mock web server waits a bounded time for its connections to end and then throws; a watch
     * whose client has just closed may still be ending then (seen on a loaded machine). The port is closed either
     * way, which is all a test needs of a stopped server.
     */
    private void destroy() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            System.err.println("mock API server: connections still open after the shutdown timeout; going on");
        }
    }
}
