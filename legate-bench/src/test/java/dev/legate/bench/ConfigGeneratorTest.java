package dev.legate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.model.AuthServiceSpec;
import dev.legate.model.HostSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.SecretSpec;
import dev.legate.model.ServiceSpec;
import dev.legate.model.TracingServiceSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigGeneratorTest {

    private static final ConfigGenerator.Settings SMALL = ConfigGenerator.Settings.of(ConfigGenerator.Size.SMALL);

    @Test
    void sameSeedSameFiles() {
        Map<String, String> a = ConfigGenerator.generate(SMALL).files();
        Map<String, String> b = ConfigGenerator.generate(SMALL).files();
        assertThat(a).isEqualTo(b);
        Map<String, String> other = ConfigGenerator.generate(new ConfigGenerator.Settings(1000, 50, 7)).files();
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void generatedConfigurationCompilesWithoutDiagnostics() {
        CompileResult result = new Compiler(CompileOptions.DEFAULTS).compile(ConfigGenerator.snapshot(SMALL));
        assertThat(result.diagnostics()).isEmpty();
        assertThat(count(result, MappingSpec.class)).isEqualTo(1000);
        assertThat(count(result, ServiceSpec.class)).isEqualTo(50);
        assertThat(count(result, HostSpec.class)).isEqualTo(3);
        int tcpListeners = ConfigGenerator.generate(SMALL).features().getOrDefault("tcpmapping-cleartext", 0);
        assertThat(count(result, ListenerSpec.class)).isEqualTo(3 + tcpListeners);
        assertThat(count(result, dev.legate.model.TCPMappingSpec.class)).isEqualTo(50);
        assertThat(result.envoy().endpoints()).isNotEmpty().allSatisfy(a ->
                assertThat(a.getEndpoints(0).getLbEndpointsCount()).isEqualTo(10));
        assertThat(count(result, SecretSpec.class)).isEqualTo(2);
        assertThat(count(result, AuthServiceSpec.class)).isEqualTo(1);
        assertThat(count(result, RateLimitServiceSpec.class)).isEqualTo(1);
        assertThat(count(result, TracingServiceSpec.class)).isEqualTo(1);
        assertThat(result.ir().services().auth()).isNotNull();
        assertThat(result.ir().services().rateLimit()).isNotNull();
        assertThat(result.ir().services().tracing()).isNotNull();
        // The mix: at least 10% of Mappings skip auth or carry rate-limit labels.
        long authOrLabels = result.resources().stream().filter(r -> r.spec() instanceof MappingSpec m
                && (m.bypassAuth() != null || m.labels() != null)).count();
        assertThat(authOrLabels).isGreaterThanOrEqualTo(100);
        // Both TLS Hosts got their certificates, and every Host serves routes.
        assertThat(result.envoy().secrets()).hasSize(2);
        assertThat(result.ir().listeners()).hasSize(3 + tcpListeners);
        result.ir().listeners().forEach(l -> l.filterChains().forEach(chain -> chain.virtualHosts()
                .forEach(vhost -> assertThat(vhost.routes()).as(vhost.name()).isNotEmpty())));
    }

    @Test
    void writtenFilesReadBackAsTheSameSnapshot(@TempDir Path dir) throws Exception {
        ConfigGenerator.write(SMALL, dir);
        ResourceSnapshot fromDisk = ConfigDirectory.read(dir);
        ResourceSnapshot inMemory = ConfigGenerator.snapshot(SMALL);
        assertThat(fromDisk.loadDiagnostics()).isEmpty();
        assertThat(fromDisk.documents()).hasSameSizeAs(inMemory.documents());
        for (int i = 0; i < fromDisk.documents().size(); i++) {
            assertThat(fromDisk.documents().get(i).tree()).isEqualTo(inMemory.documents().get(i).tree());
            assertThat(fromDisk.documents().get(i).location()).isEqualTo(inMemory.documents().get(i).location());
        }
    }

    private static long count(CompileResult result, Class<?> spec) {
        return result.resources().stream().filter(r -> spec.isInstance(r.spec())).count();
    }
}
