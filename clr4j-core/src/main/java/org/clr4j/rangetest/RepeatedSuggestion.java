package org.clr4j.rangetest;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One method's suggestion over the repeats of a range test: the median bounds, the spread of each bound, the
 * repeats that decided and why the others could not. Repeats are numbered by their position in
 * {@link RangeTestRepeats#repeats()}, from 0 (messages meant for people count from 1: "repeat 2" is position 1).
 * Immutable; made by {@link RangeTestRepeats}.
 */
public final class RepeatedSuggestion {
  private final SuggestionMethod method;
  private final int repeats;
  private final SortedMap<Integer, Suggestion> decided;
  private final SortedMap<Integer, String> failures;
  private final Spread lower;
  private final Spread upper;
  private final Bounds bounds;
  private final int nearestMedian;

  RepeatedSuggestion(SuggestionMethod method, int repeats, SortedMap<Integer, Suggestion> decided,
      SortedMap<Integer, String> failures) {
    if (decided.isEmpty()) {
      throw new IllegalArgumentException("decided must not be empty");
    }
    this.method = method;
    this.repeats = repeats;
    this.decided = Collections.unmodifiableSortedMap(new TreeMap<>(decided));
    this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    this.lower = Spread.of(decided.values().stream().mapToDouble(Suggestion::lower).toArray());
    this.upper = Spread.of(decided.values().stream().mapToDouble(Suggestion::upper).toArray());
    // Order statistics keep the order of what they summarize: lower_i <= upper_i for every repeat, so the median
    // lower is <= the median upper (Spread.geometricMean is monotone).
    this.bounds = new Bounds(lower.median(), upper.median());
    int best = -1;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (Map.Entry<Integer, Suggestion> e : this.decided.entrySet()) {
      double d = Math.abs(Math.log(e.getValue().upper() / upper.median()));
      if (d < bestDistance) {
        bestDistance = d;
        best = e.getKey();
      }
    }
    this.nearestMedian = best;
  }

  public SuggestionMethod method() {
    return method;
  }

  /** The chosen bounds: the median of the deciding repeats' lower bounds and the median of their upper bounds. */
  public Bounds bounds() {
    return bounds;
  }

  public double lower() {
    return bounds.lower();
  }

  public double upper() {
    return bounds.upper();
  }

  /** The deciding repeats' lower bounds: median, min, max. */
  public Spread lowerSpread() {
    return lower;
  }

  /** The deciding repeats' upper bounds: median, min, max. */
  public Spread upperSpread() {
    return upper;
  }

  /** How many repeats ran. */
  public int repeats() {
    return repeats;
  }

  /** The suggestion of each repeat that could decide, by position; never empty. */
  public SortedMap<Integer, Suggestion> decided() {
    return decided;
  }

  /** For each repeat that could not decide, by position, its reason; these are left out of the medians. */
  public SortedMap<Integer, String> failures() {
    return failures;
  }

  /** The deciding repeats' positions in order. */
  public List<Integer> decidingRepeats() {
    return List.copyOf(decided.keySet());
  }

  /**
   * The position of the deciding repeat whose upper bound lies nearest the median upper bound (in log lr; the
   * first such on a tie): the median repeat itself when an odd number decided. Its reason stands for the others.
   */
  public int nearestMedian() {
    return nearestMedian;
  }

  /**
   * One line: the medians and the spread of the upper bound, then the reason of the repeat nearest the median, e.g.
   * {@code median of 3 repeats, upper 0.049 (0.032..0.062, max/min 1.9); repeat 2: loss blows up ...}; a note on
   * the repeats that could not decide when some could not.
   */
  public String reason() {
    StringBuilder sb = new StringBuilder("median of ").append(decided.size()).append(decided.size() == 1 ? " repeat"
        : " repeats");
    if (!failures.isEmpty()) {
      sb.append(" (").append(failures.size()).append(" of ").append(repeats).append(" could not decide)");
    }
    sb.append(", upper ").append(upper).append("; repeat ").append(nearestMedian + 1).append(": ")
        .append(decided.get(nearestMedian).reason());
    return sb.toString();
  }

  /**
   * As a plain {@link Suggestion}: the median bounds and {@link #reason()}, no marked steps (the steps of one
   * repeat's points would not mark the medians).
   */
  public Suggestion toSuggestion() {
    return new Suggestion(method, bounds, reason(), List.of());
  }

  @Override
  public String toString() {
    return method.cliName() + ": " + bounds + " (" + reason() + ")";
  }
}
