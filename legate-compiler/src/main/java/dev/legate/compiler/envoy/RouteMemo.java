package dev.legate.compiler.envoy;

import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrServices;
import dev.legate.compiler.ir.IrSettings;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The routes one compile translated and checked, kept for the next: a route whose IR equals one translated before gets
 * the very same {@link Route} instance back, with no new translation and no new constraint check. At 10,000 Mappings
 * an edit changes a handful of the 100,000 routes; the same instances also let the xDS server and the snapshot
 * writer reuse the bytes they made of them.
 *
 * <p>A route's translation reads its {@link IrRoute}, the variant it is bound with, the {@link IrSettings} and the
 * {@link IrServices} (auth and rate limits), nothing else ({@link RouteTranslator} must keep it so); a memo made with
 * other settings or services is not used. The output of a compile
 * never depends on the memo: {@code IncrementalCompileTest} compares compiles with and without one.
 *
 * <p>Immutable once made; a compile reads the previous memo and makes the next ({@link Generation}).
 */
final class RouteMemo {

    static final RouteMemo EMPTY = new RouteMemo(null, Map.of());

    /** What a route's translation reads besides the route: the memo is valid only for equal inputs. */
    private record Context(IrSettings settings, IrServices services) {
    }

    /** What each variant of one IR route became: a checked route, or why it was left out. */
    static final class Slots {
        static final int COUNT = 6;
        final @Nullable Route[] routes = new Route[COUNT];
        final @Nullable String[] failures = new String[COUNT];
        /** Whether this compile reported the failure of a variant yet (not copied: each compile reports its own). */
        final boolean[] reported = new boolean[COUNT];

        Slots copy() {
            Slots copy = new Slots();
            System.arraycopy(routes, 0, copy.routes, 0, COUNT);
            System.arraycopy(failures, 0, copy.failures, 0, COUNT);
            return copy;
        }
    }

    private final @Nullable Context context;
    /** By equality of the IR route. */
    private final Map<IrRoute, Slots> translated;

    private RouteMemo(@Nullable Context context, Map<IrRoute, Slots> translated) {
        this.context = context;
        this.translated = translated;
    }

    /** A compile's view: what the previous compile made (if made in the same context), and what this one makes. */
    Generation next(IrSettings settings, IrServices services) {
        Context now = new Context(settings, services);
        return new Generation(now, now.equals(context) ? this : EMPTY);
    }

    /** The memo of one compile in the making. Not thread-safe: one compile, one thread. */
    static final class Generation {
        private final Context context;
        private final RouteMemo previous;
        private final Map<IrRoute, Slots> translated = new HashMap<>();

        private Generation(Context context, RouteMemo previous) {
            this.context = context;
            this.previous = previous;
        }

        /** The slots of an IR route met for the first time in this compile: the previous compile's, or empty ones. */
        Slots slots(IrRoute route) {
            Slots before = previous.translated.get(route);
            Slots slots = before == null ? new Slots() : before.copy();
            translated.put(route, slots);
            return slots;
        }

        /** The memo for the next compile. */
        RouteMemo done() {
            return new RouteMemo(context, translated);
        }
    }
}
