package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.tuning.WeightDecayChoice;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.TrainingDivergedException;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.clr4j.reference.ReferenceRun;
import org.clr4j.reference.ReferenceTraining;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clr4j demo}: the range test, then fixed lr, triangular2 (CLR) and 1cycle trained under one budget, compared
 * in a table on standard output and in an HTML report with plots.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    defaultValueProvider = DemoCommand.Defaults.class,
    description = {
        "The whole story in one command, offline: runs the learning-rate range test on the embedded Fashion-MNIST "
            + "subset, then trains the same model three times with the same data, seed, optimizer and number of "
            + "epochs: a fixed learning rate, triangular2 (cyclical, between the range test's bounds) and 1cycle "
            + "(peaking at the upper bound). Prints test accuracy per epoch, time and throughput of each, and a "
            + "verdict.",
        "",
        "Writes to --out: index.html (open it in a browser) with range-test.png, accuracy.png, schedules.png and "
            + "loss.png beside it; demo.json (run record of the whole demo); range-test.csv/json; and "
            + "steps.csv, epochs.csv and per-run plots in fixed/, triangular2/ and onecycle/.",
        ""})
final class DemoCommand implements Callable<Integer> {
  /**
   * The demo's model. The cnn (about 1,600 samples/s on 2 cores) finishes the three 5-epoch runs on the 10k
   * embedded subset in about 2 minutes and separates the policies clearly; see docs and the report.
   */
  static final String DEFAULT_MODEL = "cnn";

  @Spec CommandSpec spec;

  @Mixin DataModelOptions common = new DataModelOptions();

  @Mixin RangeTestOptions range = new RangeTestOptions();

  /** The optimizer the runs train with: the options', with the searched weight decay under --weight-decay auto. */
  private OptimizerConfig optimizer;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
      description = "The budget every run gets. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--fixed-lr", paramLabel = "auto|LR", defaultValue = "auto",
      description = "The fixed run's learning rate; 'auto' is the geometric mean of the range test's bounds "
          + "(the middle of the trainable range on its log scale). Default: ${DEFAULT-VALUE}.")
  String fixedLr;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "clr4j-demo",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--train-samples", paramLabel = "N",
      description = "Train on the first N training samples only (quick trials, tests). Default: all.")
  Integer trainSamples;

  @Option(names = "--test-samples", paramLabel = "N",
      description = "Evaluate on the first N test samples only. Default: all.")
  Integer testSamples;

  /** The demo's model default differs from the other commands'; everything else keeps its annotation default. */
  static final class Defaults implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      if (arg instanceof OptionSpec o && o.longestName().equals("--model")) {
        return DEFAULT_MODEL;
      }
      return null;
    }
  }

  /** One of the three runs: what it is called, its schedule, and its outcome (result or why it failed). */
  static final class Run {
    final String id;
    final String label;
    final Schedule schedule;
    TrainingResult result;
    String failure;

    Run(String id, String label, Schedule schedule) {
      this.id = id;
      this.label = label;
      this.schedule = schedule;
    }

    List<EpochResult> epochs() {
      return result == null ? List.of() : result.epochs();
    }

    double finalAccuracy() {
      return result == null ? Double.NaN : result.finalAccuracy();
    }

    double trainSeconds() {
      List<EpochResult> e = epochs();
      return e.isEmpty() ? Double.NaN : e.get(e.size() - 1).trainSeconds();
    }

    double samplesPerSecond() {
      return result == null ? Double.NaN : result.samplesPerSecond();
    }
  }

  @Override
  public Integer call() throws IOException {
    // Nothing of the demo is saved before its report: a signal ends it with a line saying so.
    try (NoteOnSignal note = NoteOnSignal.install(spec.commandLine().getErr(), "clr4j: interrupted: the demo writes "
        + "its report only when it ends, so nothing was written; run it again")) {
      return demo();
    }
  }

  private Integer demo() throws IOException {
    long start = System.nanoTime();
    common.validate();
    if (common.optimizerConfig().kind().scheduleFree()) {
      throw new IllegalArgumentException("--optimizer (" + common.optimizer + ") is Schedule-Free, which takes no"
          + " cycled momentum: the demo's CLR and 1cycle runs need it; use train --optimizer " + common.optimizer
          + " --schedule 'warmup(steps=500, then=constant(lr=0.5))'");
    }
    Checks.atLeast("--epochs", epochs, 1);
    Double explicitLr = parseFixedLr(fixedLr);
    if (trainSamples != null) {
      Checks.atLeast("--train-samples", trainSamples, 10);
    }
    if (testSamples != null) {
      Checks.atLeast("--test-samples", testSamples, 1);
    }
    range.method(); // fail fast on a bad --method, before loading data
    TrainTest data = common.load();
    if (trainSamples != null || testSamples != null) {
      data = new TrainTest(trainSamples == null ? data.train() : data.train().head(trainSamples),
          testSamples == null ? data.test() : data.test().head(testSamples));
    }
    PrintWriter o = spec.commandLine().getOut();
    long perEpoch = Steps.perEpoch(data.train().size(), common.batchSize);
    long totalSteps = perEpoch * epochs;
    o.println("clr4j demo: range test, then fixed lr vs triangular2 (CLR) vs 1cycle, " + epochs + " epoch(s) each");
    o.println("data:  " + data.train().size() + " train / " + data.test().size() + " test samples of "
        + data.train().name());
    o.println("model: " + common.model + ", optimizer " + common.optimizerConfig() + ", batch " + common.batchSize
        + ", seed " + common.seed + ", " + common.threads() + " thread(s); " + perEpoch + " steps per epoch");
    o.println();
    o.println("[1/4] range test");
    o.flush();
    RangeTestOutcome found = range.run(common, data, o);
    Bounds bounds = found.chosen().rounded(2);
    WeightDecayChoice weightDecay = null;
    optimizer = common.optimizerConfig();
    if (common.autoWeightDecay()) {
      o.println();
      weightDecay = WeightDecayTuning.run(common, data.train(), common.batchSize, "onecycle", found.chosen(), o);
      optimizer = optimizer.withWeightDecay(weightDecay.weightDecay());
    }
    double lr = explicitLr != null ? explicitLr : geometricMean(bounds);
    List<Run> runs = List.of(
        new Run("fixed", "fixed lr", Schedule.parse("constant(lr=" + org.clr4j.Checks.format(lr) + ")")),
        new Run("triangular2", "triangular2",
            PolicyChoice.schedule("triangular2", found.chosen(), perEpoch, totalSteps)),
        new Run("onecycle", "1cycle",
            PolicyChoice.schedule("onecycle", found.chosen(), perEpoch, totalSteps)));
    o.println();
    o.println("schedules (" + epochs + " epoch(s) of " + perEpoch + " steps = " + totalSteps + " steps each):");
    for (Run r : runs) {
      o.printf("  %-12s %s%n", r.label, r.schedule);
    }
    o.println("  fixed lr: " + fixedLrRule(explicitLr != null, bounds));
    o.flush();
    for (int i = 0; i < runs.size(); i++) {
      o.println();
      o.println("[" + (i + 2) + "/4] training " + runs.get(i).label);
      o.flush();
      train(runs.get(i), data, totalSteps, o);
    }
    o.println();
    table(o, runs);
    o.println();
    List<String> verdict = verdict(runs, epochs);
    for (String line : verdict) {
      o.println(line);
    }
    Files.createDirectories(out);
    found.write(out, common, data, runs.get(2).schedule, "demo");
    DemoReport report = new DemoReport(out, common, optimizer, weightDecay, data, found, bounds, runs, epochs,
        perEpoch, fixedLrRule(explicitLr != null, bounds), verdict, reproduce(), (System.nanoTime() - start) / 1e9);
    report.write();
    o.println();
    o.println("wrote " + out.resolve("index.html") + " (open it in a browser), demo.json, plots and per-run CSVs");
    o.flush();
    return 0;
  }

  private void train(Run run, TrainTest data, long totalSteps, PrintWriter o) {
    try (Progress bar = new Progress(run.id, totalSteps, "steps")) {
      double[] lastAcc = {Double.NaN};
      TrainingLoop.Listener listener = new TrainingLoop.Listener() {
        @Override
        public void onStep(long step, long total, double lr, double momentum, double loss) {
          if (step % 5 == 0 || step == total - 1) {
            bar.stepTo(step + 1, String.format(Locale.ROOT, "lr %.2e loss %.3f%s", lr, loss,
                Double.isNaN(lastAcc[0]) ? "" : String.format(Locale.ROOT, " acc %.4f", lastAcc[0])));
          }
        }

        @Override
        public void onEpoch(EpochResult e) {
          lastAcc[0] = e.testAccuracy();
        }
      };
      recordOutcome(run, () -> trainWithLibrary(run.schedule, listener, data));
    }
    if (run.result != null) {
      o.printf(Locale.ROOT, "  %s: final test accuracy %.2f%%, %.1f s of training, %.0f samples/s%n", run.label,
          100 * run.finalAccuracy(), run.trainSeconds(), run.samplesPerSecond());
    } else {
      o.println("  " + run.label + ": " + run.failure);
    }
    o.flush();
  }

  /**
   * Runs {@code training} into {@code run}. A divergence is a result worth showing next to the other runs, not a
   * reason to lose them: it becomes the run's failure. Anything else (e.g. the optimizer refusing a NaN rate, which
   * is a bug in the schedule, not the model diverging) propagates.
   */
  static void recordOutcome(Run run, Supplier<TrainingResult> training) {
    try {
      run.result = training.get();
    } catch (TrainingDivergedException diverged) {
      run.failure = diverged.getMessage();
    }
  }

  /** Trains one run's schedule: the demo's one call into the training library. */
  private TrainingResult trainWithLibrary(Schedule schedule, TrainingLoop.Listener listener, TrainTest data) {
    ReferenceRun config = new ReferenceRun(common.referenceModel(), common.batchSize, epochs, schedule,
        optimizer, common.seed, Double.NaN, 1000, null);
    return new ReferenceTraining(config, data, common.device(), listener).run(TrainingLoop.Resume.NO);
  }

  /** Rows: epochs, then final, best, training seconds and samples/s; one column per run. */
  static void table(PrintWriter o, List<Run> runs) {
    int rows = runs.stream().mapToInt(r -> r.epochs().size()).max().orElse(0);
    o.print("test accuracy");
    o.println();
    o.printf("  %-10s", "epoch");
    for (Run r : runs) {
      o.printf("%13s", r.label);
    }
    o.println();
    for (int e = 0; e < rows; e++) {
      o.printf("  %-10d", e + 1);
      for (Run r : runs) {
        o.printf("%13s", e < r.epochs().size() ? pct(r.epochs().get(e).testAccuracy()) : "-");
      }
      o.println();
    }
    row(o, "final", runs, r -> r.result == null ? "diverged" : pct(r.finalAccuracy()));
    row(o, "best", runs, r -> r.result == null ? "-" : pct(r.result.bestAccuracy()));
    row(o, "train s", runs, r -> r.result == null ? "-" : String.format(Locale.ROOT, "%.1f", r.trainSeconds()));
    row(o, "samples/s", runs,
        r -> r.result == null ? "-" : String.format(Locale.ROOT, "%.0f", r.samplesPerSecond()));
  }

  private static void row(PrintWriter o, String name, List<Run> runs, java.util.function.Function<Run, String> cell) {
    o.printf("  %-10s", name);
    for (Run r : runs) {
      o.printf("%13s", cell.apply(r));
    }
    o.println();
  }

  static String pct(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  /**
   * One line per cyclical run, against the fixed run's best epoch (the time-to-accuracy target, as in the papers and
   * {@code clr4j bench}): the first epoch at which it matched that accuracy, and where it ended.
   */
  static List<String> verdict(List<Run> runs, int epochs) {
    Run fixed = runs.get(0);
    List<String> lines = new ArrayList<>();
    if (fixed.result == null || fixed.epochs().isEmpty()) {
      lines.add("verdict: the fixed-lr run diverged; nothing to compare against");
      return lines;
    }
    EpochResult best = fixed.epochs().get(0);
    for (EpochResult e : fixed.epochs()) {
      if (e.testAccuracy() > best.testAccuracy()) {
        best = e;
      }
    }
    double target = best.testAccuracy();
    String what = "fixed lr's best accuracy " + pct(target) + " (its epoch " + best.epoch() + ")";
    for (Run r : runs.subList(1, runs.size())) {
      if (r.result == null) {
        lines.add("verdict: " + r.label + " diverged");
        continue;
      }
      int at = -1;
      for (EpochResult e : r.epochs()) {
        if (e.testAccuracy() >= target) {
          at = e.epoch();
          break;
        }
      }
      double diff = 100 * (r.finalAccuracy() - target);
      String end = String.format(Locale.ROOT, "ended at %s (%+.2f points)", pct(r.finalAccuracy()), diff);
      if (at > 0) {
        lines.add("verdict: " + r.label + " reached " + what + " at epoch " + at + " of " + epochs + " and " + end);
      } else {
        lines.add("verdict: " + r.label + " did not reach " + what + "; it " + end);
      }
    }
    return lines;
  }

  static Double parseFixedLr(String text) {
    if ("auto".equals(text)) {
      return null;
    }
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--fixed-lr (" + text + ") must be 'auto' or a number, e.g. 0.05");
    }
    return Checks.positive("--fixed-lr", v);
  }

  /** The middle of the bounds on a log scale, to 2 significant digits. */
  static double geometricMean(Bounds b) {
    return PolicyChoice.twoDigits(Math.sqrt(b.lower() * b.upper()));
  }

  static String fixedLrRule(boolean explicit, Bounds b) {
    if (explicit) {
      return "given with --fixed-lr";
    }
    return "geometric mean of the range test's bounds, sqrt(" + Checks.format(b.lower()) + " × "
        + Checks.format(b.upper()) + ") rounded to 2 digits: the middle of the trainable range on its log scale";
  }

  /** The command line that reproduces this demo, as given (shell-quoted where needed). */
  private String reproduce() {
    StringBuilder sb = new StringBuilder("clr4j");
    // The whole command line (picocli gives a subcommand the root's original arguments), "demo" included.
    for (String a : spec.root().commandLine().getParseResult().originalArgs()) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }
}
