package io.perstack.cli.tui;

import java.util.regex.Pattern;

/**
 * The command that continues a stopped job, spelled out for copying: the Expert key as the shell needs it, the job
 * id, and a placeholder for what only the user can write.
 */
record ContinueCommand(String expertKey, String jobId) {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    /** {@code perstack run <expert> "<answer>" --continue-job <jobId> -i}. */
    String answer() {
        return "perstack run " + shellWord(expertKey) + " \"<answer>\" --continue-job " + jobId + " -i";
    }

    /** {@code perstack run <expert> "<query>" --continue-job <jobId>}. */
    String followUp() {
        return "perstack run " + shellWord(expertKey) + " \"<query>\" --continue-job " + jobId;
    }

    /** A follow-up that may take more steps: max steps count for the whole job. */
    String moreSteps() {
        return followUp() + " --max-steps <n>";
    }

    /** The key as one shell word; keys are validated names, so single quotes only guard odd characters. */
    static String shellWord(String s) {
        return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
