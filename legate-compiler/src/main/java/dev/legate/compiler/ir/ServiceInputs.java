package dev.legate.compiler.ir;

import dev.legate.model.AuthServiceSpec;
import dev.legate.model.LogServiceSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.Resource;
import dev.legate.model.TracingServiceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The AuthServices, RateLimitServices, LogServices and TracingServices of one configuration, in key order, and the
 * keys of AuthServices that were rejected.
 */
public record ServiceInputs(List<Resource<AuthServiceSpec>> authServices,
        List<Resource<RateLimitServiceSpec>> rateLimitServices, List<Resource<LogServiceSpec>> logServices,
        List<Resource<TracingServiceSpec>> tracingServices, List<String> rejectedAuthServices) {

    public static final ServiceInputs NONE = new ServiceInputs(List.of(), List.of(), List.of(), List.of(),
            List.of());

    public ServiceInputs {
        authServices = List.copyOf(authServices);
        rateLimitServices = List.copyOf(rateLimitServices);
        logServices = List.copyOf(logServices);
        tracingServices = List.copyOf(tracingServices);
        rejectedAuthServices = List.copyOf(new java.util.TreeSet<>(rejectedAuthServices));
    }

    /**
     * The same inputs, knowing which AuthServices were rejected (by key): with no usable AuthService left, Legate
     * fails closed as Emissary does rather than letting every request through unauthenticated.
     */
    public ServiceInputs withRejectedAuthServices(List<String> keys) {
        return new ServiceInputs(authServices, rateLimitServices, logServices, tracingServices, keys);
    }

    /** Picks the four kinds out of accepted resources, keeping their order. */
    @SuppressWarnings("unchecked")
    public static ServiceInputs of(List<Resource<?>> resources) {
        List<Resource<AuthServiceSpec>> auth = new ArrayList<>();
        List<Resource<RateLimitServiceSpec>> rateLimit = new ArrayList<>();
        List<Resource<LogServiceSpec>> log = new ArrayList<>();
        List<Resource<TracingServiceSpec>> tracing = new ArrayList<>();
        for (Resource<?> r : resources) {
            switch (r.spec()) {
                case AuthServiceSpec a -> auth.add((Resource<AuthServiceSpec>) r);
                case RateLimitServiceSpec l -> rateLimit.add((Resource<RateLimitServiceSpec>) r);
                case LogServiceSpec l -> log.add((Resource<LogServiceSpec>) r);
                case TracingServiceSpec t -> tracing.add((Resource<TracingServiceSpec>) r);
                default -> {
                }
            }
        }
        return new ServiceInputs(auth, rateLimit, log, tracing, List.of());
    }
}
