package dev.legate.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The instances of one Consul service in one datacenter, as a Consul catalog watcher sees them: the input a
 * ConsulResolver's clusters take their endpoints from. See {@code ConsulServiceEntries} in the compiler's
 * {@code config} package for the document this is read from.
 *
 * @param entries the instances; addresses are IP addresses (a watcher resolves names before writing them)
 */
public record ConsulServiceEntriesSpec(String service, String datacenter, List<Entry> entries) implements Spec {

    public ConsulServiceEntriesSpec {
        requireNonNull(service, "service");
        requireNonNull(datacenter, "datacenter");
        entries = List.copyOf(entries);
    }

    /** One instance. */
    public record Entry(String address, int port) {
        public Entry {
            requireNonNull(address, "address");
        }
    }
}
