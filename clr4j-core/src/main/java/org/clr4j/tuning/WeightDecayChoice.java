package org.clr4j.tuning;

import java.util.List;
import org.clr4j.Checks;

/**
 * What a {@link WeightDecaySearch} chose and why: the weight decay, every trial it ran and the reason in words
 * (the rule and the figures it compared), as a range-test suggestion reports its own.
 */
public record WeightDecayChoice(double weightDecay, List<WeightDecayTrial> trials, String reason) {

  public WeightDecayChoice {
    Checks.nonNegative("weightDecay", weightDecay);
    trials = List.copyOf(Checks.notNull("trials", trials));
    Checks.notNull("reason", reason);
  }

  /** The mean held-out accuracy of {@code weightDecay}'s trials: NaN when one diverged or none ran. */
  public double meanAccuracy(double weightDecay) {
    return WeightDecaySearch.mean(trials, weightDecay, WeightDecayCriterion.HELD_OUT_ACCURACY);
  }

  /** The mean held-out loss of {@code weightDecay}'s trials: NaN when one diverged or none ran. */
  public double meanLoss(double weightDecay) {
    return WeightDecaySearch.mean(trials, weightDecay, WeightDecayCriterion.HELD_OUT_LOSS);
  }

  /** The trials' total wall time in seconds: what the choice cost. */
  public double seconds() {
    return trials.stream().mapToDouble(WeightDecayTrial::seconds).sum();
  }
}
