package dev.legate.bench;

import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.compiler.output.EnvoyJson;
import java.io.Writer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Writes envoy.json the way {@code legate compile} does in the version of the compiler on the class path: with
 * {@code EnvoyJson.writeBootstrap(EnvoyConfig, Writer)} (routes inlined from RDS route configurations, streaming
 * writer) when it exists, else with {@code EnvoyJson.write(EnvoyJson.bootstrap(config), Appendable)} (protobuf's
 * JsonFormat), so that the benchmarks keep measuring the real output while the compiler's API moves.
 */
final class EnvoyOutput {

    private static final MethodHandle WRITE_BOOTSTRAP = find();

    private EnvoyOutput() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findStatic(EnvoyJson.class, "writeBootstrap",
                    MethodType.methodType(void.class, EnvoyConfig.class, Writer.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** Which writer is used, for reports. */
    static String describe() {
        return WRITE_BOOTSTRAP != null ? "EnvoyJson.writeBootstrap (streaming writer, routes inlined)"
                : "EnvoyJson.write(bootstrap) (protobuf JsonFormat)";
    }

    static void write(EnvoyConfig config, Writer out) {
        if (WRITE_BOOTSTRAP == null) {
            EnvoyJson.write(EnvoyJson.bootstrap(config), out);
            return;
        }
        try {
            WRITE_BOOTSTRAP.invokeExact(config, out);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Discards what is written, counting characters so that the JIT cannot drop the writing. */
    static final class CountingWriter extends Writer {
        long count;

        @Override
        public void write(char[] buffer, int offset, int length) {
            count += length;
        }

        @Override
        public void write(String s, int offset, int length) {
            count += length;
        }

        @Override
        public void write(int c) {
            count++;
        }

        @Override
        public Writer append(CharSequence csq) {
            count += csq == null ? 4 : csq.length();
            return this;
        }

        @Override
        public Writer append(CharSequence csq, int start, int end) {
            count += end - start;
            return this;
        }

        @Override
        public Writer append(char c) {
            count++;
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
