package io.perstack.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/isolation.md §5.1: the union over every reachable Expert, registries only for npx/uvx, no provider domains. */
class JobAllowlistTest {
    private static ExpertConfig expert(String key, List<String> delegates, SkillConfig... skills) {
        Map<String, SkillConfig> map = new LinkedHashMap<>();
        map.put("@perstack/base", SkillConfig.McpStdio.defaultBase());
        for (SkillConfig s : skills) {
            map.put(s.name(), s);
        }
        return new ExpertConfig(key, key, null, null, "d", "i", delegates, null, map, null, null, null);
    }

    private static SkillConfig stdio(String name, String command, String... domains) {
        return new SkillConfig.McpStdio(name, null, null, null, null, command, null, List.of("x"), null,
                List.of(domains), false);
    }

    @Test
    void theAllowlistIsTheUnionOverTheCoordinatorAndItsDelegatesTransitively() {
        Map<String, ExpertConfig> experts = Map.of(
                "coordinator", expert("coordinator", List.of("child"), stdio("a", "node", "api.example.test")),
                "child", expert("child", List.of("grandchild"), stdio("b", "/usr/bin/npx", "*.cdn.example.test")),
                "grandchild", expert("grandchild", List.of("coordinator"), stdio("c", "uvx", "API.example.test.")),
                "unrelated", expert("unrelated", List.of(), stdio("d", "node", "other.example.test")));

        assertThat(JobAllowlist.of("coordinator", experts)).containsExactlyInAnyOrder("api.example.test",
                "*.cdn.example.test", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org");
    }

    @Test
    void theInProcessBaseSkillAddsNoRegistryAndProvidersAreNeverAdded() {
        Map<String, ExpertConfig> experts = Map.of("solo", expert("solo", List.of()));

        assertThat(JobAllowlist.of("solo", experts)).isEmpty();
    }
}
