package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.reference.ReferenceRangeTest;
import org.clr4j.reference.RunRecord;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.Suggestion;
import org.clr4j.rangetest.SuggestionMethod;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clr4j find}: the learning-rate range test, its suggested bounds and the ready schedule spec. */
@Command(name = "find", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Runs the learning-rate range test: one short run that raises the learning rate step by step while "
            + "watching the loss and held-out accuracy, then suggests lower and upper bounds and prints a ready "
            + "schedule spec. The model and data order are left exactly as they were.",
        "",
        "Writes range-test.csv, range-test.json (run record) and range-test.png to --out."})
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

  @Override
  public Integer call() throws IOException {
    common.validate();
    Checks.atLeast("--epochs", epochs, 1);
    PolicyChoice.check(policy);
    TrainTest data = common.load();
    PrintWriter o = spec.commandLine().getOut();
    o.println("data:  " + data.train());
    Found found = range.run(common, data, o);
    long perEpoch = Steps.perEpoch(data.train().size(), common.batchSize);
    Schedule schedule = PolicyChoice.schedule(policy, found.chosen(), perEpoch, perEpoch * epochs);
    o.println();
    o.println("schedule for " + epochs + " epoch(s) of " + perEpoch + " steps:");
    o.println("  " + schedule);
    Files.createDirectories(out);
    found.write(out, common, data, schedule, "find");
    o.println();
    o.println("wrote " + out.resolve("range-test.csv") + ", range-test.json, range-test.png");
    o.flush();
    return 0;
  }

  /** The range test's own options, shared by find, train --bounds auto and demo. */
  static final class RangeTestOptions {
    @Option(names = "--method", paramLabel = "M",
        description = "Suggestion method: divergence (the default, chosen by measurement), minimum, steepest, "
            + "min_div_10, valley or accuracy (see docs/RANGE_TEST.md).")
    String method;

    @Option(names = "--range-steps", paramLabel = "N", defaultValue = "100",
        description = "Steps of the range test. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--start-lr", paramLabel = "LR", defaultValue = "1e-5",
        description = "First learning rate tested. Default: ${DEFAULT-VALUE}.")
    double startLr;

    @Option(names = "--end-lr", paramLabel = "LR", defaultValue = "10",
        description = "Last learning rate tested. Default: ${DEFAULT-VALUE}.")
    double endLr;

    @Option(names = "--linear", description = "Raise the rate linearly (as in the CLR paper), not exponentially.")
    boolean linear;

    @Option(names = "--eval-every", paramLabel = "K", defaultValue = "5",
        description = "Evaluate held-out accuracy every K steps (0: never). Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--validation", paramLabel = "N", defaultValue = "1000",
        description = "Training samples held out for that accuracy. Default: ${DEFAULT-VALUE}.")
    int validation;

    SuggestionMethod method() {
      if (method == null) {
        return SuggestionMethod.DEFAULT;
      }
      for (SuggestionMethod m : SuggestionMethod.values()) {
        if (m.cliName().equals(method)) {
          return m;
        }
      }
      List<String> names = new ArrayList<>();
      for (SuggestionMethod m : SuggestionMethod.values()) {
        names.add(m.cliName());
      }
      throw new IllegalArgumentException("--method (" + method + ") must be one of " + String.join(", ", names));
    }

    RangeTest test() {
      return RangeTest.builder().startLr(startLr).endLr(endLr).steps(steps)
          .spacing(linear ? RangeTest.Spacing.LINEAR : RangeTest.Spacing.EXPONENTIAL).evalEvery(evalEvery).build();
    }

    /** Runs the test with a progress bar and prints every method's suggestion, marking the chosen one. */
    Found run(DataModelOptions common, TrainTest data, PrintWriter o) {
      SuggestionMethod chosenMethod = method();
      RangeTest test = test();
      long t0 = System.nanoTime();
      RangeTestResult result;
      try (Progress bar = new Progress("range test", test.steps(), "steps")) {
        result = ReferenceRangeTest.run(common.referenceModel(), data.train(), common.batchSize, test,
            common.optimizerConfig(), evalEvery > 0 ? validation : 0, common.seed, common.device(),
            (p, total) -> bar.stepTo(p.index() + 1, String.format(Locale.ROOT, "lr %.2e loss %.3f%s",
                p.lr(), p.loss(), p.hasAccuracy() ? String.format(Locale.ROOT, " acc %.3f", p.accuracy()) : "")));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      o.printf(Locale.ROOT, "range test: %d steps of %d samples, lr %s → %s, %.1f s, stopped: %s%n",
          result.points().size(), common.batchSize, Charts.fmt(test.lrAt(0)),
          Charts.fmt(result.points().get(result.points().size() - 1).lr()), seconds,
          result.stopReason().toString().toLowerCase(Locale.ROOT));
      o.println();
      o.printf("  %-11s %-10s %-10s %s%n", "method", "lower", "upper", "why");
      for (SuggestionMethod m : SuggestionMethod.values()) {
        Suggestion s = result.suggestions().get(m);
        String mark = m == chosenMethod ? "*" : " ";
        if (s != null) {
          o.printf("%s %-11s %-10s %-10s %s%n", mark, m.cliName(), Charts.fmt(s.lower()), Charts.fmt(s.upper()),
              s.reason());
        } else {
          o.printf("%s %-11s %-10s %-10s %s%n", mark, m.cliName(), "-", "-", result.failures().get(m));
        }
      }
      Suggestion chosen = result.suggestion(chosenMethod);
      o.println();
      o.println("chosen (" + chosenMethod.cliName() + "): lower " + Charts.fmt(chosen.lower()) + ", upper "
          + Charts.fmt(chosen.upper()));
      return new Found(result, chosen, seconds, test);
    }
  }

  /** A finished range test and the suggestion chosen from it. */
  record Found(RangeTestResult result, Suggestion chosenSuggestion, double seconds, RangeTest test) {
    org.clr4j.rangetest.Bounds chosen() {
      return chosenSuggestion.bounds();
    }

    void write(Path dir, DataModelOptions common, TrainTest data, Schedule schedule, String command)
        throws IOException {
      Files.writeString(dir.resolve("range-test.csv"), result.toCsv(), StandardCharsets.UTF_8);
      Charts.rangeTest(result, chosenSuggestion, "Range test: " + common.model + " on " + data.train().name()
          + " (" + chosenSuggestion.method().cliName() + ")", dir.resolve("range-test.png"));
      RunRecord record = RunRecord.of(command);
      record.put("range_test", test.toString());
      record.put("model", common.model).put("optimizer", common.optimizerConfig().toString())
          .put("batch_size", common.batchSize).put("seed", common.seed).put("threads", common.threads())
          .put("data", data.train().source()).put("data_name", data.train().name())
          .put("train_samples", data.train().size()).put("seconds", seconds)
          .put("stop_reason", result.stopReason().toString()).put("points", result.points().size());
      Map<String, Object> suggestions = new LinkedHashMap<>();
      for (Map.Entry<SuggestionMethod, Suggestion> e : result.suggestions().entrySet()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("lower", e.getValue().lower());
        s.put("upper", e.getValue().upper());
        s.put("reason", e.getValue().reason());
        suggestions.put(e.getKey().cliName(), s);
      }
      for (Map.Entry<SuggestionMethod, String> e : result.failures().entrySet()) {
        suggestions.put(e.getKey().cliName(), Map.of("failed", e.getValue()));
      }
      record.put("suggestions", suggestions).put("chosen_method", chosenSuggestion.method().cliName());
      record.put("schedule", schedule.toString());
      record.write(dir.resolve("range-test.json"));
    }
  }

  /** Turns a policy name and bounds into a schedule. */
  static final class PolicyChoice {
    static final List<String> POLICIES = List.of("onecycle", "triangular", "triangular2", "exp_range");

    static void check(String policy) {
      if (!POLICIES.contains(policy)) {
        throw new IllegalArgumentException("--policy (" + policy + ") must be one of " + String.join(", ", POLICIES));
      }
    }

    static Schedule schedule(String policy, org.clr4j.rangetest.Bounds found, long perEpoch, long totalSteps) {
      check(policy);
      org.clr4j.rangetest.Bounds bounds = found.rounded(2);
      if (policy.equals("onecycle")) {
        return bounds.oneCycle(totalSteps);
      }
      return bounds.cyclic(CyclicPolicy.fromSpecName(policy), perEpoch, totalSteps);
    }
  }
}
