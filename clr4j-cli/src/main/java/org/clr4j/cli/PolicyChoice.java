package org.clr4j.cli;

import java.util.List;
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

  /** Schedule-Free's schedule for {@code totalSteps}: the bench's warm-up, then a constant rate (above). */
  static Schedule scheduleFree(org.clr4j.rangetest.Bounds found, long totalSteps) {
    double rate = new java.math.BigDecimal(found.upper() * SF_RATE_OVER_UPPER)
        .round(new java.math.MathContext(2)).doubleValue();
    return BenchPlan.scheduleFree(rate, totalSteps);
  }

  static void check(String policy) {
    if (!POLICIES.contains(policy)) {
      throw new IllegalArgumentException("--policy (" + policy + ") must be one of " + String.join(", ", POLICIES));
    }
  }

  static Schedule schedule(String policy, org.clr4j.rangetest.Bounds found, long perEpoch, long totalSteps) {
    check(policy);
    org.clr4j.rangetest.Bounds bounds = found.rounded(2);
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
