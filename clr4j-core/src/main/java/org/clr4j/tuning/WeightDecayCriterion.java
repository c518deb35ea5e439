package org.clr4j.tuning;

/** What a {@link WeightDecaySearch} compares its trials by. */
public enum WeightDecayCriterion {
  /** The lowest mean held-out loss: Smith's signal (arXiv 1803.09820 reads the validation loss, not accuracy). */
  HELD_OUT_LOSS("held-out loss", false),
  /** The highest mean held-out accuracy. */
  HELD_OUT_ACCURACY("held-out accuracy", true);

  private final String words;
  private final boolean higherIsBetter;

  WeightDecayCriterion(String words, boolean higherIsBetter) {
    this.words = words;
    this.higherIsBetter = higherIsBetter;
  }

  /** The criterion in words, e.g. {@code held-out loss}. */
  public String words() {
    return words;
  }

  /** The trial's figure this criterion reads. */
  public double of(WeightDecayTrial trial) {
    return this == HELD_OUT_LOSS ? trial.loss() : trial.accuracy();
  }

  /** Whether {@code a} is strictly better than {@code b}, both finite. */
  boolean better(double a, double b) {
    return higherIsBetter ? a > b : a < b;
  }
}
