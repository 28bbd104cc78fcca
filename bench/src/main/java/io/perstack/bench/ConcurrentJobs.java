package io.perstack.bench;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.Providers;
import io.perstack.runtime.JobSettings;
import io.perstack.runtime.Perstack;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.RunOptions;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.RunSpec;
import io.perstack.runtime.loop.RunControl;
import io.perstack.runtime.storage.FileStorage;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many jobs in one JVM: {@code jobs} jobs of {@code steps} steps each run at once on virtual threads against a scripted
 * server that takes {@code latencyMs} per generation, sharing one provider client (one connection pool). Prints wall
 * time, how many jobs ended, peak heap and process CPU time per step.
 *
 * <p>Usage: {@code ConcurrentJobs [jobs=500] [steps=10] [latencyMs=1000]}
 */
public final class ConcurrentJobs {
    private ConcurrentJobs() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int latency = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        // Every generation asks for one more healthCheck; the step limit ends each job after exactly `steps` steps.
        Script script = Script.parse("""
                {"replies":[],"fallback":{"toolCalls":[{"id":"toolu_b","name":"healthCheck","input":{}}],
                 "usage":{"input":100,"output":10},"delayMs":%d}}""".formatted(latency));
        Path root = Files.createTempDirectory("perstack-bench-");
        try (ScriptedLlmServer server = ScriptedLlmServer.start(script, new ScriptedLlmServer.Options(0, false, r -> {}));
             Providers providers = new Providers()) {
            Map<String, String> env = new HashMap<>();
            env.put("ANTHROPIC_API_KEY", "bench");
            env.put("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
            LlmClient shared = providers.create(ProviderSettings.resolve(ProviderConfig.DEFAULT, env), null);
            ExpertConfig expert = new ExpertConfig("looper", "looper", null, null, "Loops", "Call healthCheck.",
                    null, null, null, null, null, null);
            FileStorage storage = new FileStorage(root.resolve("perstack"));
            RunOptions options = new RunOptions(storage, List.of(), RunControl.none(), s -> shared,
                    List.of(), root.resolve("perstack"));
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            List<Future<Checkpoint>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < jobs; i++) {
                    JobSettings job = new JobSettings("claude-sonnet-4-5", ProviderConfig.DEFAULT,
                            Map.of("looper", expert), ReasoningBudget.parse("none"), steps,
                            JobSettings.DEFAULT_MAX_RETRIES, 600_000, "https://api.perstack.ai", null, null, env, null,
                            false, "local", root, List.of(), null, 262_144, Map.of());
                    RunSetting setting = new RunSetting(job, new RunSpec(Ids.next(), Ids.next(), "looper",
                            RunInput.text("Loop"), System.currentTimeMillis()));
                    results.add(pool.submit(() -> Perstack.run(setting, null, options)));
                }
                int ended = 0;
                int totalSteps = 0;
                Map<String, Integer> byStatus = new java.util.TreeMap<>();
                for (Future<Checkpoint> f : results) {
                    Checkpoint c = f.get();
                    ended++;
                    totalSteps += c.stepNumber();
                    String key = c.status().toString() + (c.error() == null ? "" : " " + c.error().name()
                            + ": " + c.error().message());
                    byStatus.merge(key, 1, Integer::sum);
                }
                System.out.println("final states: " + byStatus);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpuPerStepMs = (processCpuNanos() - cpu0) / 1e6 / totalSteps;
                System.out.printf("jobs %d, ended %d, steps %d, wall %.1f s, peak heap %.0f MiB, "
                                + "CPU per step %.2f ms%n", jobs, ended, totalSteps, wall, peakHeapMiB(),
                        cpuPerStepMs);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024.0 * 1024.0);
    }
}
