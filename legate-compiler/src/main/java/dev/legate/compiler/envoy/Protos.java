package dev.legate.compiler.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.concurrent.ConcurrentHashMap;

/** Small helpers for building Envoy protos. */
final class Protos {

    private static final ConcurrentHashMap<Class<?>, String> TYPE_URLS = new ConcurrentHashMap<>();

    private Protos() {
    }

    static Duration millis(long ms) {
        return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
    }

    static Any pack(Message message) {
        return Any.pack(message);
    }

    static StringMatcher exact(String value) {
        return StringMatcher.newBuilder().setExact(value).build();
    }

    @SuppressWarnings("deprecation")
    static RegexMatcher regex(String regex, int maxProgramSize) {
        return RegexMatcher.newBuilder()
                .setGoogleRe2(RegexMatcher.GoogleRE2.newBuilder()
                        .setMaxProgramSize(com.google.protobuf.UInt32Value.of(maxProgramSize)))
                .setRegex(regex)
                .build();
    }

    static FractionalPercent percent(int numerator) {
        return FractionalPercent.newBuilder().setNumerator(numerator)
                .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
    }

    static String typeUrl(Message message) {
        return TYPE_URLS.computeIfAbsent(message.getClass(),
                c -> "type.googleapis.com/" + message.getDescriptorForType().getFullName());
    }
}
