package io.perstack.cli.conformance;

import com.sun.net.httpserver.HttpServer;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conformance scenario for any of the eight providers: the scripted server, a {@code perstack.toml} selecting the
 * provider (with a custom header), and the real CLI given that provider's variables with canary values. Vertex also
 * gets a loopback stand-in for Google's token endpoint, so its credential exchange runs for real.
 */
final class ProviderScenario implements AutoCloseable {
    static final String HEADER_VALUE = "canary-header-value-4c1d";
    static final String TOKEN = "ya29.canary-access-token-77aa";

    enum Target {
        ANTHROPIC("anthropic", "claude-sonnet-4-5"),
        OPENAI("openai", "o3-mini"),
        AZURE_OPENAI("azure-openai", "my-deployment"),
        DEEPSEEK("deepseek", "deepseek-reasoner"),
        GOOGLE("google", "gemini-2.5-flash"),
        GOOGLE_VERTEX("google-vertex", "gemini-2.5-pro"),
        AMAZON_BEDROCK("amazon-bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0"),
        OLLAMA("ollama", "gpt-oss:20b");

        final String provider;
        final String model;

        Target(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        @Override
        public String toString() {
            return provider;
        }
    }

    private final Target target;
    private final ScriptedLlmServer server;
    private final HttpServer tokenServer;
    private final PerstackCli cli;
    private final Map<String, String> canaries = new LinkedHashMap<>();

    private ProviderScenario(Path dir, Target target, String scriptJson) {
        this.target = target;
        this.server = ScriptedLlmServer.start(Script.parse(scriptJson));
        this.tokenServer = target == Target.GOOGLE_VERTEX ? tokenServer() : null;
        String headers = target == Target.AMAZON_BEDROCK ? ""
                : "[provider.setting.headers]\nX-Canary-Header = \"" + HEADER_VALUE + "\"\n";
        Scenario.write(dir.resolve("perstack.toml"), """
                model = "%s"
                [provider]
                providerName = "%s"
                %s
                [experts."greeter"]
                description = "Answers briefly"
                instruction = "Answer the user's question briefly."
                """.formatted(target.model, target.provider, headers));
        this.cli = new PerstackCli(dir);
        canaries.putAll(canaries(target, false));
        canaries.forEach((name, value) -> {
            if (name.equals(name.toUpperCase(java.util.Locale.ROOT))) {
                cli.env(name, value);
            }
        });
        switch (target) {
            case ANTHROPIC -> env("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
            case OPENAI -> env("OPENAI_BASE_URL", server.openAiBaseUrl());
            case AZURE_OPENAI -> env("AZURE_BASE_URL", server.baseUrl() + "/openai");
            case DEEPSEEK -> env("DEEPSEEK_BASE_URL", server.openAiBaseUrl());
            case GOOGLE -> env("GOOGLE_GENERATIVE_AI_BASE_URL", server.geminiBaseUrl());
            case GOOGLE_VERTEX -> {
                Path adc = dir.resolve("adc.json");
                Scenario.write(adc, """
                        {"type":"authorized_user","client_id":"c","client_secret":"canary-client-secret-5c6d",
                         "refresh_token":"canary-refresh-token-7e8f",
                         "token_uri":"http://127.0.0.1:%d/token"}""".formatted(tokenServer.getAddress().getPort()));
                env("GOOGLE_APPLICATION_CREDENTIALS", adc.toString()).env("GOOGLE_VERTEX_BASE_URL",
                        server.baseUrl() + "/v1/projects/p/locations/us-central1/publishers/google");
            }
            case AMAZON_BEDROCK -> env("AWS_REGION", "us-east-1")
                    .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.bedrockBaseUrl());
            case OLLAMA -> env("OLLAMA_BASE_URL", server.ollamaBaseUrl());
        }
    }

    /**
     * The canary values a scenario for {@code target} hands out, by what they are. {@code onWire} limits them to
     * those the provider endpoint itself receives (a Vertex refresh token only ever goes to the token endpoint).
     */
    static Map<String, String> canaries(Target target, boolean onWire) {
        Map<String, String> out = new LinkedHashMap<>();
        if (target != Target.AMAZON_BEDROCK) {
            out.put("header", HEADER_VALUE);
        }
        switch (target) {
            case ANTHROPIC -> out.put("ANTHROPIC_API_KEY", "canary-anthropic-key-1a2b");
            case OPENAI -> {
                out.put("OPENAI_API_KEY", "canary-openai-key-3c4d");
                out.put("OPENAI_ORGANIZATION", "canary-org-5e6f");
                out.put("OPENAI_PROJECT", "canary-proj-7a8b");
            }
            case AZURE_OPENAI -> out.put("AZURE_API_KEY", "canary-azure-key-9c0d");
            case DEEPSEEK -> out.put("DEEPSEEK_API_KEY", "canary-deepseek-key-1e2f");
            case GOOGLE -> out.put("GOOGLE_GENERATIVE_AI_API_KEY", "canary-google-key-3a4b");
            case GOOGLE_VERTEX -> {
                out.put("access token", TOKEN);
                if (!onWire) {
                    out.put("refresh token", "canary-refresh-token-7e8f");
                    out.put("client secret", "canary-client-secret-5c6d");
                }
            }
            case AMAZON_BEDROCK -> {
                out.put("AWS_ACCESS_KEY_ID", "AKIDCANARY9A0B");
                out.put("AWS_SECRET_ACCESS_KEY", "canary-aws-secret-1c2d");
                out.put("AWS_SESSION_TOKEN", "canary-aws-session-3e4f");
            }
            case OLLAMA -> { }
        }
        return out;
    }

    static ProviderScenario of(Path dir, Target target, String scriptJson) {
        return new ProviderScenario(dir, target, scriptJson);
    }

    private ProviderScenario env(String name, String value) {
        cli.env(name, value);
        return this;
    }

    /** Every credential and header value this scenario handed the CLI (or its token endpoint handed out). */
    Map<String, String> canaries() {
        return canaries;
    }

    CliRun run(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "greeter", "Say hello", "--runtime", "local"));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    PerstackCli cli() {
        return cli;
    }

    ScriptedLlmServer server() {
        return server;
    }

    Target target() {
        return target;
    }

    private static HttpServer tokenServer() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/token", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        if (tokenServer != null) {
            tokenServer.stop(0);
        }
    }
}
