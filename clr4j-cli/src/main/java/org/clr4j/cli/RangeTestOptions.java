package org.clr4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.reference.ReferenceRangeTest;
import org.clr4j.rangetest.RangePoint;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.Suggestion;
import org.clr4j.rangetest.SuggestionMethod;
import picocli.CommandLine.Option;

/** The range test's own options, shared by find, train --bounds auto and demo. */
final class RangeTestOptions {
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

  /** Most range-test steps accepted. */
  static final int MAX_STEPS = 100_000;

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
  RangeTestOutcome run(DataModelOptions common, TrainTest data, PrintWriter o) {
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
    RangeTestReport report = new RangeTestReport(method(), method != null, endLr, o);
    Suggestion chosen = repeats == 1 ? report.printOne(results.repeats().get(0), test, batch, seconds)
        : report.printRepeats(results, test, batch, seconds);
    return new RangeTestOutcome(results, chosen, seconds, test, batch);
  }

}
