package org.clr4j.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import org.clr4j.Checks;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;

/** Turns a policy name and bounds into a schedule. */
final class PolicyChoice {
  private PolicyChoice() {}

  static final List<String> POLICIES = List.of("onecycle", "triangular", "triangular2", "exp_range");
  /**
   * Schedule-Free's constant rate over the range test's upper bound (with the default divergence method, 3/10 of
   * the rate where the loss blew up): chosen by measurement, docs/RANGE_TEST.md, "Schedule-Free".
   */
  static final double SF_RATE_OVER_UPPER = 3;
  /** How a Schedule-Free schedule comes from the bounds, in words (find and train print it). */
  static final String SF_RULE = "Schedule-Free: a warm-up, then " + Checks.format(SF_RATE_OVER_UPPER)
      + "× the upper bound";

  /**
   * The schedule {@code kind} trains on from the range test's bounds: Schedule-Free's ({@link #scheduleFree}), which
   * no cycle fits since it fixes its own momentum, else {@code policy}'s ({@link #schedule}).
   */
  static Schedule schedule(OptimizerKind kind, String policy, Bounds found, long perEpoch, long totalSteps) {
    return kind.scheduleFree() ? scheduleFree(found, totalSteps) : schedule(policy, found, perEpoch, totalSteps);
  }

  /** Schedule-Free's schedule for {@code totalSteps}: the bench's warm-up, then a constant rate (above). */
  static Schedule scheduleFree(Bounds found, long totalSteps) {
    return BenchPlan.scheduleFree(twoDigits(found.upper() * SF_RATE_OVER_UPPER), totalSteps);
  }

  /** {@code value} to 2 significant digits, as the bounds of a printed schedule are. */
  static double twoDigits(double value) {
    return new BigDecimal(value).round(new MathContext(2)).doubleValue();
  }

  static void check(String policy) {
    if (!POLICIES.contains(policy)) {
      throw new IllegalArgumentException("--policy (" + policy + ") must be one of " + String.join(", ", POLICIES));
    }
  }

  static Schedule schedule(String policy, Bounds found, long perEpoch, long totalSteps) {
    check(policy);
    Bounds bounds = found.rounded(2);
    try {
      if (policy.equals("onecycle")) {
        return bounds.oneCycle(totalSteps);
      }
      return bounds.cyclic(CyclicPolicy.fromSpecName(policy), perEpoch, totalSteps);
    } catch (IllegalArgumentException e) {
      // Too few steps for the policy (iris at batch 128 is one step an epoch): say which options change that.
      throw new IllegalArgumentException("--policy " + policy + " cannot fill " + totalSteps + " step(s) ("
          + perEpoch + " per epoch): " + e.getMessage() + "; raise --epochs or lower --batch-size", e);
    }
  }
}
