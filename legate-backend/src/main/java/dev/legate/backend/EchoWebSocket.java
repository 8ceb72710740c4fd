package dev.legate.backend;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketFrameType;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.websocket.WebSocketServiceHandler;
import java.util.Map;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * WebSocket on any path: the first frame the backend sends is the JSON description of the upgrade request (as
 * {@link EchoService} describes a request, so a test sees which backend answered and what it received); after that
 * every text or binary frame is sent back as it came.
 */
final class EchoWebSocket implements WebSocketServiceHandler {

    private final EchoService echo;

    EchoWebSocket(EchoService echo) {
        this.echo = requireNonNull(echo, "echo");
    }

    @Override
    public WebSocket handle(ServiceRequestContext ctx, WebSocket in) {
        WebSocketWriter out = WebSocket.streaming();
        Map<String, Object> description = echo.describe(ctx, ctx.request().headers());
        description.put("protocol", "websocket+" + ctx.sessionProtocol().uriText());
        out.write(EchoService.toJson(description));
        in.subscribe(new Subscriber<WebSocketFrame>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(WebSocketFrame frame) {
                if (frame.type() == WebSocketFrameType.TEXT) {
                    out.write(frame.text());
                } else if (frame.type() == WebSocketFrameType.BINARY) {
                    out.write(frame.array());
                }
            }

            @Override
            public void onError(Throwable t) {
                out.close(t);
            }

            @Override
            public void onComplete() {
                out.close();
            }
        });
        return out;
    }
}
