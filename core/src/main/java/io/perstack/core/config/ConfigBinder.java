package io.perstack.core.config;

import io.perstack.core.config.ProviderKind.SettingKey;
import io.perstack.core.policy.UrlRules;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlTable;

/**
 * Turns a syntactically valid TOML document into a {@link PerstackConfig}, checking the top-level keys,
 * {@code [provider]} and {@code [pricing]} (docs/configuration.md §3, §4, §7) and delegating Experts to {@link ExpertBinder}.
 * Keys the schema does not know are ignored (docs/configuration.md §1.1), as the TypeScript schema strips them.
 */
final class ConfigBinder {
    static final List<String> PROVIDERS = ProviderKind.names();
    /** Every {@link RuntimeKind}; the compatibility-only ones pass validation and are refused when a run starts. */
    static final List<String> RUNTIMES = RuntimeKind.wireNames();
    static final List<String> REASONING_LEVELS = List.of("none", "minimal", "low", "medium", "high");

    private final TomlFields fields = new TomlFields();

    private ConfigBinder() {}

    static PerstackConfig bind(TomlTable root, Path source, String sha256, String label) {
        ConfigBinder binder = new ConfigBinder();
        PerstackConfig config = binder.config(root, source, sha256);
        if (!binder.fields.problems().isEmpty()) {
            throw ConfigException.validation(label, binder.fields.problems());
        }
        return config;
    }

    private PerstackConfig config(TomlTable root, Path source, String sha256) {
        KeyPath top = KeyPath.ROOT;
        String model = fields.string(root, top, "model", 1, Integer.MAX_VALUE, false);
        ProviderConfig provider = provider(root);
        ReasoningBudget reasoningBudget = reasoningBudget(root);
        String runtime = fields.oneOf(root, top, "runtime", RUNTIMES, false);
        Integer maxSteps = fields.intValue(root, top, "maxSteps", 1);
        Integer maxRetries = fields.intValue(root, top, "maxRetries", 0);
        Long timeout = fields.integer(root, top, "timeout", 0, Long.MAX_VALUE);
        List<String> envPath = fields.strings(root, top, "envPath", Integer.MAX_VALUE);
        String apiBaseUrl = fields.string(root, top, "perstackApiBaseUrl");
        if (apiBaseUrl != null) {
            UrlRules.problemWithApiBaseUrl(apiBaseUrl).ifPresent(p -> fields.problem(top.child("perstackApiBaseUrl"), p));
        }
        List<String> baseSkillCommand = fields.strings(root, top, "perstackBaseSkillCommand", Integer.MAX_VALUE);
        if (baseSkillCommand != null && baseSkillCommand.isEmpty()) {
            fields.problem(top.child("perstackBaseSkillCommand"),
                    "perstackBaseSkillCommand must have at least one element");
        }
        Map<String, ExpertConfig> experts = new ExpertBinder(fields).experts(root);
        Integer toolResultMaxBytes = fields.intValue(root, top, "toolResultMaxBytes", 1024);
        Double maxCostUsd = fields.number(root, top, "maxCostUsd", 0, true, false);
        Map<String, PerstackConfig.Price> pricing = pricing(root);
        TomlTable sandbox = fields.table(root, top, "sandbox");
        Boolean requireLimits = sandbox == null ? null : fields.bool(sandbox, top.child("sandbox"), "requireLimits");
        return new PerstackConfig(source, sha256, model, provider, reasoningBudget, runtime, maxSteps, maxRetries,
                timeout, envPath, apiBaseUrl, baseSkillCommand, experts, toolResultMaxBytes, maxCostUsd, pricing,
                requireLimits);
    }

    private ReasoningBudget reasoningBudget(TomlTable root) {
        Object v = TomlFields.raw(root, "reasoningBudget");
        KeyPath at = KeyPath.ROOT.child("reasoningBudget");
        return switch (v) {
            case null -> null;
            case String s when REASONING_LEVELS.contains(s) -> new ReasoningBudget(s, null);
            case Long n -> {
                Long tokens = fields.inRange(at, n, 0, Integer.MAX_VALUE);
                yield tokens == null ? null : new ReasoningBudget(null, tokens.intValue());
            }
            case String s -> {
                fields.problem(at, "Expected one of " + TomlFields.quoted(REASONING_LEVELS)
                        + " or an integer >= 0; received \"" + s + "\"");
                yield null;
            }
            default -> {
                fields.problem(at, "Expected one of " + TomlFields.quoted(REASONING_LEVELS)
                        + " or an integer >= 0; received " + TomlFields.typeName(v));
                yield null;
            }
        };
    }

    private ProviderConfig provider(TomlTable root) {
        TomlTable table = fields.table(root, KeyPath.ROOT, "provider");
        if (table == null) {
            return null;
        }
        KeyPath at = KeyPath.ROOT.child("provider");
        String name = fields.oneOf(table, at, "providerName", PROVIDERS, true);
        TomlTable setting = fields.table(table, at, "setting");
        if (name == null || setting == null) {
            return name == null ? null : new ProviderConfig(name, ProviderConfig.Setting.EMPTY);
        }
        ProviderKind kind = ProviderKind.byName(name).orElseThrow();
        return new ProviderConfig(name, setting(kind, setting, at.child("setting")));
    }

    /**
     * Reads only the {@code setting} keys the provider understands (docs/configuration.md §4 table); keys meant for another
     * provider are ignored like any unknown key.
     */
    private ProviderConfig.Setting setting(ProviderKind provider, TomlTable t, KeyPath at) {
        String baseUrl = null;
        Map<String, String> headers = null;
        if (provider.readsSetting(SettingKey.BASE_URL)) {
            baseUrl = fields.string(t, at, "baseUrl");
            if (baseUrl != null) {
                UrlRules.problemWithProviderBaseUrl(provider.anyScheme(), baseUrl)
                        .ifPresent(p -> fields.problem(at.child("baseUrl"), p));
            }
        }
        if (provider.readsSetting(SettingKey.HEADERS)) {
            headers = headers(t, at);
        }
        String organization = string(provider, t, at, SettingKey.ORGANIZATION);
        String project = string(provider, t, at, SettingKey.PROJECT);
        String name = string(provider, t, at, SettingKey.NAME);
        String resourceName = string(provider, t, at, SettingKey.RESOURCE_NAME);
        String apiVersion = string(provider, t, at, SettingKey.API_VERSION);
        Boolean deploymentUrls = provider.readsSetting(SettingKey.USE_DEPLOYMENT_BASED_URLS)
                ? fields.bool(t, at, SettingKey.USE_DEPLOYMENT_BASED_URLS.tomlKey()) : null;
        String region = string(provider, t, at, SettingKey.REGION);
        String location = string(provider, t, at, SettingKey.LOCATION);
        return new ProviderConfig.Setting(baseUrl, headers, organization, project, name, resourceName, apiVersion,
                deploymentUrls, region, location);
    }

    private String string(ProviderKind provider, TomlTable t, KeyPath at, SettingKey key) {
        return provider.readsSetting(key) ? fields.string(t, at, key.tomlKey()) : null;
    }

    /**
     * Header names must be HTTP tokens and values may not break the header block, so a config cannot smuggle extra
     * headers or requests. Values are secrets and are never quoted in messages.
     */
    private Map<String, String> headers(TomlTable setting, KeyPath parent) {
        TomlTable table = fields.table(setting, parent, "headers");
        if (table == null) {
            return null;
        }
        KeyPath at = parent.child("headers");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : table.keySet()) {
            Object v = TomlFields.raw(table, name);
            KeyPath h = at.child(name);
            if (!(v instanceof String value)) {
                fields.problem(h, "Expected string, received " + TomlFields.typeName(v));
                continue;
            }
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                fields.problem(h, "Invalid header name");
            } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                fields.problem(h, "Header value must not contain line breaks or NUL");
            } else {
                headers.put(name, value);
            }
        }
        return headers;
    }

    private Map<String, PerstackConfig.Price> pricing(TomlTable root) {
        TomlTable table = fields.table(root, KeyPath.ROOT, "pricing");
        if (table == null) {
            return null;
        }
        KeyPath at = KeyPath.ROOT.child("pricing");
        Map<String, PerstackConfig.Price> pricing = new LinkedHashMap<>();
        for (String model : table.keySet()) {
            TomlTable entry = fields.table(table, at, model);
            if (entry == null) {
                continue;
            }
            KeyPath m = at.child(model);
            Double input = fields.number(entry, m, "input", 0, false, true);
            Double cached = fields.number(entry, m, "cachedInput", 0, false, false);
            Double output = fields.number(entry, m, "output", 0, false, true);
            if (input != null && output != null) {
                pricing.put(model, new PerstackConfig.Price(input, cached, output));
            }
        }
        return pricing;
    }
}
