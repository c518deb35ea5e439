package org.clr4j.tuning;

import org.clr4j.Checks;

/**
 * One short training run of a {@link WeightDecaySearch}: its weight decay, its seed, and the held-out loss and
 * accuracy it ended with.
 *
 * @param weightDecay finite and {@code >= 0}
 * @param loss        the mean held-out loss, {@code >= 0}; NaN or infinite for a run that diverged
 * @param accuracy    in {@code [0, 1]}, or NaN for a run that diverged
 * @param seconds     the run's wall time, {@code >= 0}
 */
public record WeightDecayTrial(double weightDecay, long seed, double loss, double accuracy, double seconds) {

  public WeightDecayTrial {
    weightDecay = Checks.nonNegative("weightDecay", weightDecay) + 0.0; // -0.0 is 0
    if (loss < 0) {
      throw new IllegalArgumentException("loss (" + Checks.format(loss) + ") must be >= 0, or NaN for a run that "
          + "diverged");
    }
    if (!Double.isNaN(accuracy) && !(accuracy >= 0 && accuracy <= 1)) {
      throw new IllegalArgumentException("accuracy (" + Checks.format(accuracy) + ") must be in [0, 1], or NaN for a "
          + "run that diverged");
    }
    Checks.nonNegative("seconds", seconds);
  }

  /** Whether the run diverged: its loss is not finite or it has no accuracy. */
  public boolean diverged() {
    return !Double.isFinite(loss) || Double.isNaN(accuracy);
  }
}
