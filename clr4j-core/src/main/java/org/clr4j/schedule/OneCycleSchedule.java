package org.clr4j.schedule;

import static org.clr4j.Checks.format;

import java.util.Objects;

/**
 * The 1cycle policy (Smith and Topin 2017), value for value equal to PyTorch {@code OneCycleLR} for steps
 * {@code 0 … total-1}. Past the last step it holds the final value, where PyTorch extrapolates one step and then
 * throws: a training loop that runs one step long should not crash or see a rising rate.
 */
final class OneCycleSchedule implements Schedule {
  private final double maxLr;
  private final long totalSteps;
  private final double pctStart;
  private final double divFactor;
  private final double finalDivFactor;
  private final Anneal anneal;
  private final boolean threePhase;
  private final boolean cycleMomentum;
  private final double baseMomentum;
  private final double maxMomentum;
  // Phase table, derived exactly as PyTorch derives it.
  private final double[] endStep;
  private final double[] startLr;
  private final double[] endLr;
  private final double[] startMomentum;
  private final double[] endMomentum;

  OneCycleSchedule(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor,
      Anneal anneal, boolean threePhase, boolean cycleMomentum, double baseMomentum, double maxMomentum) {
    this.maxLr = maxLr;
    this.totalSteps = totalSteps;
    this.pctStart = pctStart;
    this.divFactor = divFactor;
    this.finalDivFactor = finalDivFactor;
    this.anneal = anneal;
    this.threePhase = threePhase;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentum = baseMomentum;
    this.maxMomentum = maxMomentum;
    double initialLr = maxLr / divFactor;
    double minLr = initialLr / finalDivFactor;
    double end1 = (double) (pctStart * totalSteps) - 1;
    if (threePhase) {
      endStep = new double[] {end1, 2 * pctStart * totalSteps - 2, totalSteps - 1};
      startLr = new double[] {initialLr, maxLr, initialLr};
      endLr = new double[] {maxLr, initialLr, minLr};
      startMomentum = new double[] {maxMomentum, baseMomentum, maxMomentum};
      endMomentum = new double[] {baseMomentum, maxMomentum, maxMomentum};
    } else {
      endStep = new double[] {end1, totalSteps - 1};
      startLr = new double[] {initialLr, maxLr};
      endLr = new double[] {maxLr, minLr};
      startMomentum = new double[] {maxMomentum, baseMomentum};
      endMomentum = new double[] {baseMomentum, maxMomentum};
    }
  }

  /** Index of the phase holding {@code step} (already clamped to the last step). */
  private int phase(long step) {
    int last = endStep.length - 1;
    for (int i = 0; i < last; i++) {
      if (step <= endStep[i]) {
        return i;
      }
    }
    return last;
  }

  private double pct(int phase, long step) {
    double start = phase == 0 ? 0 : endStep[phase - 1];
    return (step - start) / (endStep[phase] - start);
  }

  @Override
  public double valueAt(long step) {
    Schedules.checkStep(step);
    long s = Math.min(step, totalSteps - 1);
    int p = phase(s);
    return anneal.apply(startLr[p], endLr[p], pct(p, s));
  }

  @Override
  public double momentumAt(long step) {
    Schedules.checkStep(step);
    if (!cycleMomentum) {
      return Double.NaN;
    }
    long s = Math.min(step, totalSteps - 1);
    int p = phase(s);
    return anneal.apply(startMomentum[p], endMomentum[p], pct(p, s));
  }

  @Override
  public boolean hasMomentum() {
    return cycleMomentum;
  }

  @Override
  public long endStep() {
    return totalSteps();
  }

  long totalSteps() {
    return totalSteps;
  }

  double maxLr() {
    return maxLr;
  }

  @Override
  public String toString() {
    return "onecycle(max=" + format(maxLr) + ", total=" + totalSteps + ", pct=" + format(pctStart) + ", div="
        + format(divFactor) + ", final_div=" + format(finalDivFactor) + ", anneal=" + anneal.specName()
        + ", phases=" + (threePhase ? 3 : 2) + ", momentum="
        + (cycleMomentum ? format(baseMomentum) + ":" + format(maxMomentum) : "none") + ")";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OneCycleSchedule)) {
      return false;
    }
    OneCycleSchedule c = (OneCycleSchedule) o;
    return Double.compare(maxLr, c.maxLr) == 0 && totalSteps == c.totalSteps
        && Double.compare(pctStart, c.pctStart) == 0 && Double.compare(divFactor, c.divFactor) == 0
        && Double.compare(finalDivFactor, c.finalDivFactor) == 0 && anneal == c.anneal
        && threePhase == c.threePhase && cycleMomentum == c.cycleMomentum
        && Double.compare(baseMomentum, c.baseMomentum) == 0 && Double.compare(maxMomentum, c.maxMomentum) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxLr, totalSteps, pctStart, divFactor, finalDivFactor, anneal, threePhase, cycleMomentum,
        baseMomentum, maxMomentum);
  }
}
