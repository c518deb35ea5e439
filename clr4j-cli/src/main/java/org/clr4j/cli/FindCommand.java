package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
      Found found = range.run(common, data, o);
      long perEpoch = Steps.perEpoch(data.train().size(), batch);
      Schedule schedule;
      o.println();
      try {
        schedule = PolicyChoice.schedule(policy, found.chosen(), perEpoch, perEpoch * epochs);
        o.println("schedule for " + epochs + " epoch(s) of " + perEpoch + " steps:");
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

    /** The range test's options in CLI terms; fails (bad input) naming the option. */
    void validate() {
      method();
      if (steps > MAX_STEPS) {
        throw new IllegalArgumentException("--range-steps (" + steps + ") must be <= " + MAX_STEPS
            + "; a range test is one short run");
      }
      Checks.atLeast("--validation", validation, 0);
      test();
    }

    RangeTest test() {
      return test(evalEvery);
    }

    private RangeTest test(int every) {
      try {
        return RangeTest.builder().startLr(startLr).endLr(endLr).steps(steps)
            .spacing(linear ? RangeTest.Spacing.LINEAR : RangeTest.Spacing.EXPONENTIAL).evalEvery(every).build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(cliTerms(e.getMessage()), e);
      }
    }

    /** A library message in the user's terms: its parameter names become option names. */
    static String cliTerms(String message) {
      return message == null ? null : message.replaceAll("\\bstartLr\\b", "--start-lr")
          .replaceAll("\\bendLr\\b", "--end-lr").replaceAll("\\bevalEvery\\b", "--eval-every")
          .replaceAll("^steps\\b", "--range-steps").replaceAll("\\bminSteps\\b", "the range test's minimum steps");
    }

    /** Runs the test with a progress bar and prints every method's suggestion, marking the chosen one. */
    Found run(DataModelOptions common, TrainTest data, PrintWriter o) {
      validate();
      int n = data.train().size();
      // The hold-out and the batch are fitted to the data: on a small dataset (iris, 150 rows) the defaults would
      // leave fewer samples to train on than one batch.
      ReferenceRangeTest.Fitted fitted = ReferenceRangeTest.fit(n, common.batchSize, evalEvery > 0 ? validation : 0);
      int held = fitted.validationSamples();
      int every = held > 0 ? evalEvery : 0;
      int batch = fitted.batchSize();
      if (evalEvery > 0 && held < validation) {
        o.println("note: the range test holds out " + held + " of the " + n + " training samples for its accuracy "
            + "(--validation " + validation + " is more than a fifth of them)"
            + (every == 0 ? "; too few to evaluate, so it does not (--eval-every 0)" : ""));
      }
      if (batch < common.batchSize) {
        o.println("note: the range test trains on batches of " + batch + ": --batch-size " + common.batchSize
            + " is more than the " + (n - held) + " samples it trains on");
      }
      RangeTest test = test(every);
      long t0 = System.nanoTime();
      RangeTestResult result;
      try (Progress bar = new Progress("range test", test.steps(), "steps")) {
        result = ReferenceRangeTest.run(common.referenceModel(), data.train(), batch, test,
            common.optimizerConfig(), every > 0 ? held : 0, common.seed, common.device(),
            (p, total) -> bar.stepTo(p.index() + 1, String.format(Locale.ROOT, "lr %.2e loss %.3f%s",
                p.lr(), p.loss(), p.hasAccuracy() ? String.format(Locale.ROOT, " acc %.3f", p.accuracy()) : "")));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      o.printf(Locale.ROOT, "range test: %d steps of %d samples, lr %s → %s, %.1f s, stopped: %s%n",
          result.points().size(), batch, Charts.fmt(test.lrAt(0)),
          Charts.fmt(result.points().get(result.points().size() - 1).lr()), seconds,
          result.stopReason().toString().toLowerCase(Locale.ROOT));
      o.println();
      Suggestion chosen = choose(result, o);
      SuggestionMethod chosenMethod = chosen.method();
      o.printf("  %-11s %-10s %-10s %s%n", "method", "lower", "upper", "why");
      for (SuggestionMethod m : SuggestionMethod.values()) {
        Suggestion s = result.suggestions().get(m);
        String mark = m == chosenMethod ? "*" : " ";
        if (s != null) {
          o.printf("%s %-11s %-10s %-10s %s%n", mark, m.cliName(), Charts.fmt(s.lower()), Charts.fmt(s.upper()),
              s.reason());
        } else {
          o.printf("%s %-11s %-10s %-10s %s%n", mark, m.cliName(), "-", "-", cliTerms(result.failures().get(m)));
        }
      }
      o.println();
      o.println("chosen (" + chosenMethod.cliName() + "): lower " + Charts.fmt(chosen.lower()) + ", upper "
          + Charts.fmt(chosen.upper()));
      return new Found(result, chosen, seconds, test, batch);
    }

    /**
     * The suggestion of --method. A method that cannot decide is a normal outcome of a range test (a noisy loss
     * that never blows up below --end-lr): when --method was not given, the next method that could decide is taken
     * and the reason printed; when it was given, the run fails with what happened and what to change.
     */
    Suggestion choose(RangeTestResult result, PrintWriter o) {
      SuggestionMethod wanted = method();
      Suggestion s = result.suggestions().get(wanted);
      if (s != null) {
        return s;
      }
      String why = explain(wanted, cliTerms(result.failures().get(wanted)));
      if (method == null) {
        for (SuggestionMethod m : FALLBACK) {
          Suggestion other = result.suggestions().get(m);
          if (other != null) {
            o.println("note: the " + wanted.cliName() + " method cannot suggest bounds: " + why + "; using "
                + m.cliName() + " instead (choose with --method)");
            o.println();
            return other;
          }
        }
        throw new RunFailed("the range test suggests no bounds: " + why + "; no other method could decide either "
            + "(try other --start-lr/--end-lr or more --range-steps)");
      }
      throw new RunFailed("--method " + wanted.cliName() + " cannot suggest bounds from this range test: " + why
          + (result.suggestions().isEmpty() ? "" : "; or choose another --method (" + result.suggestions().keySet()
              .stream().map(SuggestionMethod::cliName).reduce((a, b) -> a + ", " + b).orElse("") + " could)"));
    }

    private String explain(SuggestionMethod m, String failure) {
      if (m == SuggestionMethod.DIVERGENCE && failure != null && failure.contains("never blew up")) {
        return "the loss never blew up up to --end-lr " + Charts.fmt(endLr) + " (" + failure.replaceFirst(
            "; raise --end-lr$", "") + "); raise --end-lr to test higher rates";
      }
      return failure;
    }
  }

  /**
   * The order in which methods stand in when the default cannot decide: minimum first, the largest rate at which
   * the loss still fell, the nearest in spirit to "a tenth of where it blows up" when it never blew up.
   */
  static final List<SuggestionMethod> FALLBACK = List.of(SuggestionMethod.MINIMUM, SuggestionMethod.VALLEY,
      SuggestionMethod.MIN_DIV_10, SuggestionMethod.STEEPEST, SuggestionMethod.ACCURACY);

  /** Most range-test steps accepted. */
  static final int MAX_STEPS = 100_000;

  /** A finished range test and the suggestion chosen from it. */
  /** {@code batch}: the batch size the test trained with (--batch-size fitted to the data). */
  record Found(RangeTestResult result, Suggestion chosenSuggestion, double seconds, RangeTest test, int batch) {
    org.clr4j.rangetest.Bounds chosen() {
      return chosenSuggestion.bounds();
    }

    /** Writes range-test.csv, range-test.png and range-test.json into {@code dir}, whole or not at all. */
    void write(Path dir, DataModelOptions common, TrainTest data, Schedule schedule, String command)
        throws IOException {
      try (Outputs outputs = new Outputs(dir)) {
        stage(outputs, common, data, schedule, command);
        outputs.commit();
      }
    }

    void stage(Outputs outputs, DataModelOptions common, TrainTest data, Schedule schedule, String command)
        throws IOException {
      String csv = result.toCsv();
      outputs.stage("range-test.csv", os -> os.write(csv.getBytes(StandardCharsets.UTF_8)));
      Charts.rangeTest(result, chosenSuggestion, "Range test: " + common.model + " on " + data.train().name()
          + " (" + chosenSuggestion.method().cliName() + ")", outputs, "range-test.png");
      RunRecord record = RunRecord.of(command);
      record.put("range_test", test.toString());
      record.put("model", common.model).put("optimizer", common.optimizerConfig().toString())
          .put("batch_size", batch).put("seed", common.seed).put("threads", common.threads())
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
      if (schedule != null) {
        record.put("schedule", schedule.toString());
      }
      String json = record.toJson() + "\n";
      outputs.stage("range-test.json", os -> os.write(json.getBytes(StandardCharsets.UTF_8)));
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
      try {
        if (policy.equals("onecycle")) {
          return bounds.oneCycle(totalSteps);
        }
        return bounds.cyclic(CyclicPolicy.fromSpecName(policy), perEpoch, totalSteps);
      } catch (IllegalArgumentException e) {
        // Too few steps for the policy (iris at batch 128 is one step an epoch): say which options change that.
        throw new IllegalArgumentException("--policy " + policy + " cannot fill " + totalSteps + " step(s) ("
            + perEpoch + " per epoch): " + e.getMessage() + "; raise --epochs or lower --batch-size", e);
      }
    }
  }
}
