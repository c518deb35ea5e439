package org.clr4j.schedule;

import static org.clr4j.Checks.format;

import org.clr4j.Checks;

/**
 * Builds a 1cycle schedule with PyTorch {@code OneCycleLR}'s defaults: {@code pctStart} 0.3, {@code divFactor} 25,
 * {@code finalDivFactor} 1e4, cosine annealing, two phases, momentum cycled between 0.85 and 0.95.
 *
 * <pre>{@code
 * Schedule oneCycle = Schedules.oneCycle().maxLr(0.1).totalSteps(1000).build();
 * }</pre>
 */
public final class OneCycleScheduleBuilder {
  private double maxLr = Double.NaN;
  private long totalSteps = -1;
  private double pctStart = 0.3;
  private double divFactor = 25;
  private double finalDivFactor = 1e4;
  private Anneal anneal = Anneal.COS;
  private boolean threePhase;
  private boolean cycleMomentum = true;
  private double baseMomentum = 0.85;
  private double maxMomentum = 0.95;

  OneCycleScheduleBuilder() {}

  /** The peak learning rate; finite and {@code > 0}. */
  public OneCycleScheduleBuilder maxLr(double maxLr) {
    this.maxLr = Checks.positive("maxLr", maxLr);
    return this;
  }

  /** Number of training steps in the cycle ({@code >= 2}). */
  public OneCycleScheduleBuilder totalSteps(long totalSteps) {
    this.totalSteps = Checks.atLeast("totalSteps", totalSteps, 2);
    return this;
  }

  /** Fraction of the steps spent raising the rate; in {@code (0, 1)}. */
  public OneCycleScheduleBuilder pctStart(double pctStart) {
    this.pctStart = Checks.inOpenZeroOne("pctStart", pctStart);
    return this;
  }

  /** The starting rate is {@code maxLr / divFactor}; finite and {@code > 0}. */
  public OneCycleScheduleBuilder divFactor(double divFactor) {
    this.divFactor = Checks.positive("divFactor", divFactor);
    return this;
  }

  /** The final rate is {@code maxLr / divFactor / finalDivFactor}; finite and {@code > 0}. */
  public OneCycleScheduleBuilder finalDivFactor(double finalDivFactor) {
    this.finalDivFactor = Checks.positive("finalDivFactor", finalDivFactor);
    return this;
  }

  public OneCycleScheduleBuilder anneal(Anneal anneal) {
    this.anneal = Checks.notNull("anneal", anneal);
    return this;
  }

  /**
   * Three phases (up, back down to the start, then annealing far below it) as in fastai's original policy, instead
   * of two (up, then annealing).
   */
  public OneCycleScheduleBuilder threePhase(boolean threePhase) {
    this.threePhase = threePhase;
    return this;
  }

  /** Momentum (or beta1) cycled inversely between {@code low} and {@code high}; in {@code [0, 1)}. */
  public OneCycleScheduleBuilder momentum(double low, double high) {
    Checks.momentumRange(low, high);
    this.baseMomentum = low;
    this.maxMomentum = high;
    this.cycleMomentum = true;
    return this;
  }

  /** Leave the optimizer's momentum alone. */
  public OneCycleScheduleBuilder noMomentum() {
    this.cycleMomentum = false;
    return this;
  }

  public Schedule build() {
    if (Double.isNaN(maxLr)) {
      throw new IllegalArgumentException("maxLr is required");
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("totalSteps is required");
    }
    double end1 = pctStart * totalSteps - 1;
    if (!(end1 > 0)) {
      throw new IllegalArgumentException("pctStart * totalSteps (" + format(pctStart) + " * " + totalSteps + " = "
          + format(pctStart * totalSteps) + ") must be > 1, or the warm-up phase is empty");
    }
    if (threePhase && !(totalSteps - 1 > 2 * pctStart * totalSteps - 2)) {
      throw new IllegalArgumentException("pctStart (" + format(pctStart) + ") leaves the annealing phase of a "
          + "3-phase cycle of " + totalSteps + " steps empty: it must be below (totalSteps + 1) / (2 * totalSteps)");
    }
    return new OneCycleSchedule(maxLr, totalSteps, pctStart, divFactor, finalDivFactor, anneal, threePhase,
        cycleMomentum, baseMomentum, maxMomentum);
  }
}
