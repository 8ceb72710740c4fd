package dev.legate.backend;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gRPC echo service, {@code legate.backend.Echo/Echo} (see {@code echo.proto} in this package's resources):
 * a unary call whose request and response are {@code google.protobuf.Struct}s, so any client can call it without
 * generated code. The answer holds {@code backend}, {@code method} (the full gRPC method name), {@code authority},
 * {@code path}, {@code headers} (a Struct of lists) and {@code request} (the request Struct, unchanged).
 */
public final class GrpcEcho {

    /** The service's full name. */
    public static final String SERVICE_NAME = "legate.backend.Echo";

    /** The one method, as a client describes it too. */
    public static final MethodDescriptor<Struct, Struct> ECHO = MethodDescriptor.<Struct, Struct>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Echo"))
            .setRequestMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
            .build();

    private GrpcEcho() {
    }

    static ServerServiceDefinition service(String backend) {
        requireNonNull(backend, "backend");
        return ServerServiceDefinition.builder(SERVICE_NAME)
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(answer(backend, request));
                    observer.onCompleted();
                }))
                .build();
    }

    private static Struct answer(String backend, Struct request) {
        ServiceRequestContext ctx = ServiceRequestContext.current();
        Map<String, List<String>> headers = new TreeMap<>();
        ctx.request().headers().forEach((k, v) -> {
            if (!k.toString().startsWith(":")) {
                headers.computeIfAbsent(k.toString(), x -> new ArrayList<>()).add(v);
            }
        });
        Struct.Builder headerStruct = Struct.newBuilder();
        headers.forEach((k, values) -> {
            ListValue.Builder list = ListValue.newBuilder();
            values.forEach(v -> list.addValues(string(v)));
            headerStruct.putFields(k, Value.newBuilder().setListValue(list).build());
        });
        String authority = ctx.request().headers().authority();
        return Struct.newBuilder()
                .putFields("backend", string(backend))
                .putFields("method", string(ECHO.getFullMethodName()))
                .putFields("protocol", string(ctx.sessionProtocol().uriText()))
                .putFields("authority", string(authority != null ? authority : ""))
                .putFields("path", string(ctx.request().path()))
                .putFields("headers", Value.newBuilder().setStructValue(headerStruct).build())
                .putFields("request", Value.newBuilder().setStructValue(request).build())
                .build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
