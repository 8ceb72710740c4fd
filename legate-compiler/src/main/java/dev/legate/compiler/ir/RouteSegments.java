package dev.legate.compiler.ir;

import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.function.Consumer;

/**
 * A virtual host's bound routes as the concatenation of its segments: one mapping group's routes bound to the Host,
 * in group order. The binder hands back the very same segment instance for a group and Host it bound before (see
 * {@code ListenerBinder.Memo}), so that what is made of a segment downstream (Envoy routes, the Mappings it routes) can
 * be kept by segment instance, and an edit that changes one group costs one segment rather than a walk over the
 * hundred thousand routes of a large configuration. Immutable; equal to any list of the same routes.
 */
public final class RouteSegments extends AbstractList<IrBoundRoute> implements RandomAccess {

    private static final RouteSegments EMPTY = new RouteSegments(List.of(), new int[0]);

    /** The non-empty segments, each immutable. */
    private final List<List<IrBoundRoute>> segments;
    /** {@code ends[i]}: the number of routes in segments 0..i. */
    private final int[] ends;

    private RouteSegments(List<List<IrBoundRoute>> segments, int[] ends) {
        this.segments = segments;
        this.ends = ends;
    }

    /**
     * The concatenation of {@code segments} (empty ones left out). A segment made by {@link #segment} is kept as it
     * is; any other list is copied (an immutable list is kept by {@link List#copyOf}).
     */
    static RouteSegments of(List<List<IrBoundRoute>> segments) {
        @SuppressWarnings("unchecked")
        List<IrBoundRoute>[] kept = new List[segments.size()];
        int[] ends = new int[segments.size()];
        int count = 0;
        int size = 0;
        for (List<IrBoundRoute> s : segments) {
            if (s.isEmpty()) {
                continue;
            }
            List<IrBoundRoute> segment = s instanceof Segment ? s : List.copyOf(s);
            size += segment.size();
            ends[count] = size;
            kept[count++] = segment;
        }
        if (count == 0) {
            return EMPTY;
        }
        if (count < kept.length) {
            kept = Arrays.copyOf(kept, count);
            ends = Arrays.copyOf(ends, count);
        }
        return new RouteSegments(java.util.Collections.unmodifiableList(Arrays.asList(kept)), ends);
    }

    /**
     * An immutable segment of bound routes with the sources (Mapping keys, in order of first appearance) of its
     * routes, made once with the segment: {@link #sources(List)}.
     */
    static List<IrBoundRoute> segment(List<IrBoundRoute> routes) {
        return routes.isEmpty() ? List.of() : new Segment(routes.toArray(new IrBoundRoute[0]));
    }

    /** The sources of a segment's routes ({@link Provenance#primary()} of each, without repeats). */
    static List<String> sources(List<IrBoundRoute> segment) {
        return segment instanceof Segment s ? s.sources : Segment.sourcesOf(segment);
    }

    /** The segments, in order; none is empty. */
    public List<List<IrBoundRoute>> segments() {
        return segments;
    }

    @Override
    public IrBoundRoute get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index);
        }
        int i = Arrays.binarySearch(ends, index);
        // An exact hit on an end means the route is the first of the next segment.
        int segment = i >= 0 ? i + 1 : -i - 1;
        int start = segment == 0 ? 0 : ends[segment - 1];
        return segments.get(segment).get(index - start);
    }

    @Override
    public int size() {
        return ends.length == 0 ? 0 : ends[ends.length - 1];
    }

    @Override
    public Iterator<IrBoundRoute> iterator() {
        return new Iterator<>() {
            private int segment;
            private int position;

            @Override
            public boolean hasNext() {
                return segment < segments.size();
            }

            @Override
            public IrBoundRoute next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<IrBoundRoute> current = segments.get(segment);
                IrBoundRoute route = current.get(position++);
                if (position == current.size()) {
                    segment++;
                    position = 0;
                }
                return route;
            }
        };
    }

    @Override
    public void forEach(Consumer<? super IrBoundRoute> action) {
        for (List<IrBoundRoute> s : segments) {
            s.forEach(action);
        }
    }

    /** One group's routes bound to one Host. */
    private static final class Segment extends AbstractList<IrBoundRoute> implements RandomAccess {
        private final IrBoundRoute[] routes;
        private final List<String> sources;

        Segment(IrBoundRoute[] routes) {
            this.routes = routes;
            this.sources = sourcesOf(Arrays.asList(routes));
        }

        static List<String> sourcesOf(List<IrBoundRoute> routes) {
            List<String> sources = new ArrayList<>(1);
            IrRoute last = null;
            for (IrBoundRoute bound : routes) {
                if (bound.route() != last) {
                    last = bound.route();
                    String source = last.provenance().primary();
                    if (!sources.contains(source)) {
                        sources.add(source);
                    }
                }
            }
            return List.copyOf(sources);
        }

        @Override
        public IrBoundRoute get(int index) {
            return routes[index];
        }

        @Override
        public int size() {
            return routes.length;
        }
    }
}
