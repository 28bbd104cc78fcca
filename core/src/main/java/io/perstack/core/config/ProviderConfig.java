package io.perstack.core.config;

import java.util.Map;

/**
 * {@code [provider]}: the provider name and its {@code [provider.setting]} values; unset settings are {@code null}.
 * Credentials never come from here (docs/providers.md §2). {@code headers} values are secrets.
 */
public record ProviderConfig(String providerName, Setting setting) {

    public static final ProviderConfig DEFAULT = new ProviderConfig(ProviderKind.ANTHROPIC.wireName(), Setting.EMPTY);

    public ProviderConfig {
        setting = setting == null ? Setting.EMPTY : setting;
    }

    public record Setting(String baseUrl, Map<String, String> headers, String organization, String project,
                          String name, String resourceName, String apiVersion, Boolean useDeploymentBasedUrls,
                          String region, String location) {
        public static final Setting EMPTY = new Setting(null, null, null, null, null, null, null, null, null, null);

        public Setting {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** Header values are secrets (docs/storage.md §6): only their names are printed. */
        @Override
        public String toString() {
            return "Setting[baseUrl=" + baseUrl + ", headers=" + new java.util.TreeSet<>(headers.keySet())
                    + ", organization=" + organization + ", project=" + project + ", name=" + name
                    + ", resourceName=" + resourceName + ", apiVersion=" + apiVersion + ", useDeploymentBasedUrls="
                    + useDeploymentBasedUrls + ", region=" + region + ", location=" + location + "]";
        }
    }
}
