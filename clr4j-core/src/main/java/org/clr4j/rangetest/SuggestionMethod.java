package org.clr4j.rangetest;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The ways a range test result turns into bounds; see docs/RANGE_TEST.md for each rule. */
public enum SuggestionMethod {
  /** Upper bound where the smoothed loss falls fastest against log10(lr). */
  STEEPEST(new SteepestSuggester()),
  /** Upper bound a tenth of the learning rate at the smoothed loss's minimum. */
  MIN_DIV_10(10),
  /** Upper bound the learning rate at the smoothed loss's minimum: the largest rate at which the loss still falls. */
  MINIMUM(1),
  /** Upper bound a tenth of the learning rate at which the loss blows up. */
  DIVERGENCE(new DivergenceSuggester()),
  /** Upper bound part-way along the longest descending valley of the smoothed loss, as fastai's {@code valley}. */
  VALLEY(new ValleySuggester()),
  /** Smith's rule: bounds where held-out accuracy starts to rise and where it stops rising, turns ragged or falls. */
  ACCURACY(new AccuracySuggester());

  /**
   * The method used when none is named: DIVERGENCE, chosen by measurement. Used as a 1cycle peak, its upper bound
   * landed within 0.5 percentage points of the best of a 7-value grid of peaks over 3 decades on every model and
   * dataset measured, where valley, steepest and min/10 chose rates 10–100× too low (docs/BENCHMARKS.md,
   * "Choosing the bounds").
   */
  public static final SuggestionMethod DEFAULT = DIVERGENCE;

  /**
   * The methods that stand in, in this order, when the default cannot decide (a loss that never blew up below the
   * test's last rate, say): minimum first, the largest rate at which the loss still fell, the nearest in spirit to
   * "a tenth of where it blows up".
   */
  public static final List<SuggestionMethod> FALLBACK = List.of(MINIMUM, VALLEY, MIN_DIV_10, STEEPEST, ACCURACY);

  private final Suggester suggester;

  SuggestionMethod(Suggester suggester) {
    this.suggester = suggester;
  }

  SuggestionMethod(double divisor) {
    this.suggester = new MinimumSuggester(this, divisor);
  }

  Suggester suggester() {
    return suggester;
  }

  /**
   * The method a result's {@code suggestion()} answers with: {@link #DEFAULT} when it is among {@code decided}, else
   * the first of {@link #FALLBACK} that is; null when none is.
   */
  public static SuggestionMethod firstDecided(Set<SuggestionMethod> decided) {
    if (decided.contains(DEFAULT)) {
      return DEFAULT;
    }
    for (SuggestionMethod m : FALLBACK) {
      if (decided.contains(m)) {
        return m;
      }
    }
    return null;
  }

  /**
   * {@link #firstDecided} of {@code decided}; when none decided, IllegalStateException with the default's reason
   * from {@code failures}. What a result's {@code suggestion()} asks.
   */
  static SuggestionMethod answering(Set<SuggestionMethod> decided, Map<SuggestionMethod, String> failures) {
    SuggestionMethod m = firstDecided(decided);
    if (m == null) {
      throw new IllegalStateException("no method can suggest bounds; the " + DEFAULT.cliName() + " method: "
          + failures.get(DEFAULT));
    }
    return m;
  }

  /** The lower-case name used by the CLI and in reasons, e.g. {@code min_div_10}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
