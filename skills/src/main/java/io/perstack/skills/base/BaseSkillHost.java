package io.perstack.skills.base;

import io.perstack.base.BaseSkill;
import io.perstack.base.BaseSkillOptions;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The in-process base skill shared by every run of one job. Tool state that belongs to a conversation (todos) is
 * not kept here but passed with each call, so parallel delegates never see each other's.
 */
public final class BaseSkillHost implements AutoCloseable {
    private final BaseSkill skill;

    private BaseSkillHost(BaseSkill skill) {
        this.skill = skill;
    }

    /**
     * @param workspace      the workspace on the host, also what the model sees under the {@code local} runtime
     * @param deniedPaths    folders refused like {@code perstack/} (the storage root)
     * @param maskedEnvFiles the env files loaded for this invocation
     * @param launcher       the isolation backend's launcher for {@code exec}; {@code null} disables {@code exec}
     * @param environment    the merged environment of the invocation
     * @param passThrough    {@code --env} names that {@code exec} also receives
     */
    public static BaseSkillHost open(Path workspace, List<Path> deniedPaths, List<Path> maskedEnvFiles,
                                     ProcessLauncher launcher, Map<String, String> environment,
                                     List<String> passThrough) {
        return open(workspace, workspace.toString(), deniedPaths, maskedEnvFiles, launcher,
                EnvironmentPolicy.local(environment, passThrough));
    }

    /**
     * As above for any isolation backend.
     *
     * @param visibleRoot the workspace as the model sees it ({@code /workspace} under {@code sandbox})
     * @param environment the backend's environment policy for {@code exec}
     */
    public static BaseSkillHost open(Path workspace, String visibleRoot, List<Path> deniedPaths,
                                     List<Path> maskedEnvFiles, ProcessLauncher launcher,
                                     EnvironmentPolicy environment) {
        return new BaseSkillHost(BaseSkill.create(new BaseSkillOptions(workspace, visibleRoot, deniedPaths,
                maskedEnvFiles, launcher, environment, true)));
    }

    BaseSkill skill() {
        return skill;
    }

    @Override
    public void close() {
        skill.close();
    }
}
