package dev.legate.model;

/** The typed specification of one kind of resource. */
public sealed interface Spec permits MappingSpec, HostSpec, ListenerSpec, TLSContextSpec, ModuleSpec, ServiceSpec,
        SecretSpec, UnsupportedSpec,
        TCPMappingSpec, ResolverSpec, EndpointsSpec, ConsulServiceEntriesSpec,
        AuthServiceSpec, RateLimitServiceSpec, LogServiceSpec, TracingServiceSpec {
}
