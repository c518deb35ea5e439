package org.clr4j.rangetest;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.clr4j.Checks;

/**
 * Every point of a range test, why it stopped, and the suggestion of every method (or why a method could not
 * decide). Immutable.
 */
public final class RangeTestResult {
  private final List<RangePoint> points;
  private final StopReason stopReason;
  private final Map<SuggestionMethod, Suggestion> suggestions;
  private final Map<SuggestionMethod, String> failures;
  private final double[] suggesterLoss;

  RangeTestResult(List<RangePoint> points, StopReason stopReason) {
    this.points = List.copyOf(points);
    this.stopReason = Checks.notNull("stopReason", stopReason);
    Analysis analysis = new Analysis(this.points);
    this.suggesterLoss = analysis.curve.clone();
    Map<SuggestionMethod, Suggestion> ok = new EnumMap<>(SuggestionMethod.class);
    Map<SuggestionMethod, String> failed = new EnumMap<>(SuggestionMethod.class);
    for (SuggestionMethod method : SuggestionMethod.values()) {
      try {
        ok.put(method, method.suggester().suggest(analysis));
      } catch (CannotSuggest e) {
        failed.put(method, e.getMessage());
      }
    }
    this.suggestions = Collections.unmodifiableMap(ok);
    this.failures = Collections.unmodifiableMap(failed);
  }

  /** Every recorded step in order; {@code points().get(i).index() == i}. */
  public List<RangePoint> points() {
    return points;
  }

  public StopReason stopReason() {
    return stopReason;
  }

  /** The index of the last step that ran (the one that diverged or returned a non-finite loss); -1 if none ran. */
  public int stopStep() {
    return points.size() - 1;
  }

  /** The suggestions of the methods that could decide, keyed by method. */
  public Map<SuggestionMethod, Suggestion> suggestions() {
    return suggestions;
  }

  /** For each method that could not decide, the reason, e.g. "range test has 3 usable points; …". */
  public Map<SuggestionMethod, String> failures() {
    return failures;
  }

  /** The suggestion of {@code method}; throws IllegalStateException with the reason if it could not decide. */
  public Suggestion suggestion(SuggestionMethod method) {
    Suggestion s = suggestions.get(Checks.notNull("method", method));
    if (s == null) {
      throw new IllegalStateException("the " + method.cliName() + " method cannot suggest bounds: "
          + failures.get(method));
    }
    return s;
  }

  /**
   * The smoothed loss the loss-based suggesters read at point {@code index}: a running median of 5, then a centred
   * moving average (no lag); NaN from the first non-finite loss on. Their reasons ("smoothed loss is lowest (0.73)
   * at lr=...") quote this curve. {@link RangePoint#smoothedLoss()} is the lagging running average (EMA) the
   * divergence stop watches, which bottoms later and higher.
   */
  public double suggesterLoss(int index) {
    if (index < 0 || index >= points.size()) {
      throw new IllegalArgumentException("index (" + index + ") must be in [0, " + points.size() + ")");
    }
    return index < suggesterLoss.length ? suggesterLoss[index] : Double.NaN;
  }

  /**
   * The suggestion of {@link SuggestionMethod#DEFAULT}, or when it cannot decide, that of the first method of
   * {@link SuggestionMethod#FALLBACK} that can (its {@code method()} says which); throws IllegalStateException with
   * the default's reason when none can. {@link #suggestion(SuggestionMethod)} asks one method only.
   */
  public Suggestion suggestion() {
    return suggestion(SuggestionMethod.answering(suggestions.keySet(), failures));
  }

  /**
   * The points as CSV with the header {@code lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss}
   * ({@code smoothed_loss}: the running average of the divergence stop; {@code suggester_loss}: the curve the
   * suggestions read, see {@link #suggesterLoss}); numbers in the shortest form that parses back exactly,
   * {@code NaN} where not measured.
   */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss\n");
    for (RangePoint p : points) {
      sb.append(Checks.format(p.lr())).append(',').append(Checks.format(p.loss())).append(',')
          .append(Checks.format(p.smoothedLoss())).append(',').append(Checks.format(p.evalLoss())).append(',')
          .append(Checks.format(p.accuracy())).append(',').append(Checks.format(suggesterLoss(p.index())))
          .append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RangeTestResult(" + points.size() + " points, " + stopReason + ", " + suggestions.values() + ")";
  }
}
