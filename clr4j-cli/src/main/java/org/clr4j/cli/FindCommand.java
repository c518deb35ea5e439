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
import java.util.Set;
import java.util.concurrent.Callable;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.reference.ReferenceRangeTest;
import org.clr4j.reference.RunRecord;
import org.clr4j.rangetest.RangePoint;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.RepeatedSuggestion;
import org.clr4j.rangetest.Spread;
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
      Found found = range.run(common, data, o);
      long perEpoch = Steps.perEpoch(data.train().size(), batch);
      Schedule schedule;
      o.println();
      try {
        if (common.optimizerConfig().kind().scheduleFree()) {
          // No cycle fits Schedule-Free (it fixes its own momentum): its warm-up and constant rate instead.
          schedule = PolicyChoice.scheduleFree(found.chosen(), perEpoch * epochs);
          o.println("schedule for " + epochs + " epoch(s) of " + perEpoch + " steps (Schedule-Free: a warm-up, then "
              + Checks.format(PolicyChoice.SF_RATE_OVER_UPPER) + "× the upper bound; docs/RANGE_TEST.md):");
        } else {
          schedule = PolicyChoice.schedule(policy, found.chosen(), perEpoch, perEpoch * epochs);
          o.println("schedule for " + epochs + " epoch(s) of " + perEpoch + " steps:");
        }
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

  /** --repeats when not given: see docs/RANGE_TEST.md, "Repeats". */
  static final int DEFAULT_REPEATS = 3;

  /** Most repeats accepted. */
  static final int MAX_REPEATS = 100;

  static void checkRepeats(int repeats) {
    Checks.atLeast("--repeats", repeats, 1);
    if (repeats > MAX_REPEATS) {
      throw new IllegalArgumentException("--repeats (" + repeats + ") must be <= " + MAX_REPEATS
          + "; each repeat is a whole range test");
    }
  }

  /** The range test's own options, shared by find, train --bounds auto and demo. */
  static final class RangeTestOptions {
    @Option(names = "--repeats", paramLabel = "N", defaultValue = "" + DEFAULT_REPEATS,
        description = "Range tests to run, each from the same initialization with a data order of its own; the "
            + "bounds are the medians of theirs, printed with their spread (min..max, max/min). One test's upper "
            + "bound can move severalfold with the data order alone. 1: one test, as before. Default: "
            + "${DEFAULT-VALUE} (chosen by measurement, docs/RANGE_TEST.md).")
    int repeats = DEFAULT_REPEATS;

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
      checkRepeats(repeats);
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

    /**
     * Runs --repeats tests from the same initialization, each with a data order of its own, with a progress bar, and
     * prints every method's suggestion (for several repeats: the medians and their spread), marking the chosen one.
     * One repeat prints what a single test always printed.
     */
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
      RangeTestRepeats results;
      try (Progress bar = new Progress("range test", (long) test.steps() * repeats, "steps")) {
        RangeTest.Listener listener = new RangeTest.Listener() {
          private int repeat;

          @Override
          public void onRepeat(int r, int count) {
            repeat = r;
          }

          @Override
          public void onStep(RangePoint p, int steps) {
            bar.stepTo((long) repeat * steps + p.index() + 1, (repeats > 1 ? "repeat " + (repeat + 1) + "/"
                + repeats + " " : "") + String.format(Locale.ROOT, "lr %.2e loss %.3f%s", p.lr(), p.loss(),
                p.hasAccuracy() ? String.format(Locale.ROOT, " acc %.3f", p.accuracy()) : ""));
          }
        };
        results = ReferenceRangeTest.runRepeats(common.referenceModel(), data.train(), batch, test,
            common.optimizerConfig(), every > 0 ? held : 0, common.seed, repeats, common.device(), listener);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Suggestion chosen = repeats == 1 ? printOne(results.repeats().get(0), test, batch, seconds, o)
          : printRepeats(results, test, batch, seconds, o);
      return new Found(results, chosen, seconds, test, batch);
    }

    private Suggestion printOne(RangeTestResult result, RangeTest test, int batch, double seconds, PrintWriter o) {
      o.printf(Locale.ROOT, "range test: %d steps of %d samples, lr %s → %s, %.1f s, stopped: %s%n",
          result.points().size(), batch, Charts.fmt(test.lrAt(0)),
          Charts.fmt(result.points().get(result.points().size() - 1).lr()), seconds,
          result.stopReason().toString().toLowerCase(Locale.ROOT));
      o.println();
      SuggestionMethod chosenMethod = chooseMethod(result.suggestions().keySet(), result.failures(), o);
      Suggestion chosen = result.suggestions().get(chosenMethod);
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
      return chosen;
    }

    /**
     * The report of several repeats: one line per repeat, then per method the median bounds, the range of each
     * bound over the repeats, the upper bound's max/min, how many repeats decided and the reason of the repeat
     * nearest the median.
     */
    private Suggestion printRepeats(RangeTestRepeats results, RangeTest test, int batch, double seconds,
        PrintWriter o) {
      int count = results.count();
      o.printf(Locale.ROOT, "range test: %d repeats from the same initialization, each with a data order of its own; "
          + "batches of %d samples, lr %s → %s, %.1f s%n", count, batch, Charts.fmt(test.lrAt(0)),
          Charts.fmt(test.lrAt(test.steps() - 1)), seconds);
      for (int i = 0; i < count; i++) {
        RangeTestResult r = results.repeats().get(i);
        o.printf(Locale.ROOT, "  repeat %d: %d steps to lr %s, stopped: %s%n", i + 1, r.points().size(),
            Charts.fmt(r.points().get(r.points().size() - 1).lr()),
            r.stopReason().toString().toLowerCase(Locale.ROOT));
      }
      o.println();
      SuggestionMethod chosenMethod = chooseMethod(results.suggestions().keySet(), results.failures(), o);
      RepeatedSuggestion chosen = results.suggestions().get(chosenMethod);
      if (!chosen.failures().isEmpty()) {
        o.println("note: the " + chosenMethod.cliName() + " method could not decide in " + repeatList(chosen
            .failures().keySet()) + " of " + count + " (" + cliTerms(chosen.failures().values().iterator().next())
            + "); its bounds are the medians of the other " + chosen.decided().size());
        o.println();
      }
      String row = "%s %-11s %-10s %-10s %-19s %-19s %-8s %-8s %s%n";
      o.printf(row, " ", "method", "lower", "upper", "lower min..max", "upper min..max", "max/min", "decided",
          "why (the repeat nearest the median)");
      for (SuggestionMethod m : SuggestionMethod.values()) {
        RepeatedSuggestion s = results.suggestions().get(m);
        String mark = m == chosenMethod ? "*" : " ";
        if (s != null) {
          int quoted = s.nearestMedian();
          o.printf(row, mark, m.cliName(), Charts.fmt(s.lower()), Charts.fmt(s.upper()), range(s.lowerSpread()),
              range(s.upperSpread()), String.format(Locale.ROOT, "%.2f", s.upperSpread().ratio()),
              s.decided().size() + "/" + count, "repeat " + (quoted + 1) + ": " + s.decided().get(quoted).reason());
        } else {
          o.printf(row, mark, m.cliName(), "-", "-", "-", "-", "-", "0/" + count, cliTerms(results.failures()
              .get(m)));
        }
      }
      o.println();
      int decided = chosen.decided().size();
      o.println("chosen (" + chosenMethod.cliName() + ", " + (decided == 1 ? "the one repeat that decided"
          : "the medians of " + decided + " repeats") + "): "
          + "lower " + Charts.fmt(chosen.lower()) + ", upper " + Charts.fmt(chosen.upper()) + " (upper over the "
          + "repeats " + range(chosen.upperSpread()) + ", max/min " + String.format(Locale.ROOT, "%.2f",
              chosen.upperSpread().ratio()) + ")");
      return chosen.toSuggestion();
    }

    private static String range(Spread s) {
      return Charts.fmt(s.min()) + ".." + Charts.fmt(s.max());
    }

    /** "repeat 2", "repeats 1 and 3", "repeats 1, 2 and 4" (positions from 0, printed from 1). */
    static String repeatList(java.util.Collection<Integer> positions) {
      List<String> names = positions.stream().map(i -> Integer.toString(i + 1)).toList();
      if (names.size() == 1) {
        return "repeat " + names.get(0);
      }
      return "repeats " + String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size()
          - 1);
    }

    /**
     * The method of --method. A method that cannot decide is a normal outcome of a range test (a noisy loss that
     * never blows up below --end-lr): when --method was not given, the next method that could decide is taken and
     * the reason printed; when it was given, the run fails with what happened and what to change.
     */
    SuggestionMethod chooseMethod(Set<SuggestionMethod> decided, Map<SuggestionMethod, String> failures,
        PrintWriter o) {
      SuggestionMethod wanted = method();
      if (decided.contains(wanted)) {
        return wanted;
      }
      String why = explain(wanted, cliTerms(failures.get(wanted)));
      if (method == null) {
        for (SuggestionMethod m : FALLBACK) {
          if (decided.contains(m)) {
            o.println("note: the " + wanted.cliName() + " method cannot suggest bounds: " + why + "; using "
                + m.cliName() + " instead (choose with --method)");
            o.println();
            return m;
          }
        }
        throw new RunFailed("the range test suggests no bounds: " + why + "; no other method could decide either "
            + "(try other --start-lr/--end-lr or more --range-steps)");
      }
      throw new RunFailed("--method " + wanted.cliName() + " cannot suggest bounds from this range test: " + why
          + (decided.isEmpty() ? "" : "; or choose another --method (" + decided.stream()
              .map(SuggestionMethod::cliName).reduce((a, b) -> a + ", " + b).orElse("") + " could)"));
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

  /**
   * A finished range test (one or several repeats) and the suggestion chosen from it (for several repeats, the
   * medians); {@code batch}: the batch size the test trained with (--batch-size fitted to the data).
   */
  record Found(RangeTestRepeats repeats, Suggestion chosenSuggestion, double seconds, RangeTest test, int batch) {
    /** The first repeat's result: the only one unless find ran --repeats above 1. */
    RangeTestResult result() {
      return repeats.repeats().get(0);
    }

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
      boolean one = repeats.count() == 1;
      RangeTestResult result = result();
      String csv = one ? result.toCsv() : repeats.toCsv();
      outputs.stage("range-test.csv", os -> os.write(csv.getBytes(StandardCharsets.UTF_8)));
      String title = "Range test: " + common.model + " on " + data.train().name() + " ("
          + chosenSuggestion.method().cliName() + (one ? "" : ", median of " + repeats.count() + " repeats") + ")";
      if (one) {
        Charts.rangeTest(result, chosenSuggestion, title, outputs, "range-test.png");
      } else {
        Charts.rangeTestRepeats(repeats, chosenSuggestion, title, outputs, "range-test.png");
      }
      RunRecord record = RunRecord.of(command);
      record.put("range_test", test.toString());
      record.put("model", common.model).put("optimizer", common.optimizerConfig().toString())
          .put("batch_size", batch).put("seed", common.seed).put("threads", common.threads())
          .put("data", data.train().source()).put("data_name", data.train().name())
          .put("train_samples", data.train().size()).put("seconds", seconds);
      Map<String, Object> suggestions = new LinkedHashMap<>();
      if (one) {
        record.put("stop_reason", result.stopReason().toString()).put("points", result.points().size());
        for (Map.Entry<SuggestionMethod, Suggestion> e : result.suggestions().entrySet()) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("lower", e.getValue().lower());
          s.put("upper", e.getValue().upper());
          s.put("reason", e.getValue().reason());
          suggestions.put(e.getKey().cliName(), s);
        }
      } else {
        List<String> stops = new ArrayList<>();
        List<Integer> points = new ArrayList<>();
        for (RangeTestResult r : repeats.repeats()) {
          stops.add(r.stopReason().toString());
          points.add(r.points().size());
        }
        record.put("repeats", repeats.count()).put("stop_reasons", stops)
            .put("points", points.stream().mapToInt(Integer::intValue).sum()).put("repeat_points", points);
        for (Map.Entry<SuggestionMethod, RepeatedSuggestion> e : repeats.suggestions().entrySet()) {
          RepeatedSuggestion r = e.getValue();
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("lower", r.lower());
          s.put("upper", r.upper());
          s.put("reason", r.reason());
          s.put("lower_min", r.lowerSpread().min());
          s.put("lower_max", r.lowerSpread().max());
          s.put("upper_min", r.upperSpread().min());
          s.put("upper_max", r.upperSpread().max());
          s.put("upper_max_over_min", r.upperSpread().ratio());
          s.put("decided", r.decided().size());
          List<Object> lowers = new ArrayList<>();
          List<Object> uppers = new ArrayList<>();
          for (int i = 0; i < repeats.count(); i++) {
            Suggestion ofRepeat = r.decided().get(i);
            lowers.add(ofRepeat == null ? null : ofRepeat.lower());
            uppers.add(ofRepeat == null ? null : ofRepeat.upper());
          }
          s.put("repeat_lowers", lowers);
          s.put("repeat_uppers", uppers);
          if (!r.failures().isEmpty()) {
            Map<String, Object> failed = new LinkedHashMap<>();
            r.failures().forEach((i, why) -> failed.put(Integer.toString(i + 1), why));
            s.put("failed_repeats", failed);
          }
          suggestions.put(e.getKey().cliName(), s);
        }
      }
      Map<SuggestionMethod, String> failures = one ? result.failures() : repeats.failures();
      for (Map.Entry<SuggestionMethod, String> e : failures.entrySet()) {
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
    /**
     * Schedule-Free's constant rate over the range test's upper bound (with the default divergence method, 3/10 of
     * the rate where the loss blew up): chosen by measurement, docs/RANGE_TEST.md, "Schedule-Free".
     */
    static final double SF_RATE_OVER_UPPER = 3;

    /** Schedule-Free's schedule for {@code totalSteps}: the bench's warm-up, then a constant rate (above). */
    static Schedule scheduleFree(org.clr4j.rangetest.Bounds found, long totalSteps) {
      double rate = new java.math.BigDecimal(found.upper() * SF_RATE_OVER_UPPER)
          .round(new java.math.MathContext(2)).doubleValue();
      return BenchPlan.scheduleFree(rate, totalSteps);
    }

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
