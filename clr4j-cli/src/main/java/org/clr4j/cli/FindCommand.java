package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clr4j find}: the learning-rate range test, its suggested bounds and the ready schedule spec. */
@Command(name = "find", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Runs the learning-rate range test: a short run that raises the learning rate step by step while "
            + "watching the loss and held-out accuracy, then suggests lower and upper bounds and prints a ready "
            + "schedule spec. It runs --repeats times from the same initialization, each with a data order of its "
            + "own, and takes the medians of their bounds. The model and data order are left exactly as they were.",
        "",
        "Writes range-test.csv, range-test.json (run record) and range-test.png to --out."},
    footer = {"", Clr4j.EXIT_CODES})
final class FindCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataModelOptions common = new DataModelOptions();

  @Mixin RangeTestOptions range = new RangeTestOptions();

  @Option(names = "--policy", paramLabel = "P", defaultValue = "onecycle",
      description = "Policy of the printed schedule: onecycle, triangular, triangular2 or exp_range. "
          + "Default: ${DEFAULT-VALUE}.")
  String policy;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "2",
      description = "Epochs the printed schedule is sized for. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "clr4j-find",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--overwrite",
      description = "Replace the results of an earlier range test in --out (without it, find refuses to).")
  boolean overwrite;

  /** The files find writes into --out; range-test.json, the run record, is written last. */
  static final String[] OUTPUTS = {"range-test.csv", "range-test.png", "range-test.json"};

  @Override
  public Integer call() throws IOException {
    common.validate();
    common.refuseAutoWeightDecay("find");
    Checks.atLeast("--epochs", epochs, 1);
    PolicyChoice.check(policy);
    range.validate();
    RunDirectory.requireUsable("--out", out);
    TrainTest data = common.load();
    // Taken after the data loaded (bad data is refused without touching --out), before any work: a second run on
    // the same directory is refused at once, and an earlier run's results are kept unless --overwrite.
    try (RunDirectory dir = RunDirectory.lock("--out", out)) {
      dir.refuseExisting(overwrite, "the results of an earlier range test",
          "choose another --out or replace them with --overwrite", OUTPUTS);
      PrintWriter o = spec.commandLine().getOut();
      o.println("data:  " + data.train());
      int batch = common.batchSize(data, o);
      RangeTestOutcome found;
      try (NoteOnSignal note = NoteOnSignal.install(spec.commandLine().getErr(), "clr4j: interrupted during the "
          + "range test: nothing was written to " + out + "; run the command again")) {
        found = range.run(common, data, o);
      }
      long perEpoch = Steps.perEpoch(data.train().size(), batch);
      Schedule schedule;
      o.println();
      try {
        OptimizerKind kind = common.optimizerConfig().kind();
        schedule = PolicyChoice.schedule(kind, policy, found.chosen(), perEpoch, perEpoch * epochs);
        o.println("schedule for " + epochs + " epoch(s) of " + perEpoch + " steps"
            + (kind.scheduleFree() ? " (" + PolicyChoice.SF_RULE + "; docs/RANGE_TEST.md)" : "") + ":");
        o.println("  " + schedule);
      } catch (IllegalArgumentException e) {
        // The bounds are the result; a schedule too short for the policy is only a note.
        schedule = null;
        o.println("note: no schedule printed: " + e.getMessage());
      }
      found.write(out, common, data, schedule, "find");
      o.println();
      o.println("wrote " + out.resolve("range-test.csv") + ", range-test.json, range-test.png");
      o.flush();
    }
    return 0;
  }
}
