package io.perstack.base;

import io.perstack.core.launch.ProcessLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Placeholder replaced by the base-skill work. */
public record BaseSkillOptions(Path workspaceRoot, String modelVisibleRoot, List<Path> deniedPaths,
                               List<Path> maskedEnvFiles, ProcessLauncher launcher,
                               Map<String, String> execEnvironment, boolean inlineMedia) {}
