package io.perstack.cli;

import io.perstack.core.config.ConfigException;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.PerstackToml;
import io.perstack.core.env.Dotenv;
import io.perstack.core.env.EnvFileException;
import io.perstack.core.policy.ProtectedVariables;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a command's configuration comes from: {@code --config} (a path or a raw.githubusercontent.com URL) or the
 * upward search, and the environment merged from the process and the {@code .env} files (docs/configuration.md §1, §2).
 * Every failure becomes a {@link UserError} so that no stack trace reaches the user.
 */
final class ConfigSource {
    private ConfigSource() {}

    /** The environment a run sees: the real one, completed (never overridden) by the loaded env files. */
    record Environment(Map<String, String> merged, List<Path> loadedFiles) {}

    static PerstackConfig load(String configFlag, Path cwd) {
        try {
            if (configFlag == null) {
                return PerstackToml.load(cwd);
            }
            if (PerstackToml.isRemote(configFlag)) {
                return PerstackToml.parseRemote(fetch(configFlag), configFlag);
            }
            return PerstackToml.readGiven(cwd, configFlag);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage());
        }
    }

    static Environment environment(PerstackConfig config, List<String> envPathFlags, Path cwd) {
        List<String> files = envPathFlags != null && !envPathFlags.isEmpty() ? envPathFlags
                : config.envPath() != null ? config.envPath() : List.of(".env", ".env.local");
        try {
            Dotenv.MergedEnvironment merged = Dotenv.load(System.getenv(), cwd, files);
            return new Environment(merged.variables(), merged.loadedFiles());
        } catch (EnvFileException e) {
            throw new UserError(e.getMessage());
        }
    }

    static boolean isProtected(String name) {
        return ProtectedVariables.isProtected(name);
    }

    /** Fetches a remote config under the rules of docs/configuration.md §1: https, one host, no redirects, 30 s, 1 MiB. */
    static byte[] fetch(String url) {
        URI uri = PerstackToml.remoteUri(url);
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        try (client) {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new UserError("Failed to fetch remote config: HTTP " + response.statusCode());
                }
                // Reading one byte past the limit is enough to know the body is too large.
                byte[] bytes = body.readNBytes(PerstackToml.MAX_BYTES + 1);
                if (bytes.length > PerstackToml.MAX_BYTES) {
                    throw PerstackToml.tooLarge(url, bytes.length);
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new UserError("Failed to fetch remote config: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("Failed to fetch remote config: interrupted");
        }
    }
}
