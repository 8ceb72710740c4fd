package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ResolverSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.TCPMappingSpec;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one IR build made, kept for the next, so that an edit rebuilds only what its change reaches: each Mapping's
 * normalized form (by resource instance: the compiler hands over the same instance for an unchanged document), each
 * mapping group (by its members and their clusters' names), and each group's routes bound to each Host (by group
 * instance, Host and security model). Everything is keyed on all it was made from, and a memo made in another context
 * (settings, ambassador Module, Hosts, TLS contexts, resolvers) is not used, so a build gives the same IR with or
 * without one; the diagnostics a piece reported are reported again when it is reused. {@code IncrementalCompileTest}
 * compares warm and fresh compiles after edits of each kind.
 *
 * <p>Immutable once made; a build reads the previous memo and makes the next ({@link Generation}).
 */
public final class IrMemo {

    /** A memo that holds nothing: a build with it does all the work. */
    public static final IrMemo EMPTY = new IrMemo(MappingCompiler.Memo.EMPTY, ListenerBinder.Memo.EMPTY, null,
            Map.of());

    private final MappingCompiler.Memo mappings;
    private final ListenerBinder.Memo bindings;
    private final @Nullable TcpMade tcp;
    /** Each Mapping's key as users see it, by key instance (a key is immutable; its text depends on it alone). */
    private final Map<ResourceKey, String> mappingKeys;

    private IrMemo(MappingCompiler.Memo mappings, ListenerBinder.Memo bindings, @Nullable TcpMade tcp,
            Map<ResourceKey, String> mappingKeys) {
        this.mappings = mappings;
        this.bindings = bindings;
        this.tcp = tcp;
        this.mappingKeys = mappingKeys;
    }

    /**
     * Everything the TCPMapping compilation reads: its context, the TCPMappings, and the clusters the Mappings made
     * before it (it names its own clusters around theirs). All values (records, lists, maps), compared by value.
     */
    record TcpInputs(IrSettings settings, ModuleSpec.AmbassadorConfig module, Map<String, IrTlsContext> contexts,
            List<Resource<ResolverSpec>> resolvers, List<Resource<TCPMappingSpec>> tcpMappings,
            List<IrCluster> clustersBefore) {
        TcpInputs {
            contexts = Map.copyOf(contexts);
            resolvers = List.copyOf(resolvers);
            tcpMappings = List.copyOf(tcpMappings);
            clustersBefore = List.copyOf(clustersBefore);
        }
    }

    /** What the TCPMapping compilation made from {@code inputs}: its groups, all clusters after it, its diagnostics. */
    record TcpMade(TcpInputs inputs, List<TcpMappingCompiler.IrTcpGroup> groups, List<IrCluster> clustersAfter,
            List<Diagnostic> diagnostics) {
        TcpMade {
            groups = List.copyOf(groups);
            clustersAfter = List.copyOf(clustersAfter);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** A build's view of this memo. */
    public Generation next() {
        return new Generation(this);
    }

    /** What a Mapping's normalization and its group's compilation read besides the Mappings themselves. */
    record MappingContext(IrSettings settings, ModuleSpec.AmbassadorConfig module, List<IrHost> hosts,
            Map<String, IrTlsContext> contexts, List<Resource<ResolverSpec>> resolvers) {
    }

    /** The memo of one build in the making. Not thread-safe: one build, one thread. */
    public static final class Generation {
        private final IrMemo previous;
        private MappingCompiler.Memo.Generation mappings;
        private final ListenerBinder.Memo.Generation bindings;
        private @Nullable TcpMade tcp;
        private final Map<ResourceKey, String> mappingKeys;

        private Generation(IrMemo previous) {
            this.previous = previous;
            this.mappingKeys = new java.util.IdentityHashMap<>(previous.mappingKeys.size());
            this.mappings = MappingCompiler.Memo.EMPTY.next(null);
            this.bindings = previous.bindings.next();
        }

        MappingCompiler.Memo.Generation mappings(MappingContext context) {
            mappings = previous.mappings.next(context);
            return mappings;
        }

        ListenerBinder.Memo.Generation bindings() {
            return bindings;
        }

        /** What the previous build's TCPMapping compilation made, if it was made from equal inputs. */
        @Nullable TcpMade tcp(TcpInputs inputs) {
            TcpMade before = previous.tcp;
            return before != null && before.inputs().equals(inputs) ? before : null;
        }

        void tcpMade(TcpMade made) {
            tcp = made;
        }

        /** {@code key.toString()}, made once for each key instance a build after another hands over. */
        String mappingKey(ResourceKey key) {
            String text = previous.mappingKeys.get(key);
            if (text == null) {
                text = key.toString();
            }
            mappingKeys.put(key, text);
            return text;
        }

        /** The memo for the next build. */
        public IrMemo done() {
            return new IrMemo(mappings.done(), bindings.done(), tcp, mappingKeys);
        }
    }
}
