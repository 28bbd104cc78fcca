package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compiled module descriptors (module-info.class) of every main module export exactly the packages
 * listed here, to exactly the listed modules: a package exported by accident, or a qualified export
 * widened, fails the build. The embedding API these exports form is described in docs/embedding.md.
 */
class ModuleDescriptorTest {
    private static final Set<String> EVERYONE = Set.of();

    /** Module name, a class of it (to find its compiled classes), and its exports: package to targets. */
    private record Expected(String name, Class<?> anchor, Map<String, Set<String>> exports) {}

    private static final List<Expected> MODULES = List.of(
            new Expected("io.perstack.core", io.perstack.core.json.Json.class, Map.of(
                    "io.perstack.core.config", EVERYONE,
                    "io.perstack.core.event", EVERYONE,
                    "io.perstack.core.id", EVERYONE,
                    "io.perstack.core.json", EVERYONE,
                    "io.perstack.core.launch", EVERYONE,
                    "io.perstack.core.model", EVERYONE,
                    "io.perstack.core.policy", EVERYONE,
                    "io.perstack.core.tool", EVERYONE,
                    "io.perstack.core.env", Set.of("io.perstack.cli"))),
            new Expected("io.perstack.llm", io.perstack.llm.LlmClient.class, Map.of(
                    "io.perstack.llm", EVERYONE)),
            new Expected("io.perstack.base", io.perstack.base.BaseSkill.class, Map.of(
                    "io.perstack.base", EVERYONE,
                    "io.perstack.base.mcp", EVERYONE,
                    "io.perstack.base.tools", Set.of("io.perstack.skills"))),
            new Expected("io.perstack.sandbox", io.perstack.sandbox.RuntimeSelection.class, Map.of(
                    "io.perstack.sandbox", EVERYONE,
                    "io.perstack.sandbox.bwrap", Set.of("io.perstack.runtime"),
                    "io.perstack.sandbox.egress", Set.of("io.perstack.runtime", "io.perstack.skills"),
                    "io.perstack.sandbox.local", Set.of("io.perstack.runtime"),
                    "io.perstack.sandbox.packages", Set.of("io.perstack.runtime", "io.perstack.skills"))),
            new Expected("io.perstack.skills", io.perstack.skills.Skill.class, Map.of(
                    "io.perstack.skills", Set.of("io.perstack.runtime"),
                    "io.perstack.skills.base", Set.of("io.perstack.runtime"),
                    "io.perstack.skills.mcp", Set.of("io.perstack.runtime"),
                    "io.perstack.skills.packages", Set.of("io.perstack.runtime", "io.perstack.cli"),
                    "io.perstack.skills.lock", Set.of("io.perstack.cli"))),
            new Expected("io.perstack.runtime", io.perstack.runtime.Perstack.class, Map.of(
                    "io.perstack.runtime", EVERYONE,
                    "io.perstack.runtime.storage", EVERYONE,
                    "io.perstack.runtime.loop", EVERYONE,
                    "io.perstack.runtime.cost", Set.of("io.perstack.cli"),
                    "io.perstack.runtime.event", Set.of("io.perstack.cli"))),
            new Expected("io.perstack.server", io.perstack.server.ServerInfo.class, Map.of()),
            new Expected("io.perstack.cli", Main.class, Map.of()));

    /** The module arrows of docs/architecture.md, as requires between the descriptors. */
    private static final Map<String, Set<String>> MAY_REQUIRE = Map.of(
            "io.perstack.core", Set.of(),
            "io.perstack.llm", Set.of("io.perstack.core"),
            "io.perstack.base", Set.of("io.perstack.core"),
            "io.perstack.sandbox", Set.of("io.perstack.core"),
            "io.perstack.skills", Set.of("io.perstack.sandbox", "io.perstack.base", "io.perstack.core"),
            "io.perstack.runtime", Set.of("io.perstack.skills", "io.perstack.sandbox", "io.perstack.llm",
                    "io.perstack.core"),
            "io.perstack.server", Set.of("io.perstack.runtime", "io.perstack.core"),
            "io.perstack.cli", Set.of("io.perstack.server", "io.perstack.runtime", "io.perstack.sandbox",
                    "io.perstack.skills", "io.perstack.base", "io.perstack.llm", "io.perstack.core"));

    @Test
    void everyModuleExportsExactlyItsAllowList() {
        for (Expected expected : MODULES) {
            ModuleDescriptor descriptor = descriptorOf(expected.anchor());
            assertThat(descriptor.name()).isEqualTo(expected.name());
            assertThat(descriptor.isAutomatic()).as("%s has a module-info", expected.name()).isFalse();
            Map<String, Set<String>> exports = new TreeMap<>();
            for (ModuleDescriptor.Exports export : descriptor.exports()) {
                exports.put(export.source(), new TreeSet<>(export.targets()));
            }
            assertThat(exports).as("exports of %s", expected.name())
                    .isEqualTo(new TreeMap<>(expected.exports().entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> new TreeSet<>(e.getValue())))));
        }
    }

    @Test
    void noModuleIsOpenAndEveryOpensIsQualified() {
        for (Expected expected : MODULES) {
            ModuleDescriptor descriptor = descriptorOf(expected.anchor());
            assertThat(descriptor.isOpen()).as("%s is an open module", expected.name()).isFalse();
            for (ModuleDescriptor.Opens opens : descriptor.opens()) {
                assertThat(opens.isQualified()).as("%s opens %s to everyone", expected.name(), opens.source())
                        .isTrue();
            }
        }
    }

    @Test
    void requiresFollowTheModuleArrows() {
        for (Expected expected : MODULES) {
            Set<String> siblings = descriptorOf(expected.anchor()).requires().stream()
                    .map(ModuleDescriptor.Requires::name)
                    .filter(name -> name.startsWith("io.perstack."))
                    .collect(Collectors.toSet());
            assertThat(MAY_REQUIRE.get(expected.name())).as("modules %s may require", expected.name())
                    .containsAll(siblings);
        }
    }

    private static ModuleDescriptor descriptorOf(Class<?> anchor) {
        Path location;
        try {
            location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<ModuleReference> found = ModuleFinder.of(location).findAll();
        assertThat(found).as("one module at %s", location).hasSize(1);
        return found.iterator().next().descriptor();
    }
}
