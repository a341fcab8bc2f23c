package io.herald.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.testkit.proxy.HaProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker/lb/haproxy.cfg, the HAProxy example of docs/operations.md ("Behind a load balancer"): haproxy itself
 * accepts it, and it keeps the essentials the e2e suite runs with (BalancedEdgesIT).
 */
class HaProxyConfigTest {

    private static final Path ROOT = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
    private static final Path CONFIG = ROOT.resolve("deploy/docker/lb/haproxy.cfg");

    @Test
    void haproxyAcceptsTheExample() throws IOException, InterruptedException {
        assumeTrue(HaProxy.installed(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        Process check = new ProcessBuilder(HaProxy.binary(), "-c", "-f", CONFIG.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void theExampleKeepsTunnelsOpenChecksTheLiveGroupAndRedispatches() throws IOException {
        String config = Files.readString(CONFIG);
        assertThat(config).contains("timeout tunnel 1h", "option redispatch", "balance leastconn",
                "http-check send meth GET uri /actuator/health/live", "check port 9081",
                "server edge-a edge-a:8081", "server edge-b edge-b:8081", "stats socket ipv4@127.0.0.1:");
        assertThat(config).as("the management port is no route from outside").contains("path_beg /actuator");
    }
}
