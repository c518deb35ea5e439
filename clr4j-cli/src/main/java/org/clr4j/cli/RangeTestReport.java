package org.clr4j.cli;

import static org.clr4j.cli.RangeTestOptions.cliTerms;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.RepeatedSuggestion;
import org.clr4j.rangetest.Spread;
import org.clr4j.rangetest.Suggestion;
import org.clr4j.rangetest.SuggestionMethod;

/**
 * What a finished range test prints: every method's suggestion (for several repeats, the medians and their spread),
 * the method chosen from them (--method, or when the default cannot decide the first of
 * {@link SuggestionMethod#FALLBACK} that can), and why.
 */
final class RangeTestReport {
  private final SuggestionMethod wanted;
  private final boolean methodGiven;
  private final double endLr;
  private final PrintWriter o;

  /**
   * @param wanted the method asked for (the default when {@code methodGiven} is false)
   * @param endLr the test's --end-lr, quoted when the loss never blew up below it
   */
  RangeTestReport(SuggestionMethod wanted, boolean methodGiven, double endLr, PrintWriter o) {
    this.wanted = wanted;
    this.methodGiven = methodGiven;
    this.endLr = endLr;
    this.o = o;
  }

  Suggestion printOne(RangeTestResult result, RangeTest test, int batch, double seconds) {
    o.printf(Locale.ROOT, "range test: %d steps of %d samples, lr %s → %s, %.1f s, stopped: %s%n",
        result.points().size(), batch, Charts.fmt(test.lrAt(0)),
        Charts.fmt(result.points().get(result.points().size() - 1).lr()), seconds,
        result.stopReason().toString().toLowerCase(Locale.ROOT));
    o.println();
    SuggestionMethod chosenMethod = chooseMethod(result.suggestions().keySet(), result.failures());
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
  Suggestion printRepeats(RangeTestRepeats results, RangeTest test, int batch, double seconds) {
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
    SuggestionMethod chosenMethod = chooseMethod(results.suggestions().keySet(), results.failures());
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
  SuggestionMethod chooseMethod(Set<SuggestionMethod> decided, Map<SuggestionMethod, String> failures) {
    if (decided.contains(wanted)) {
      return wanted;
    }
    String why = explain(wanted, cliTerms(failures.get(wanted)));
    if (!methodGiven) {
      // wanted is the default, which did not decide: the library's stand-in, as the results' suggestion() takes.
      SuggestionMethod m = SuggestionMethod.firstDecided(decided);
      if (m != null) {
        o.println("note: the " + wanted.cliName() + " method cannot suggest bounds: " + why + "; using "
            + m.cliName() + " instead (choose with --method)");
        o.println();
        return m;
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
