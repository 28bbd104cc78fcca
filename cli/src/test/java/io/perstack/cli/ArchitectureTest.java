package io.perstack.cli;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module arrows of docs/architecture.md, checked on the compiled main classes of every module. */
class ArchitectureTest {
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "core", List.of(),
            "llm", List.of("core"),
            "base", List.of("core"),
            "sandbox", List.of("core"),
            "skills", List.of("sandbox", "base", "core"),
            "runtime", List.of("skills", "sandbox", "llm", "core"),
            "server", List.of("runtime", "core"),
            "cli", List.of("server", "runtime", "sandbox", "skills", "base", "llm", "core"));

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.perstack");
    }

    @Test
    void classesOfEveryModuleAreImported() {
        for (String module : ALLOWED.keySet()) {
            org.assertj.core.api.Assertions.assertThat(classes.stream()
                    .anyMatch(c -> c.getPackageName().startsWith("io.perstack." + module)))
                    .as("classes of module %s were imported", module).isTrue();
        }
    }

    @Test
    void everyModuleDependsOnlyOnTheModulesItMayUse() {
        ALLOWED.forEach((module, allowed) -> {
            for (String other : ALLOWED.keySet()) {
                if (other.equals(module) || allowed.contains(other)) {
                    continue;
                }
                noClasses().that().resideInAPackage("io.perstack." + module + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.perstack." + other + "..")
                        .because(module + " may depend only on " + allowed)
                        .allowEmptyShould(true)
                        .check(classes);
            }
        });
    }

    @Test
    void noMainCodeDependsOnTheTestKit() {
        noClasses().that().resideOutsideOfPackage("io.perstack.testkit..")
                .should().dependOnClassesThat().resideInAPackage("io.perstack.testkit..")
                .allowEmptyShould(true)
                .check(classes);
    }

    /**
     * SR-03: every skill process and every {@code exec} is started by an isolation backend's launcher, so nothing
     * outside the backends (and the test kit) may start a process itself.
     */
    @Test
    void onlyIsolationBackendsStartProcesses() {
        noClasses().that().resideOutsideOfPackages("io.perstack.sandbox..", "io.perstack.testkit..")
                .should().callMethodWhere(target(owner(assignableTo(ProcessBuilder.class)))
                        .and(target(nameMatching("start.*"))))
                .orShould().callMethodWhere(target(owner(assignableTo(Runtime.class))).and(target(name("exec"))))
                .because("processes are launched only through a ProcessLauncher (security.md SR-03)")
                .check(classes);
    }

    @Test
    void modulesHaveNoCycles() {
        SlicesRuleDefinition.slices().matching("io.perstack.(*)..").should().beFreeOfCycles()
                .allowEmptyShould(true).check(classes);
    }
}
