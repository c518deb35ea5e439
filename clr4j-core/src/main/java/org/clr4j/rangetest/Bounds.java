package org.clr4j.rangetest;

import org.clr4j.Checks;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;

/**
 * Lower and upper learning-rate bounds, as a range test suggests them, and the schedules made from them.
 *
 * @param lower the lower bound; finite and {@code > 0}
 * @param upper the upper bound; finite and {@code >= lower}
 */
public record Bounds(double lower, double upper) {

  /**
   * Half-cycle length in epochs for cyclic schedules. Smith (2017, §3.2) advises a stepsize of 2–10 × the iterations
   * per epoch; 4 is what his CIFAR-10 experiments used (stepsize 2000 at 500 iterations per epoch), long enough for
   * the rising half to explore and short enough to fit several cycles in a typical budget.
   */
  public static final int STEPSIZE_EPOCHS = 4;

  /** exp_range only: the amplitude falls to this fraction of its start by the last step (see {@link #cyclic}). */
  public static final double EXP_RANGE_FINAL_AMPLITUDE = 0.01;

  public Bounds {
    Checks.positive("lower", lower);
    Checks.positive("upper", upper);
    Checks.ordered("lower", lower, "upper", upper);
  }

  /**
   * A triangular or triangular2 schedule between the bounds with stepsize {@link #STEPSIZE_EPOCHS} ×
   * {@code iterationsPerEpoch}. exp_range needs the run length to choose gamma: use
   * {@link #cyclic(CyclicPolicy, long, long)}.
   */
  public Schedule cyclic(CyclicPolicy policy, long iterationsPerEpoch) {
    Checks.notNull("policy", policy);
    Checks.atLeast("iterationsPerEpoch", iterationsPerEpoch, 1);
    if (policy == CyclicPolicy.EXP_RANGE) {
      throw new IllegalArgumentException(
          "policy (exp_range) needs totalSteps to choose gamma; use cyclic(policy, iterationsPerEpoch, totalSteps)");
    }
    return Schedules.cyclic(policy).baseLr(lower).maxLr(upper)
        .stepSizeUp(Math.multiplyExact(STEPSIZE_EPOCHS, iterationsPerEpoch)).build();
  }

  /**
   * A cyclic schedule that fits a whole number of cycles into {@code totalSteps}, so training ends at the lower
   * bound as Smith advises. The number of cycles is {@code max(1, round(totalSteps / (2 × STEPSIZE_EPOCHS ×
   * iterationsPerEpoch)))}, making the stepsize {@code floor(totalSteps / (2 × cycles))}: the multiple of the epoch
   * nearest to {@link #STEPSIZE_EPOCHS} that divides the budget (below 2 epochs only when the budget is shorter than
   * one such cycle). The at most {@code 2 × cycles − 1} steps left over start a new cycle at the lower bound.
   * exp_range gets {@code gamma = EXP_RANGE_FINAL_AMPLITUDE^(1/totalSteps)}, so its amplitude decays to 1 % by the
   * end, about what the paper's gamma 0.99994 gives over its 70,000 CIFAR-10 iterations.
   */
  public Schedule cyclic(CyclicPolicy policy, long iterationsPerEpoch, long totalSteps) {
    Checks.notNull("policy", policy);
    Checks.atLeast("iterationsPerEpoch", iterationsPerEpoch, 1);
    Checks.atLeast("totalSteps", totalSteps, 2);
    double ideal = 2.0 * STEPSIZE_EPOCHS * iterationsPerEpoch;
    long cycles = Math.max(1, Math.round(totalSteps / ideal));
    long stepSize = totalSteps / (2 * cycles);
    var builder = Schedules.cyclic(policy).baseLr(lower).maxLr(upper).stepSizeUp(stepSize);
    if (policy == CyclicPolicy.EXP_RANGE) {
      builder.gamma(Math.pow(EXP_RANGE_FINAL_AMPLITUDE, 1.0 / totalSteps));
    }
    return builder.build();
  }

  /**
   * A 1cycle schedule over {@code totalSteps} peaking at the upper bound and starting at the lower one or at
   * PyTorch's {@code upper / 25}, whichever is lower ({@code div = max(25, upper / lower)}): 1cycle's warm-up
   * starts well below the peak, and a lower bound only a few times below it would skip the warm-up.
   */
  public Schedule oneCycle(long totalSteps) {
    Checks.atLeast("totalSteps", totalSteps, 2);
    double div = Math.max(25, upper / lower);
    return Schedules.oneCycle().maxLr(upper).totalSteps(totalSteps).divFactor(div).build();
  }

  /**
   * These bounds to {@code digits} significant digits, e.g. 9.999999999999998e-4 to 1e-3: a range test cannot tell
   * rates closer than a few percent apart, and round numbers make readable specs.
   */
  public Bounds rounded(int digits) {
    Checks.atLeast("digits", digits, 1);
    java.math.MathContext mc = new java.math.MathContext(digits);
    double lo = new java.math.BigDecimal(lower).round(mc).doubleValue();
    double hi = new java.math.BigDecimal(upper).round(mc).doubleValue();
    return new Bounds(lo, Math.max(lo, hi));
  }

  @Override
  public String toString() {
    return Checks.format(lower) + ".." + Checks.format(upper);
  }
}
