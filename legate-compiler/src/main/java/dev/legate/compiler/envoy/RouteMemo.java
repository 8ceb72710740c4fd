package dev.legate.compiler.envoy;

import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrServices;
import dev.legate.compiler.ir.IrSettings;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
 * <p>Routes are looked up by instance first: the IR builder hands back the very same {@link IrRoute} instances for
 * mapping groups whose inputs did not change (see {@code IrMemo}), and hashing a deep record costs more than
 * translating is saved for some routes. A route met under a new instance is looked up by value only once a compile has
 * met many of them (the IR was rebuilt, e.g. after a Module changed): a few new routes are cheaper to translate than
 * indexing every route of the previous compile by value.
 *
 * <p>Immutable once made (the index by value is built at most once, on demand); a compile reads the previous memo and
 * makes the next ({@link Generation}).
 */
final class RouteMemo {

    static final RouteMemo EMPTY = new RouteMemo(null, new IdentityHashMap<>());

    /** New instances a compile meets before it looks routes up by value as well. */
    static final int MISSES_BEFORE_VALUE_LOOKUP = 64;

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
    /** By IR route instance. */
    private final IdentityHashMap<IrRoute, Slots> translated;
    /** The same by equality of the IR route, made when first needed. */
    private volatile @Nullable Map<IrRoute, Slots> byValue;

    private RouteMemo(@Nullable Context context, IdentityHashMap<IrRoute, Slots> translated) {
        this.context = context;
        this.translated = translated;
    }

    private Map<IrRoute, Slots> byValue() {
        Map<IrRoute, Slots> index = byValue;
        if (index == null) {
            index = new HashMap<>(translated);
            byValue = index;
        }
        return index;
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
        private final IdentityHashMap<IrRoute, Slots> translated = new IdentityHashMap<>();
        private int misses;

        private Generation(Context context, RouteMemo previous) {
            this.context = context;
            this.previous = previous;
        }

        /** The slots of an IR route met for the first time in this compile: the previous compile's, or empty ones. */
        Slots slots(IrRoute route) {
            Slots before = previous.translated.get(route);
            if (before == null && previous != EMPTY && ++misses > MISSES_BEFORE_VALUE_LOOKUP) {
                before = previous.byValue().get(route);
            }
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
