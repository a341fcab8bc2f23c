package io.herald.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.e2e.dev.DemoSettings;
import io.herald.e2e.system.HeraldSystem;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml without a Docker engine: its structure, that every image is built by the project or pinned to
 * a version, that the Dockerfiles it builds copy executable jars the build makes from pinned base images, and that
 * the load balancer passes WebSocket upgrades to both edges.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
    /** {@code name:tag} where the tag starts with a version number ({@code 4.1.1}, {@code 7.4.2-alpine}). */
    private static final Pattern PINNED = Pattern.compile("^[a-z0-9][a-z0-9._/-]*:(\\d+\\.\\d+[0-9A-Za-z._-]*)$");
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern COPY_JAR = Pattern.compile("(?m)^COPY\\s+([\\w-]+)/target/herald-([\\w-]+)-\\*-exec\\.jar\\s");
    private static Map<String, Object> services;

    @BeforeAll
    static void load() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            services = map(compose.get("services"));
        }
    }

    @Test
    void runsKafkaRedisIngestDispatcherTwoEdgesAndALoadBalancer() {
        assertThat(services).containsOnlyKeys("kafka", "redis", "ingest", "dispatcher", "edge-a", "edge-b", "lb");
        Map<String, Object> kafka = map(env("kafka"));
        assertThat(kafka.get("KAFKA_PROCESS_ROLES")).as("KRaft, no ZooKeeper").isEqualTo("broker,controller");
        assertThat(String.valueOf(kafka.get("CLUSTER_ID"))).matches("[A-Za-z0-9_-]{22}");
        assertThat(published("ingest")).containsExactly("127.0.0.1:8080:8080");
        assertThat(published("dispatcher")).containsExactly("127.0.0.1:8082:8082");
        assertThat(published("lb")).as("clients reach the edges through the load balancer").containsExactly("127.0.0.1:8081:80");
        assertThat(published("edge-a")).isEmpty();
        assertThat(published("edge-b")).isEmpty();
    }

    @Test
    void theDemoIsPublishedOnLoopbackOnlyAndNoManagementPortAtAll() throws IOException {
        // the demo runs with dev tokens and ingest without API keys: not for other machines to reach
        for (String service : services.keySet()) {
            for (String port : published(service)) {
                assertThat(port).as("%s publishes %s", service, port).startsWith("127.0.0.1:");
                assertThat(port).as("%s: management ports stay inside", service).doesNotContain(":908");
            }
        }
        for (String app : List.of("ingest", "dispatcher", "edge-a", "edge-b")) {
            String check = String.valueOf(map(map(services.get(app)).get("healthcheck")).get("test"));
            assertThat(check).as("%s checks its health on its management port", app).containsPattern("127\\.0\\.0\\.1:908[0-2]/actuator/health");
        }
        for (String service : List.of("ingest", "dispatcher", "websocket-edge")) {
            String dockerfile = Files.readString(ROOT.resolve("deploy/docker/" + service + "/Dockerfile"));
            assertThat(dockerfile).as(service).containsPattern("HEALTHCHECK[^\\n]*\\n\\s*CMD curl -fsS http://127\\.0\\.0\\.1:908[0-2]/actuator/health")
                    .doesNotContainPattern("EXPOSE .*908");
        }
        assertThat(String.valueOf(map(env("ingest")).get("HERALD_INGEST_AUTH_ENABLED")))
                .as("API keys are turned off by name, for the demo page").isEqualTo("false");
    }

    @Test
    void everyImageIsBuiltByTheProjectOrPinnedToAVersion() throws IOException {
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            Map<String, Object> service = map(entry.getValue());
            String name = entry.getKey();
            if (service.containsKey("build")) {
                Map<String, Object> build = map(service.get("build"));
                Path context = ROOT.resolve(String.valueOf(build.get("context"))).normalize();
                Path dockerfile = context.resolve(String.valueOf(build.get("dockerfile")));
                assertThat(context).as("%s: build context", name).isEqualTo(ROOT);
                assertThat(dockerfile).as("%s: Dockerfile", name).isRegularFile();
                assertThat(service).as("%s: built here, so no image name to pin", name).doesNotContainKey("image");
                assertDockerfileBuildsFromAPinnedBaseAnExecutableJar(name, dockerfile);
            } else {
                assertThat(String.valueOf(service.get("image"))).as("%s: image pinned to a version, never latest", name)
                        .matches(PINNED).doesNotContain(":latest");
            }
        }
    }

    @Test
    void theEdgeImageStartsItsJvmWithTheOptionsFileTheBenchmarksMeasure() throws IOException, InterruptedException {
        Path dir = ROOT.resolve("deploy/docker/websocket-edge");
        assertThat(Files.readString(dir.resolve("Dockerfile")))
                .contains("COPY deploy/docker/websocket-edge/jvm.options ./")
                .contains("ENTRYPOINT [\"java\", \"@jvm.options\", \"-jar\", \"application.jar\"]");
        assertThat(Files.readAllLines(dir.resolve("Dockerfile.dockerignore")))
                .as("the file reaches the builder").contains("!deploy/docker/websocket-edge/jvm.options");
        assertThat(Files.readString(ROOT.resolve("bench/run.sh"))).contains("deploy/docker/websocket-edge/jvm.options");
        // an option this JVM does not know stops it from starting: the image's edge would never come up
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + dir.resolve("jvm.options"), "-version").redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor()).as(output).isZero();
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterWhatItNeedsIsHealthy() {
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            Map<String, Object> healthcheck = map(map(entry.getValue()).get("healthcheck"));
            assertThat(healthcheck).as("%s: healthcheck", entry.getKey()).isNotNull();
            assertThat((List<?>) healthcheck.get("test")).as("%s: healthcheck test", entry.getKey()).isNotEmpty();
        }
        for (String app : List.of("ingest", "dispatcher", "edge-a", "edge-b")) {
            Map<String, Object> dependsOn = map(map(services.get(app)).get("depends_on"));
            assertThat(dependsOn).as("%s: depends_on", app).containsOnlyKeys("kafka", "redis");
            dependsOn.values().forEach(condition ->
                    assertThat(map(condition)).as("%s waits for healthy dependencies", app)
                            .containsEntry("condition", "service_healthy"));
        }
        assertThat(map(map(services.get("lb")).get("depends_on"))).containsOnlyKeys("edge-a", "edge-b");
    }

    @Test
    void theServicesReachKafkaAndRedisByServiceName() {
        for (String app : List.of("ingest", "dispatcher", "edge-a", "edge-b")) {
            Map<String, Object> env = map(env(app));
            assertThat(env).as("%s environment", app)
                    .containsEntry("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka:9092")
                    .containsEntry("SPRING_DATA_REDIS_URL", "redis://redis:6379");
        }
        assertThat(map(env("edge-a")).get("HERALD_EDGE_NODEID")).isEqualTo("edge-a");
        assertThat(map(env("edge-b")).get("HERALD_EDGE_NODEID")).isEqualTo("edge-b");
    }

    /**
     * deploy/redis-cluster/compose.yml, the override that runs Herald on a Redis Cluster: six nodes from one pinned
     * image with the shared node.conf, each announcing its own service name; a one-shot job that forms three
     * primaries with a replica each; every Herald service given all six as seeds and started once the cluster is.
     */
    @Test
    void theRedisClusterOverrideFormsAClusterAndPointsEveryServiceAtIt() throws IOException {
        Map<String, Object> cluster;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("deploy/redis-cluster/compose.yml"))) {
            cluster = map(map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader)).get("services"));
        }
        List<String> nodes = List.of("redis-1", "redis-2", "redis-3", "redis-4", "redis-5", "redis-6");
        for (String node : nodes) {
            Map<String, Object> service = map(cluster.get(node));
            assertThat(String.valueOf(service.get("image"))).as(node).matches(PINNED);
            assertThat(service.get("command")).as(node).isEqualTo(
                    List.of("redis-server", "/usr/local/etc/redis/node.conf", "--cluster-announce-hostname", node));
            String volume = String.valueOf(((List<?>) service.get("volumes")).get(0));
            assertThat(ROOT.resolve(volume.substring(0, volume.indexOf(':')))).as("node.conf, from the repository root")
                    .isRegularFile();
        }
        String nodeConf = Files.readString(ROOT.resolve("deploy/redis-cluster/node.conf"));
        assertThat(nodeConf).contains("cluster-enabled yes", "cluster-preferred-endpoint-type hostname", "appendonly yes",
                "min-replicas-to-write 1");

        String create = String.join(" ", ((List<?>) map(cluster.get("redis-cluster-init")).get("command")).stream()
                .map(String::valueOf).toList());
        assertThat(create).contains("--cluster-replicas 1").contains(nodes.stream().map(n -> n + ":6379").toList());
        assertThat(map(map(cluster.get("redis-cluster-init")).get("depends_on"))).containsOnlyKeys(nodes.toArray(String[]::new));

        for (String app : List.of("ingest", "dispatcher", "edge-a", "edge-b")) {
            Map<String, Object> service = map(cluster.get(app));
            assertThat(String.valueOf(map(service.get("environment")).get("SPRING_DATA_REDIS_CLUSTER_NODES")).split(","))
                    .as("%s is given every node as a seed", app)
                    .containsExactlyElementsOf(nodes.stream().map(n -> n + ":6379").toList());
            assertThat(map(map(service.get("depends_on")).get("redis-cluster-init")))
                    .containsEntry("condition", "service_completed_successfully");
            assertThat(services).as("the override only adds to a service of the main file").containsKey(app);
        }
    }

    @Test
    void theDemoPageWorksThroughComposeAsInDevMode(@TempDir Path work) {
        // The dev mode's settings for the page (dev tokens, CORS), in Spring Boot's environment-variable form. The dev
        // mode hands the edges their secret in a file (spring.config.additional-location); compose, in the environment.
        HeraldSystem.Settings dev = new DemoSettings("x".repeat(64), 8081).applyTo(new HeraldSystem.Settings(ROOT, work,
                0, 8080, 8082, List.of(8081), "t", 1));
        List<String> edgeArgs = dev.extraArgs().get(HeraldSystem.Service.EDGE).stream()
                .filter(arg -> !arg.startsWith("--spring.config.additional-location=")).toList();
        for (String edge : List.of("edge-a", "edge-b")) {
            assertThat(map(env(edge))).as(edge).containsKeys(environmentNames(edgeArgs))
                    .containsKey("HERALD_EDGE_AUTH_HS256SECRET");
        }
        assertThat(map(env("ingest"))).containsKeys(environmentNames(dev.extraArgs().get(HeraldSystem.Service.INGEST)));
        assertThat(String.valueOf(map(env("ingest")).get("HERALD_INGEST_CORS_ALLOWEDORIGINS")))
                .as("the page is served through the load balancer on 8081").contains("http://localhost:8081");
    }

    @Test
    void theLoadBalancerUpgradesWebSocketsToBothEdges() throws IOException {
        List<?> volumes = (List<?>) map(services.get("lb")).get("volumes");
        String mount = String.valueOf(volumes.get(0));
        Path config = ROOT.resolve(mount.substring(0, mount.indexOf(':')));
        assertThat(config).isRegularFile();
        String nginx = Files.readString(config);
        assertThat(nginx).contains("server edge-a:8081", "server edge-b:8081");
        String ws = nginx.substring(nginx.indexOf("location /ws"), nginx.indexOf('}', nginx.indexOf("location /ws")));
        assertThat(ws).contains("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                "proxy_set_header Connection $connection_upgrade;");
        assertThat(nginx).containsPattern("map \\$http_upgrade \\$connection_upgrade");
        assertThat(nginx).as("no upstream on a management port").doesNotContain(":9081");
        String actuator = nginx.substring(nginx.indexOf("location /actuator"), nginx.indexOf('}', nginx.indexOf("location /actuator")));
        assertThat(actuator).contains("return 404;").doesNotContain("proxy_pass");
    }

    private static void assertDockerfileBuildsFromAPinnedBaseAnExecutableJar(String service, Path dockerfile)
            throws IOException {
        String text = Files.readString(dockerfile);
        Matcher from = FROM.matcher(text);
        int bases = 0;
        while (from.find()) {
            bases++;
            assertThat(from.group(1)).as("%s: base image in %s", service, dockerfile).matches(PINNED);
        }
        assertThat(bases).as("%s: FROM lines", service).isPositive();
        Matcher copy = COPY_JAR.matcher(text);
        assertThat(copy.find()).as("%s: copies a module's -exec.jar", service).isTrue();
        assertThat(copy.group(1)).isEqualTo(copy.group(2));
        String pom = Files.readString(ROOT.resolve(copy.group(1)).resolve("pom.xml"));
        assertThat(pom).as("module %s builds an executable jar", copy.group(1)).contains("spring-boot-maven-plugin");
    }

    /** {@code --herald.edge.auth.dev-tokens=true} -> {@code HERALD_EDGE_AUTH_DEVTOKENS} (Spring Boot's rule). */
    private static String[] environmentNames(List<String> args) {
        return args.stream()
                .map(arg -> arg.substring(2, arg.indexOf('=')))
                .map(name -> name.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT))
                .toArray(String[]::new);
    }

    private static Object env(String service) {
        return map(services.get(service)).get("environment");
    }

    private static List<String> published(String service) {
        Object ports = map(services.get(service)).get("ports");
        return ports == null ? List.of() : ((List<?>) ports).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
