package dev.legate.compiler.ir;

/**
 * One Envoy runtime flag from Module {@code runtime_flags}, for the bootstrap's static runtime layer.
 *
 * @param value a positive number or a boolean, as Envoy's runtime expects for this key
 */
public record IrRuntimeFlag(String key, Value value) {

    public sealed interface Value {
    }

    public record Number(long number) implements Value {
    }

    public record Flag(boolean flag) implements Value {
    }
}
