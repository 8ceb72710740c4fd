package dev.legate.backend;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * Answers any HTTP request with a JSON document describing it:
 * <pre>{"backend": name, "protocol": "h1c" | "h2c" | "h1" | "h2", "method", "path" (with the query),
 *  "host" (:authority or Host), "headers": {lower-case name: [values]}, "body": text,
 *  "tls": {"sni", "protocol", "cipher"} (only over TLS)}</pre>
 *
 * <p>Request headers that change the answer (as Emissary's kat-server does):
 * <ul>
 *   <li>{@value #STATUS_HEADER}: {@code 503} answers with that status (100 to 599; the body is the same JSON);
 *   <li>{@value #RESPONSE_HEADER}: {@code name=value} adds that response header (may be repeated).
 * </ul>
 */
public final class EchoService implements HttpService {

    /** Asks for a response status. */
    public static final String STATUS_HEADER = "x-echo-status";
    /** Asks for a response header, as {@code name=value}. */
    public static final String RESPONSE_HEADER = "x-echo-response-header";
    /** Every answer names its backend in this response header too (useful when the body is not read). */
    public static final String BACKEND_HEADER = "x-echo-backend";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final String name;

    public EchoService(String name) {
        this.name = requireNonNull(name, "name");
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApply(agg -> answer(ctx, agg)));
    }

    private HttpResponse answer(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        Map<String, Object> echo = describe(ctx, req.headers());
        String body = req.content().toString(StandardCharsets.UTF_8);
        echo.put("body", body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body);
        int status = requestedStatus(req.headers());
        ResponseHeadersBuilder headers = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8)
                .add(BACKEND_HEADER, name);
        for (String wanted : req.headers().getAll(RESPONSE_HEADER)) {
            int eq = wanted.indexOf('=');
            if (eq > 0) {
                headers.add(wanted.substring(0, eq).trim(), wanted.substring(eq + 1).trim());
            }
        }
        return HttpResponse.of(headers.build(), com.linecorp.armeria.common.HttpData.ofUtf8(toJson(echo)));
    }

    /** What this backend tells about a request: everything but the body. */
    Map<String, Object> describe(ServiceRequestContext ctx, RequestHeaders headers) {
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("backend", name);
        echo.put("protocol", ctx.sessionProtocol().uriText());
        echo.put("method", headers.method().name());
        echo.put("path", headers.path());
        String authority = headers.authority();
        echo.put("host", authority != null ? authority : headers.get(HttpHeaderNames.HOST, ""));
        Map<String, List<String>> all = new TreeMap<>();
        headers.forEach((k, v) -> {
            if (!k.toString().startsWith(":")) {
                all.computeIfAbsent(k.toString(), x -> new ArrayList<>()).add(v);
            }
        });
        echo.put("headers", all);
        SSLSession ssl = ctx.sslSession();
        if (ssl != null) {
            Map<String, Object> tls = new LinkedHashMap<>();
            tls.put("sni", sni(ssl));
            tls.put("protocol", ssl.getProtocol());
            tls.put("cipher", ssl.getCipherSuite());
            echo.put("tls", tls);
        }
        return echo;
    }

    static String toJson(Map<String, Object> echo) {
        try {
            return JSON.writeValueAsString(echo);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
    }

    private static String sni(SSLSession ssl) {
        if (ssl instanceof ExtendedSSLSession ext) {
            try {
                for (SNIServerName n : ext.getRequestedServerNames()) {
                    if (n instanceof SNIHostName host) {
                        return host.getAsciiName();
                    }
                }
            } catch (UnsupportedOperationException e) {
                return "";
            }
        }
        return "";
    }

    private static int requestedStatus(RequestHeaders headers) {
        String wanted = headers.get(STATUS_HEADER);
        if (wanted != null) {
            try {
                int code = Integer.parseInt(wanted.trim());
                if (code >= 200 && code <= 599) {
                    return code;
                }
            } catch (NumberFormatException e) {
                // not a number: answer 200, the echo shows what was asked
            }
        }
        return HttpStatus.OK.code();
    }
}
