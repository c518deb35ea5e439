package org.clr4j.schedule;

import static org.clr4j.Checks.format;

import java.util.Objects;

/**
 * Cyclical learning rates (Smith 2017), value for value equal to PyTorch {@code CyclicLR}, plus the seed paper's
 * exponential decay of both bounds. Built by {@link CyclicScheduleBuilder}, which validates every parameter.
 */
final class CyclicSchedule implements Schedule {
  private final CyclicPolicy policy; // null for a custom scale function
  private final ScaleFunction customScale;
  private final ScaleMode scaleMode;
  private final double baseLr;
  private final double maxLr;
  private final long stepSizeUp;
  private final long stepSizeDown;
  private final double gamma;
  private final double decay;
  private final boolean cycleMomentum;
  private final double baseMomentum;
  private final double maxMomentum;
  // Derived exactly as PyTorch derives them, so that rounding matches too.
  private final double totalSize;
  private final double stepRatio;
  // gamma^step and decay^step as exp(step * ln x): exp costs a fraction of pow. The relative error is about
  // 2e-16 * |step * ln x|, under 2e-13 wherever the result is not zero (|step * ln x| < 745 there); PyTorch parity
  // needs 1e-9.
  private final double lnGamma;
  private final double lnDecay;

  CyclicSchedule(CyclicPolicy policy, ScaleFunction customScale, ScaleMode scaleMode, double baseLr, double maxLr,
      long stepSizeUp, long stepSizeDown, double gamma, double decay, boolean cycleMomentum, double baseMomentum,
      double maxMomentum) {
    this.policy = policy;
    this.customScale = customScale;
    this.scaleMode = scaleMode;
    this.baseLr = baseLr;
    this.maxLr = maxLr;
    this.stepSizeUp = stepSizeUp;
    this.stepSizeDown = stepSizeDown;
    this.gamma = gamma;
    this.decay = decay;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentum = baseMomentum;
    this.maxMomentum = maxMomentum;
    this.totalSize = (double) (stepSizeUp + stepSizeDown);
    this.stepRatio = stepSizeUp / totalSize;
    this.lnGamma = Math.log(gamma);
    this.lnDecay = Math.log(decay);
  }

  /** Position in the cycle: 0 at base, 1 at the peak. */
  private double scaleFactor(double cycle, long step) {
    double x = 1. + step / totalSize - cycle;
    return x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
  }

  private double amplitudeScale(double cycle, long step) {
    if (policy == CyclicPolicy.TRIANGULAR) {
      return 1.0;
    } else if (policy == CyclicPolicy.TRIANGULAR2) {
      // 1 / 2^(cycle-1) exactly, as PyTorch's 1 / (2. ** (cycle - 1)), without the cost of pow.
      return cycle > 2000 ? 0.0 : Math.scalb(1.0, 1 - (int) cycle);
    } else if (policy == CyclicPolicy.EXP_RANGE) {
      return Math.exp(step * lnGamma);
    }
    return customScale.scale(scaleMode == ScaleMode.CYCLE ? cycle : step);
  }

  @Override
  public double valueAt(long step) {
    Schedules.checkStep(step);
    double cycle = Math.floor(1 + step / totalSize);
    double baseHeight = (maxLr - baseLr) * scaleFactor(cycle, step);
    double lr = baseLr + baseHeight * amplitudeScale(cycle, step);
    // Decaying both bounds by decay^step is the same as decaying their interpolation.
    return decay == 1.0 ? lr : lr * Math.exp(step * lnDecay);
  }

  @Override
  public double momentumAt(long step) {
    Schedules.checkStep(step);
    if (!cycleMomentum) {
      return Double.NaN;
    }
    double cycle = Math.floor(1 + step / totalSize);
    double baseHeight = (maxMomentum - baseMomentum) * scaleFactor(cycle, step);
    return maxMomentum - baseHeight * amplitudeScale(cycle, step);
  }

  @Override
  public boolean hasMomentum() {
    return cycleMomentum;
  }

  CyclicPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(policy == null ? "custom_cyclic" : policy.specName()).append('(');
    sb.append("base=").append(format(baseLr));
    sb.append(", max=").append(format(maxLr));
    sb.append(", up=").append(stepSizeUp);
    if (stepSizeDown != stepSizeUp) {
      sb.append(", down=").append(stepSizeDown);
    }
    if (policy == CyclicPolicy.EXP_RANGE) {
      sb.append(", gamma=").append(format(gamma));
    }
    if (cycleMomentum) {
      sb.append(", momentum=").append(format(baseMomentum)).append(':').append(format(maxMomentum));
    }
    if (decay != 1.0) {
      sb.append(", decay=").append(format(decay));
    }
    if (policy == null) {
      sb.append(", scale=").append(customScale).append(", mode=").append(scaleMode.name().toLowerCase());
    }
    return sb.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CyclicSchedule)) {
      return false;
    }
    CyclicSchedule c = (CyclicSchedule) o;
    return policy == c.policy && Objects.equals(customScale, c.customScale) && scaleMode == c.scaleMode
        && Double.compare(baseLr, c.baseLr) == 0 && Double.compare(maxLr, c.maxLr) == 0
        && stepSizeUp == c.stepSizeUp && stepSizeDown == c.stepSizeDown && Double.compare(gamma, c.gamma) == 0
        && Double.compare(decay, c.decay) == 0 && cycleMomentum == c.cycleMomentum
        && Double.compare(baseMomentum, c.baseMomentum) == 0 && Double.compare(maxMomentum, c.maxMomentum) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, customScale, scaleMode, baseLr, maxLr, stepSizeUp, stepSizeDown, gamma, decay,
        cycleMomentum, baseMomentum, maxMomentum);
  }
}
