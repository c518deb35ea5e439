package org.clr4j.schedule;

import org.clr4j.Checks;

/**
 * Builds a cyclic schedule; each setter validates its argument, {@link #build()} checks the rules between them.
 *
 * <pre>{@code
 * Schedule clr = Schedules.cyclic(CyclicPolicy.TRIANGULAR2)
 *     .baseLr(0.001).maxLr(0.006).stepSizeUp(2000)
 *     .momentum(0.85, 0.95)
 *     .build();
 * }</pre>
 *
 * <p>{@code stepSizeUp} is the half-cycle length in iterations (training steps), not a learning rate.
 */
public final class CyclicScheduleBuilder {
  private final CyclicPolicy policy;
  private ScaleFunction customScale;
  private ScaleMode scaleMode = ScaleMode.CYCLE;
  private double baseLr = Double.NaN;
  private double maxLr = Double.NaN;
  private long stepSizeUp = -1;
  private long stepSizeDown = -1;
  private double gamma = 1.0;
  private boolean gammaSet;
  private double decay = 1.0;
  private boolean cycleMomentum;
  private double baseMomentum = Double.NaN;
  private double maxMomentum = Double.NaN;

  CyclicScheduleBuilder(CyclicPolicy policy) {
    this.policy = Checks.notNull("policy", policy);
  }

  CyclicScheduleBuilder(ScaleFunction scale, ScaleMode mode) {
    this.policy = null;
    this.customScale = Checks.notNull("scaleFunction", scale);
    this.scaleMode = Checks.notNull("scaleMode", mode);
  }

  /** The lower bound of the learning rate; finite and {@code > 0}. */
  public CyclicScheduleBuilder baseLr(double baseLr) {
    this.baseLr = Checks.positive("baseLr", baseLr);
    return this;
  }

  /** The upper bound of the learning rate; finite, {@code > 0} and {@code >= baseLr}. */
  public CyclicScheduleBuilder maxLr(double maxLr) {
    this.maxLr = Checks.positive("maxLr", maxLr);
    return this;
  }

  /** Iterations in the rising half of a cycle ({@code >= 1}); also the falling half unless set separately. */
  public CyclicScheduleBuilder stepSizeUp(long steps) {
    this.stepSizeUp = Checks.atLeast("stepSizeUp", steps, 1);
    return this;
  }

  /** Iterations in the falling half of a cycle ({@code >= 1}); defaults to {@code stepSizeUp}. */
  public CyclicScheduleBuilder stepSizeDown(long steps) {
    this.stepSizeDown = Checks.atLeast("stepSizeDown", steps, 1);
    return this;
  }

  /** exp_range only: the amplitude is multiplied by {@code gamma^step}; in {@code (0, 1]}. */
  public CyclicScheduleBuilder gamma(double gamma) {
    if (policy != CyclicPolicy.EXP_RANGE) {
      throw new IllegalArgumentException("gamma applies to exp_range only, not to "
          + (policy == null ? "a custom scale function" : policy.specName()));
    }
    this.gamma = Checks.inZeroOne("gamma", gamma);
    this.gammaSet = true;
    return this;
  }

  /**
   * Exponential decay of both bounds (Smith 2017, not in PyTorch): base and max are both multiplied by
   * {@code decay^step}. In {@code (0, 1]}; 1 means no decay.
   */
  public CyclicScheduleBuilder decay(double decay) {
    this.decay = Checks.inZeroOne("decay", decay);
    return this;
  }

  /**
   * Cycles momentum opposite to the learning rate: {@code high} at base lr, {@code low} at max lr. Both in
   * {@code [0, 1)}, {@code low <= high}.
   */
  public CyclicScheduleBuilder momentum(double low, double high) {
    Checks.momentumRange(low, high);
    this.baseMomentum = low;
    this.maxMomentum = high;
    this.cycleMomentum = true;
    return this;
  }

  /** Builds the schedule; fails naming any parameter that is missing or breaks a rule. */
  public Schedule build() {
    if (Double.isNaN(baseLr)) {
      throw new IllegalArgumentException("baseLr is required");
    }
    if (Double.isNaN(maxLr)) {
      throw new IllegalArgumentException("maxLr is required");
    }
    if (stepSizeUp < 0) {
      throw new IllegalArgumentException("stepSizeUp is required");
    }
    if (policy == CyclicPolicy.EXP_RANGE && !gammaSet) {
      throw new IllegalArgumentException("gamma is required for exp_range");
    }
    Checks.ordered("baseLr", baseLr, "maxLr", maxLr);
    long down = stepSizeDown < 0 ? stepSizeUp : stepSizeDown;
    return new CyclicSchedule(policy, customScale, scaleMode, baseLr, maxLr, stepSizeUp, down, gamma, decay,
        cycleMomentum, baseMomentum, maxMomentum);
  }
}
