package org.clr4j.rangetest;

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
   * The method used when none is named. VALLEY, fastai's default since 2021: on the measured curves it is the one
   * that neither lands on the first noisy descent (as steepest can) nor far below the useful range (as min/10 can).
   * See docs/RANGE_TEST.md and BENCHMARKS.md.
   */
  public static final SuggestionMethod DEFAULT = VALLEY;

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

  /** The lower-case name used by the CLI and in reasons, e.g. {@code min_div_10}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
